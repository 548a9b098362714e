"""Helpers for plugin authors; their public names are exported from ``core``."""
