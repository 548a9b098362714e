"""Data files of the jobs plugin (the Berufsbenennung -> KldB 2010 table)."""
