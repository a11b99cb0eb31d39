"""The design system's partials as template tags: `{% field %}`, `{% fields %}`,
`{% error_summary %}` and `{% table %}` (docs/architecture.md, "Design system").

These four are tags, not plain includes, because they decide something: which GOV.UK component
draws a field depends on its widget's class, the ids that tie a label, hint and error message to
a control must be the ones the error summary links to, and a table's cells need their column's
name. The markup is in templates/components/, but for the table's, which the tag writes itself
(a page draws dozens of tables); the partials that decide nothing (button, notification banner)
are included directly.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Number
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField, BoundWidget
from django.forms.widgets import DateTimeBaseInput
from django.template.base import render_value_in_context
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

# GOV.UK Frontend's class for each kind of control (an error state adds `--error` to it).
CONTROL_CLASSES = {
    "input": "govuk-input",
    "date": "govuk-input",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}
# Widths for inputs, by the kind of value typed (a date, whatever the widget, gets the first).
INPUT_WIDTHS = {"date": "govuk-!-width-one-half", "code": "govuk-input--width-10"}


def field_kind(bound: BoundField) -> str:
    """The component that draws this field (its group of classes, and its template)."""
    widget = bound.field.widget
    # CheckboxSelectMultiple is a RadioSelect: ask for it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, DateTimeBaseInput):
        return "date"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


def control_id(bound: BoundField) -> str:
    """The id of the control a label and an error summary's link lead to: for a group of
    radios or checkboxes, its first box (GOV.UK's error summary moves focus there)."""
    if field_kind(bound) in ("radios", "checkboxes"):
        return f"{bound.auto_id}_0"
    return bound.id_for_label or bound.auto_id


def _label(bound: BoundField) -> str:
    label = str(bound.label)
    # GOV.UK marks the optional fields, not the required ones. A label that already ends in a
    # bracket says so itself ("Anything you would like us to know (optional)"); a form whose
    # fields are all optional by nature (filters) sets mark_optional to False.
    if (
        not bound.field.required
        and getattr(bound.form, "mark_optional", True)
        and field_kind(bound) != "checkbox"
        and not label.endswith(")")
    ):
        # Not in an f-string: xgettext does not look inside one.
        optional = gettext("optional")
        label = f"{label} ({optional})"
    return label


def _with_class(bound: BoundField, classes: str) -> str:
    own = bound.field.widget.attrs.get("class", "")
    return f"{classes} {own}".strip()


def _options(bound: BoundField, input_class: str) -> list[BoundWidget]:
    """The radios or checkboxes of a choice field, each an <input> with GOV.UK's class."""
    widget = bound.field.widget
    attrs = bound.build_widget_attrs({"id": bound.auto_id, "class": input_class})
    attrs.pop("aria-describedby", None)  # on the fieldset, for the whole group
    return [
        BoundWidget(widget, data, bound.form.renderer)
        for data in widget.subwidgets(bound.html_name, bound.value(), attrs=attrs)
    ]


@register.simple_tag
def field(bound: BoundField, hint: str = "", width: str = "", size: str = "") -> SafeString:
    """One form field as its GOV.UK component: label (or legend), hint, error message and
    control, tied together by `for` and `aria-describedby`.

    `hint` replaces the field's help text; `width` is a key of INPUT_WIDTHS or a GOV.UK width
    class; `size` ("s", "m", "l" or "xl") makes the label or legend bold and larger.
    """
    kind = field_kind(bound)
    ident = control_id(bound)
    base = bound.auto_id or bound.html_name
    hint_text = hint or bound.help_text
    hint_id = f"{base}-hint" if hint_text else ""
    error_id = f"{base}-error" if bound.errors else ""
    described_by = " ".join(filter(None, [hint_id, error_id]))
    context: dict[str, Any] = {
        "field": bound,
        "id": ident,
        "label": _label(bound),
        "size": size,
        "hint": hint_text,
        "hint_id": hint_id,
        "error_id": error_id,
        "described_by": described_by,
    }
    if kind in ("radios", "checkboxes"):
        item = "govuk-radios__input" if kind == "radios" else "govuk-checkboxes__input"
        context["options"] = _options(bound, item)
    else:
        attrs: dict[str, str | bool] = {}
        if described_by:
            attrs["aria-describedby"] = described_by
        attrs["class"] = _with_class(bound, _control_classes(bound, kind, width))
        context["control"] = bound.as_widget(attrs=attrs)
    name = kind if kind in ("radios", "checkboxes", "checkbox") else "control"
    return render_to_string(f"components/field/{name}.html", context)


def _control_classes(bound: BoundField, kind: str, width: str) -> str:
    base = CONTROL_CLASSES[kind]
    classes = [base]
    if bound.errors and kind != "checkbox":  # a single checkbox's group shows the error
        classes.append(f"{base}--error")
    if width_class := INPUT_WIDTHS.get(width, width) or INPUT_WIDTHS.get(kind, ""):
        classes.append(width_class)
    return " ".join(classes)


@register.simple_tag
def fields(form: forms.BaseForm) -> SafeString:
    """Every field of a form: the hidden ones as they are, the others by `{% field %}`."""
    parts = [str(hidden) for hidden in form.hidden_fields()]
    parts += [field(bound) for bound in form.visible_fields()]
    return mark_safe("\n".join(parts))  # noqa: S308 - each part was rendered and escaped


@dataclass(frozen=True)
class SummaryItem:
    text: str
    href: str  # "" for an error that belongs to no visible field


def summary_items(*forms_given: forms.BaseForm | None) -> list[SummaryItem]:
    """The errors of one or more forms, in the order of their fields, each linking to its
    field; errors of the whole form (and of hidden fields) first, without a link."""
    items: list[SummaryItem] = []
    for form in filter(None, forms_given):
        items += [SummaryItem(str(error), "") for error in form.non_field_errors()]
        for hidden in form.hidden_fields():
            items += [SummaryItem(str(error), "") for error in hidden.errors]
        for bound in form.visible_fields():
            # The field's name first: many of Django's messages do not say which field they
            # are about ("This field is required."), and the summary stands apart from it.
            items += [
                SummaryItem(f"{_label(bound)}: {error}", f"#{control_id(bound)}")
                for error in bound.errors
            ]
    return items


@register.simple_tag
def error_summary(*forms_given: forms.BaseForm | None) -> SafeString:
    """GOV.UK's error summary for the given forms, or nothing when they have no error. Put it
    at the top of the main content: GOV.UK Frontend's script moves focus to it on load."""
    items = summary_items(*forms_given)
    if not items:
        return SafeString("")
    return render_to_string("components/error_summary.html", {"items": items})


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@register.simple_tag
def table(
    rows: Iterable[Sequence[object]],
    head: Sequence[str | Column],
    caption: str = "",
    mode: str = "scroll",
    row_headers: bool = False,
    caption_size: str = "m",
) -> SafeString:
    """A GOV.UK table. `mode` says what it does on a phone: "scroll" scrolls inside its own
    box with the first column in view, "stacked" turns each row into a block of labelled lines.
    Cells are text (escaped), safe HTML (a link made with format_html) or numbers (aligned to
    the right, in the locale's format). `row_headers` makes each row's first cell its header.
    `caption_size` is the caption's GOV.UK size: "s", "m" or "l" (under a heading, "s").
    """
    if mode not in ("scroll", "stacked"):
        raise template.TemplateSyntaxError(f"table mode {mode!r}: 'scroll' or 'stacked'")
    if caption_size not in ("s", "m", "l"):
        raise template.TemplateSyntaxError(f"table caption_size {caption_size!r}: s, m or l")
    columns = [c if isinstance(c, Column) else Column(str(c)) for c in head]
    stacked = mode == "stacked"

    def role(name: str) -> str:
        return f' role="{name}"' if stacked else ""

    # Written here rather than in a template: a council dashboard draws dozens of tables, and
    # the template engine's loops over their cells were a fifth of its time (docs/performance.md).
    # Every value goes through _text, as `{{ value }}` would; tests/core/table_reference.html is
    # the template this replaced, and tests/core/test_components.py holds the two to the same HTML.
    out = []
    if not stacked:
        label = f' aria-label="{_text(caption)}"' if caption else ""
        out.append(f'<div class="curim-table-scroll" role="region"{label} tabindex="0">')
    out.append(
        f'<table class="govuk-table{" curim-table--stacked" if stacked else ""}"{role("table")}>'
    )
    if caption:
        out.append(
            f'<caption class="govuk-table__caption govuk-table__caption--{caption_size}">'
            f"{_text(caption)}</caption>"
        )
    out.append(f'<thead class="govuk-table__head"{role("rowgroup")}>')
    out.append(f'<tr class="govuk-table__row"{role("row")}>')
    for column in columns:
        kind = " govuk-table__header--numeric" if column.numeric else ""
        out.append(
            f'<th scope="col" class="govuk-table__header{kind}"{role("columnheader")}>'
            f"{_text(column.label)}</th>"
        )
    out.append("</tr>\n</thead>")
    out.append(f'<tbody class="govuk-table__body"{role("rowgroup")}>')
    for row in rows:
        out.append(f'<tr class="govuk-table__row"{role("row")}>')
        for index, value in enumerate(row):
            column = columns[index] if index < len(columns) else Column("")
            label = (
                f'<span class="curim-table__label" aria-hidden="true">{_text(column.label)}</span>'
                if stacked and column.label
                else ""
            )
            if row_headers and index == 0:
                cell = f'<th scope="row" class="govuk-table__header"{role("rowheader")}>'
                out.append(f"{cell}{label}{_text(value)}</th>")
                continue
            numeric = column.numeric or (isinstance(value, Number) and not isinstance(value, bool))
            kind = " govuk-table__cell--numeric" if numeric else ""
            out.append(
                f'<td class="govuk-table__cell{kind}"{role("cell")}>{label}{_text(value)}</td>'
            )
        out.append("</tr>")
    out.append("</tbody>\n</table>")
    if not stacked:
        out.append("</div>")
    return mark_safe("\n".join(out))  # noqa: S308 - every value escaped by _text


# What `{{ value }}` renders a value with: no time zone or localisation of its own (the active
# ones), autoescaping on. Only read, never changed, so shared by every thread.
_VALUE_CONTEXT = template.Context()


def _text(value: object) -> str:
    """A value as `{{ value }}` writes it in a template: localised (numbers and dates in the
    active language's format, times in the current time zone), escaped unless already safe.
    Cells are data: a callable is written as its text, where a template would have called it."""
    return str(render_value_in_context(value, _VALUE_CONTEXT))
