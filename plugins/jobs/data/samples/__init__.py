"""Sample import files of the jobs plugin (fictitious)."""
