"""No lock through a join: a `select_for_update()` in a chain with `select_related()` locks
its own model's row only (`of=("self",)`), or it locks every joined row as well
(docs/architecture.md, "Locks"). Read from the code: a chain written in one expression; a
queryset built over several statements, a join made by a filter across a relation or by a
model's ordering are not followed.

Found so: an evaluation's computation locked its intervention and area for minutes (every
report submitted there waited), a moderator's edit locked the report's category (every report
of it submitted meanwhile waited), and a referral's change and an action item's change locked
child then parent through their joins, where the services beside them lock parent then child
(deadlocks: tests/victims/test_referral_lock.py, tests/councils/test_action_item_lock.py).
Where two rows must be locked, a service locks the parent first, then the child, by two
statements."""

import ast
from typing import Any

import pytest
from django.apps import apps

from tests.test_layering import APPS, ROOT


def chain_of(call: ast.Call) -> list[ast.Call]:
    """The calls of a method chain, outermost first (`a.b().c().d()`: d, c, b)."""
    calls = []
    node: ast.expr = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        calls.append(node)
        node = node.func.value
    return calls


def _self_only(call: ast.Call) -> bool:
    """Whether the call says `of=("self",)`: the row of the query's own model only."""
    for keyword in call.keywords:
        if keyword.arg == "of" and isinstance(keyword.value, ast.Tuple | ast.List):
            names = [getattr(element, "value", None) for element in keyword.value.elts]
            return names == ["self"]
    return False


def locks_through_a_join(source: str) -> list[int]:
    """The lines where a chain locks with select_for_update() but for `of=("self",)` and joins
    with select_related() (a queryset built over several statements is not followed)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        calls = chain_of(node)
        names = {call.func.attr for call in calls}  # type: ignore[attr-defined]
        if "select_related" not in names:
            continue
        for call in calls:
            if call.func.attr == "select_for_update" and not _self_only(call):  # type: ignore[attr-defined]
                found.add(call.lineno)
    return sorted(found)


def test_no_lock_through_a_join() -> None:
    found = {
        str(path.relative_to(ROOT)): lines
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
        and (lines := locks_through_a_join(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_check_sees_a_lock_through_a_join() -> None:
    assert locks_through_a_join(
        "a = Item.objects.select_for_update().select_related('parent').get(pk=1)\n"
        "b = Item.objects.select_related('parent').select_for_update().filter(pk=1)\n"
        "c = Item.objects.select_for_update(of=('self',)).select_related('parent').get(pk=1)\n"
        "d = Item.objects.select_for_update().get(pk=1)\n"
        "e = Item.objects.select_related('parent').get(pk=1)\n"
        "f = Item.objects.select_for_update(of=('self', 'parent')).select_related('parent')\n"
        "g = Item.objects.select_for_update(of=()).select_related('parent').get(pk=1)\n"
    ) == [1, 2, 6, 7]


# --- A join made by an ordering ------------------------------------------------------------
# A model ordered across a relation (Minutes by their meeting's start, an action item by its
# recommendation) joins that relation into every query that keeps the ordering, and a
# select_for_update() there locks the joined rows too, in the plan's order; so does an
# `order_by()` across one. `get()` drops the ordering; `of=("self",)` locks the model's own rows;
# `update()` and `delete()` lock nothing through it.
ORDERING_DROPPED = {
    "get",
    "get_or_create",
    "update_or_create",
    "exists",
    "count",
    "update",
    "delete",
}


def locks_on_a_model(source: str) -> list[tuple[int, str, tuple[str, ...] | None]]:
    """(line, model name, the `order_by()` it gives or None) of each chain
    `Name.objects…select_for_update(…)…` that keeps an ordering: no `of=("self",)`, no `get()`.
    A chain whose `order_by()` is not all written-out names is not followed."""
    tree = ast.parse(source)
    # A chain is read whole, from its outermost call: `a.b().c()` holds `a.b()` too.
    inner = {
        id(node.func.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in inner:
            continue
        calls = chain_of(node)
        names = {call.func.attr for call in calls}  # type: ignore[attr-defined]
        if "select_for_update" not in names or names & ORDERING_DROPPED:
            continue
        if any(
            call.func.attr == "select_for_update" and _self_only(call)  # type: ignore[attr-defined]
            for call in calls
        ):
            continue
        # The outermost order_by() is the one that counts (calls run outermost first).
        order_by = next((call for call in calls if call.func.attr == "order_by"), None)  # type: ignore[attr-defined]
        ordering: tuple[str, ...] | None = None
        if order_by is not None:
            if not all(
                isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                for arg in order_by.args
            ):
                continue  # not written out: left to review
            ordering = tuple(arg.value for arg in order_by.args)  # type: ignore[attr-defined]
        root = calls[-1].func.value  # type: ignore[attr-defined]
        if (
            isinstance(root, ast.Attribute)
            and root.attr in {"objects", "_default_manager"}
            and isinstance(root.value, ast.Name)
        ):
            found.add((calls[-1].lineno, root.value.id, ordering))
    return sorted(found, key=lambda row: (row[0], row[1]))


def _ordered_through_a_join(model: Any, ordering: tuple[str, ...] | None = None) -> bool:
    rows = model._default_manager.select_for_update()
    if ordering is not None:
        rows = rows.order_by(*ordering)
    return " JOIN " in str(rows.query)


@pytest.mark.django_db
def test_no_lock_on_a_model_ordered_through_a_join() -> None:
    models_by_name: dict[str, list[Any]] = {}
    for model in apps.get_models():
        models_by_name.setdefault(model.__name__, []).append(model)
    found = {
        f"{path.relative_to(ROOT)}:{line}": name
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
        for line, name, ordering in locks_on_a_model(path.read_text(encoding="utf-8"))
        if any(_ordered_through_a_join(model, ordering) for model in models_by_name.get(name, []))
    }
    assert found == {}


@pytest.mark.django_db
def test_the_check_sees_a_lock_ordered_through_a_join() -> None:
    minutes, meeting = apps.get_model("councils", "Minutes"), apps.get_model("councils", "Meeting")
    assert _ordered_through_a_join(minutes)
    assert not _ordered_through_a_join(minutes, ("pk",))
    assert _ordered_through_a_join(meeting, ("minutes__state",))
    assert not _ordered_through_a_join(meeting)
    assert locks_on_a_model(
        "a = Minutes.objects.select_for_update().filter(pk=1).first()\n"
        "b = list(Minutes.objects.filter(meeting=m).select_for_update())\n"
        "c = Minutes.objects.select_for_update().get(pk=1)\n"
        "d = Minutes.objects.select_for_update().filter(pk=1).order_by('pk').first()\n"
        "e = Minutes.objects.select_for_update(of=('self',)).filter(pk=1).first()\n"
        "f = rows.select_for_update().filter(pk=1).first()\n"
        "g = (Minutes.objects.select_for_update()\n    .filter(pk=1).get())\n"
        "h = Minutes.objects.select_for_update().order_by(field).first()\n"
        "i = Minutes.objects.select_for_update().filter(pk=1).update(text='')\n"
    ) == [(1, "Minutes", None), (2, "Minutes", None), (4, "Minutes", ("pk",))]
