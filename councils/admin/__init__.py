"""The council's records in the Django admin, for administrators. Saves go through the
services (validation, history rows); workflows move by the admin actions, which call them."""

from councils.admin import bodies, history, meetings, recommendations, records, strategy

__all__ = ["bodies", "history", "meetings", "recommendations", "records", "strategy"]
