"""Celery tasks of the core: thin wrappers around the outbox services, and a ping."""

from celery import shared_task

from curim.core import services


@shared_task(name="core.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    return services.outbox_sweep()


@shared_task(name="core.outbox_prune", ignore_result=True)
def outbox_prune() -> int:
    return services.outbox_prune()


@shared_task(name="core.echo")
def echo(value: str) -> str:
    """Return what it was given: proves a round trip through the broker and a worker."""
    return value
