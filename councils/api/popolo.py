"""The councils and their members as Popolo JSON (https://www.popoloproject.com/specs/):
`organizations` (the councils, and the organisations that sit on them), `memberships` (a seat:
the council, the organisation it stands for, the position and its dates) and `persons` (only
the members who agreed to be named). Read from `councils.selectors.public` only."""

from typing import Any

from councils.api.serializers import POPOLO_ROLES
from councils.selectors import (
    PublicCouncil,
    PublicOrganisation,
    public_councils,
    public_members,
    public_organisations,
)


def _names(name_en: str, name_el: str) -> tuple[str, list[dict[str, str]]]:
    """The name (English, else Greek) and the Greek one as another name."""
    other = [{"name": name_el, "note": "el"}] if name_el and name_en else []
    return name_en or name_el, other


def _council(council: PublicCouncil) -> dict[str, Any]:
    name, other_names = _names(council.name_en, council.name_el)
    entry: dict[str, Any] = {
        "id": f"council/{council.slug}",
        "name": name,
        "other_names": other_names,
        "classification": "council",
        "founding_date": council.term_starts_on.isoformat(),
    }
    if council.term_ends_on:
        entry["dissolution_date"] = council.term_ends_on.isoformat()
    return entry


def _organisation(organisation: PublicOrganisation) -> dict[str, Any]:
    name, other_names = _names(organisation.name_en, organisation.name_el)
    return {
        "id": f"organisation/{organisation.public_id}",
        "name": name,
        "other_names": other_names,
        "classification": organisation.sector,
    }


def popolo_document() -> dict[str, list[dict[str, Any]]]:
    persons: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    for member in public_members(past_too=True):
        membership: dict[str, Any] = {
            "id": f"membership/{member.public_id}",
            "organization_id": f"council/{member.council_slug}",
            "on_behalf_of_id": f"organisation/{member.organisation.public_id}",
            "role": POPOLO_ROLES[member.position],
            "start_date": member.starts_on.isoformat(),
        }
        if member.ends_on:
            membership["end_date"] = member.ends_on.isoformat()
        if member.name is not None:
            # One person per named seat: nothing links the seats of one person who is named
            # in one and not in another.
            person_id = f"person/{member.public_id}"
            persons.append({"id": person_id, "name": member.name})
            membership["person_id"] = person_id
        memberships.append(membership)
    organizations = [_council(council) for council in public_councils()]
    organizations += [_organisation(organisation) for organisation in public_organisations()]
    return {"persons": persons, "organizations": organizations, "memberships": memberships}
