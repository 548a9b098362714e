"""Operator pages under ``/admin/``: login, moderation queue with diff, outbox, audit log."""

from webapp.admin.views import init_admin

__all__ = ["init_admin"]
