"""Operator pages under ``/admin/``: login, moderation queue with diff, outbox, audit log,
companies, the plugins' datasets and the configuration in force."""

from webapp.admin.views import init_admin

__all__ = ["init_admin"]
