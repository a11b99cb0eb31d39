"""Compute the public's part of finished evaluations that have none (finished before the
platform computed one, or whose part failed): until then the public reads no figure of them.
Safe to run again; each evaluation is stored by itself, so an interrupted run resumes."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from interventions.services.evaluation_backfill import (
    evaluation_public_backfill,
    evaluations_without_public_part,
)


class Command(BaseCommand):
    help = (
        "Compute the public's figures of finished evaluations that have none, from the public "
        "reports as they are now (the public's pages then give this day as their date)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the evaluations, compute nothing."
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        ids = list(evaluations_without_public_part().values_list("pk", flat=True))
        if dry_run:
            for evaluation in evaluations_without_public_part().select_related("intervention"):
                self.stdout.write(f"{evaluation}: would be computed")
            self.stdout.write(f"{len(ids)} evaluations without the public's figures.")
            return
        done = 0
        for evaluation_id in ids:
            backfilled = evaluation_public_backfill(evaluation_id=evaluation_id)
            if backfilled is None:  # computed meanwhile (another run, a new version's task)
                continue
            done += 1
            self.stdout.write(f"{backfilled.evaluation}: {backfilled.outcome}")
        self.stdout.write(self.style.SUCCESS(f"The public's figures computed for {done}."))
