"""The plugin system: hook specifications, plugin manager, built-in plugin and scaffold."""
