"""An agenda stays numbered 1, 2, … whoever takes an item off it (the secretary, or the
carry-over taking off an item whose reason is gone)."""

from councils.models import AgendaItem, Meeting


def agenda_renumber(meeting: Meeting) -> None:
    """Number the items left 1, 2, … in their order, closing the gaps. Call it inside the
    transaction that removed the items: the uniqueness of (meeting, order) is checked at
    commit, so items may swap places."""
    items = list(meeting.agenda_items.order_by("order", "pk"))
    moved = []
    for position, item in enumerate(items, start=1):
        if item.order != position:
            item.order = position
            moved.append(item)
    AgendaItem.objects.bulk_update(moved, ["order"])
