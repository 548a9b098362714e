"""Files in and out: company imports and exports, open data, datasets, backups, demo data."""
