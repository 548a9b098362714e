"""The in-tree plugins: search layers built only on the public core API (``core``)."""
