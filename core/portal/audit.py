"""The audit log: who changed what, without personal data.

An entry names the actor by role and number (``operator:3``, ``editor:17`` for an editor link,
``cli``, ``public``), the action (``submission.approve``), the subject (``submission:12``,
``company:5``) and details that hold field names and states, never values a person entered.
Entries survive the erasure of a company: they hold nothing personal. The rows live in
``core_audit`` (``core.persistence.audit``).
"""

from core.persistence.audit import AuditEntry, log_action, recent_entries

__all__ = ["AuditEntry", "log_action", "recent_entries"]
