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
