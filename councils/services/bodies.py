"""Councils, organisations and memberships: saved after validation, ended rather than deleted."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from councils.models import Council, Membership, Organisation


@transaction.atomic
def council_save(*, council: Council) -> Council:
    council.full_clean()
    council.save()
    return council


@transaction.atomic
def organisation_save(*, organisation: Organisation) -> Organisation:
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def membership_save(*, membership: Membership) -> Membership:
    """Save a membership: the person holds a council role, and sits on the council once at a
    time; the council has one chair at a time (`Membership.clean`)."""
    if membership.council_id is not None:
        # Two saves for the same council wait for each other, so their overlap checks hold.
        Council.objects.select_for_update().filter(pk=membership.council_id).first()
    membership.full_clean()
    membership.save()
    return membership


def membership_end(*, membership: Membership, on: date) -> Membership:
    """End a membership on a day (the last day it holds)."""
    if membership.ends_on is not None and membership.ends_on < on:
        raise ValidationError({"ends_on": _("The membership has ended already.")})
    membership.ends_on = on
    return membership_save(membership=membership)
