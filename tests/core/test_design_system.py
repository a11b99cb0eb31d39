"""Every page is on the design system: no template writes a form control without GOV.UK's
classes, and no rule of our own stylesheet styles form controls (issue 11: "No page keeps
hand-written form CSS")."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTROL = re.compile(r"<(input|select|textarea|button)\b([^>]*)>", re.IGNORECASE | re.DOTALL)
# The honeypot field of the public forms is out of sight on purpose (curim.css `.hp`).
EXEMPT = ('type="hidden"', 'id="id_website"')
# Buttons drawn as links in the header and under comments (frontend/_components.scss).
OWN_CLASSES = ("govuk-", "curim-link-button", "leaflet-")


def test_every_form_control_in_a_template_wears_the_design_system_s_classes() -> None:
    bare = []
    for template in (ROOT / "templates").rglob("*.html"):
        for match in CONTROL.finditer(template.read_text()):
            attributes = match.group(2)
            if any(exempt in attributes for exempt in EXEMPT):
                continue
            classes = re.search(r'class="([^"]*)"', attributes)
            if classes is None or not any(own in classes.group(1) for own in OWN_CLASSES):
                bare.append(f"{template.relative_to(ROOT)}: {match.group(0)[:80]}")
    assert bare == []


def test_our_stylesheet_does_not_style_form_controls() -> None:
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "static/css/curim.css").read_text(), flags=re.DOTALL)
    selectors = [rule.split("{")[0] for rule in css.split("}") if "{" in rule]
    element = re.compile(r"(^|[\s,>+~(])(input|select|textarea|button|label|fieldset|legend)\b")
    styled = [s.strip() for s in selectors if element.search(s) or re.search(r"\.field\b", s)]
    assert styled == []
