"""CURiM: settings, URLs, the Celery app, and the core apps (accounts, areas, the map)."""

from curim.celery import app as celery_app

__all__ = ["celery_app"]
