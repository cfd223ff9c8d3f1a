"""Moderation: the posting state machine (workflow.py, pure), its audit log and comments (models.py),
and the only code that changes a posting's or an organisation's status (services.py)."""
