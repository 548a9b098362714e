"""Data files of the training plugin (demo course kinds, sample import files)."""
