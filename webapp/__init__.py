"""The thin Flask layer that composes core and the enabled plugins into the portal."""

from webapp.app import create_app

__all__ = ["create_app"]
