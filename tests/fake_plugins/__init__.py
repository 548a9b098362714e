"""Test-only plugins. They are handed to ``Platform(settings, extra_plugins={...})``, or found
through a temporary entry point (``tests/test_cli.py``), like installed plugins would be."""
