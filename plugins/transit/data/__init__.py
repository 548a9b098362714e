"""Data files shipped with the transit plugin (see SOURCE.md)."""
