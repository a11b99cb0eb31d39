"""Compute the public's part of finished evaluations that have none (finished before the
platform computed one, or whose part failed): until then the public reads no figure of them.
Safe to run again; each evaluation is stored by itself, so an interrupted run resumes."""

from argparse import ArgumentParser
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from interventions.services.evaluation_backfill import (
    COMPUTE,
    FIGURES,
    NONE,
    REDRAWN,
    UNREADABLE,
    backfill_outlook,
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
        if dry_run:
            self._list()
            return
        outcomes: Counter[str] = Counter()
        ids = list(evaluations_without_public_part().values_list("pk", flat=True))
        for evaluation_id in ids:
            backfilled = evaluation_public_backfill(evaluation_id=evaluation_id)
            if backfilled is None:  # computed meanwhile (another run)
                continue
            outcomes[backfilled.outcome] += 1
            said = SAID.get(backfilled.outcome, backfilled.outcome)
            self.stdout.write(f"{backfilled.evaluation}: {said}")
        stored = sum(n for outcome, n in outcomes.items() if outcome not in SKIPPED)
        skipped = f"{outcomes[REDRAWN]} skipped (redrawn)"
        if outcomes[UNREADABLE]:
            skipped += f", {outcomes[UNREADABLE]} skipped (parameters unreadable)"
        self.stdout.write(
            self.style.SUCCESS(
                f"The public's part stored for {stored}, {outcomes[FIGURES]} of them with "
                f"figures; {skipped}."
            )
        )
        if outcomes["error"]:
            raise CommandError(
                f"{outcomes['error']} failed (logged; the public reads no figure of them). Run "
                "again once the fault is fixed: only these and any still missing are computed."
            )

    def _list(self) -> None:
        evaluations = list(
            evaluations_without_public_part().select_related("intervention", "intervention__area")
        )
        for evaluation in evaluations:
            self.stdout.write(f"{evaluation}: would be {WOULD[backfill_outlook(evaluation)]}")
        self.stdout.write(f"{len(evaluations)} evaluations without the public's figures.")


SKIPPED = (REDRAWN, UNREADABLE)
SAID = {
    REDRAWN: "skipped, the intervention was redrawn since this version (another design, area "
    "or number of sites): ask for a new version",
    UNREADABLE: "skipped, its stored parameters do not read: ask for a new version",
    NONE: "none (official incidents: never public)",
}
WOULD = {
    COMPUTE: "computed",
    NONE: "stored as none (official incidents: never public)",
    REDRAWN: "skipped, the intervention was redrawn since",
    UNREADABLE: "skipped, its stored parameters do not read",
}
