"""Operator pages under ``/admin/``: login, moderation queue with diff, outbox, audit log,
companies, the plugins' datasets and the configuration in force."""

from webapp.admin import companies, configuration, datasets
from webapp.admin.views import blp, init_admin

__all__ = ["init_admin"]

# the companies, datasets and configuration pages join the admin blueprint (once, on import:
# each app registers the finished blueprint)
companies.register(blp)
datasets.register(blp)
configuration.register(blp)
