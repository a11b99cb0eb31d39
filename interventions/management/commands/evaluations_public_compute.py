"""Compute the public's part of finished evaluations that have none (finished before the
platform computed one, or whose part failed): until then the public reads no figure of them.
Safe to run again; each evaluation is stored by itself, so an interrupted run resumes."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from interventions.services.evaluation_backfill import (
    REDRAWN,
    backfill_skipped,
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
            evaluations = evaluations_without_public_part().select_related(
                "intervention", "intervention__area"
            )
            for evaluation in evaluations:
                skipped = backfill_skipped(evaluation)
                self.stdout.write(
                    f"{evaluation}: would be skipped, the intervention was redrawn since"
                    if skipped
                    else f"{evaluation}: would be computed"
                )
            self.stdout.write(f"{len(ids)} evaluations without the public's figures.")
            return
        done, redrawn, failed = 0, 0, 0
        for evaluation_id in ids:
            backfilled = evaluation_public_backfill(evaluation_id=evaluation_id)
            if backfilled is None:  # computed meanwhile (another run)
                continue
            if backfilled.outcome == REDRAWN:
                redrawn += 1
                self.stdout.write(
                    f"{backfilled.evaluation}: skipped, the intervention was redrawn since this "
                    "version (another design, area or number of sites): ask for a new version"
                )
                continue
            done += 1
            failed += backfilled.outcome == "error"
            self.stdout.write(f"{backfilled.evaluation}: {backfilled.outcome}")
        self.stdout.write(
            self.style.SUCCESS(
                f"The public's figures computed for {done}; {redrawn} skipped (redrawn)."
            )
        )
        if failed:
            raise CommandError(
                f"{failed} failed (logged; the public reads no figure of them). Run again once "
                "the fault is fixed: only these and any still missing are computed."
            )
