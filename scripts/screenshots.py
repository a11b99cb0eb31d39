"""The README's screenshots, taken from a running platform in headless Chromium.

    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8000 --out docs/screenshots

`make screenshots` starts the demo (as `make run` serves it), runs this, and stops it, so the
pictures show the pages as they are today. Each page is taken on a desktop (1280 px) and the
risk map also on a phone (360 px), in English, with the demo's council member signed in for
the dashboard. Map tiles come from the tile server of the demo's settings; without network the
map shows its data on an empty background, which is what these pictures keep.
"""

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 360, "height": 760}


@dataclass(frozen=True)
class Shot:
    name: str  # the file's name, without .png
    path: str  # the page, or "" for the first report of the public list
    wait_for: str  # a selector that shows the page has drawn what matters
    signed_in: bool = False
    phone: bool = False
    full_page: bool = True  # the whole page, or the screen's first view only


SHOTS = (
    Shot("risk-map", "/map/", "#risk-map path.leaflet-interactive", full_page=False),
    Shot(
        "risk-map-phone",
        "/map/",
        "#risk-map path.leaflet-interactive",
        phone=True,
        full_page=False,
    ),
    Shot("report", "", "#report-map .leaflet-marker-icon, #report-map path"),
    Shot("survey-dashboard", "/surveys/dashboard/", "main h1", signed_in=True),
    Shot("survey-results", "/surveys/results/follow-up-2023/", "#table-glance", full_page=False),
)


def _sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _first_report(page: Page, base_url: str) -> str:
    """The address of the first published report of a place (an incivility) in the public
    list: one with a map."""
    page.goto(f"{base_url}/reports/?group=incivility")
    link = page.evaluate(
        """() => [...document.querySelectorAll("main a[href]")]
              .map(a => a.getAttribute("href"))
              .find(href => /^\\/reports\\/[0-9a-f-]{36}\\/$/.test(href))"""
    )
    if not link:
        raise SystemExit("no published report on /reports/: load the demo first (make demo)")
    return str(link)


def take(browser: Browser, base_url: str, out: Path, email: str, password: str) -> list[Path]:
    """Every shot of SHOTS, written to `out`; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for shot in SHOTS:
        viewport = PHONE if shot.phone else DESKTOP
        context = browser.new_context(viewport=viewport, locale="en-GB")  # type: ignore[arg-type]
        context.add_cookies([{"name": "django_language", "value": "en", "url": base_url}])
        page = context.new_page()
        if shot.signed_in:
            _sign_in(page, base_url, email, password)
        path = shot.path or _first_report(page, base_url)
        page.goto(base_url + path)
        page.locator(shot.wait_for).first.wait_for(state="attached")
        page.wait_for_load_state("networkidle")
        target = out / f"{shot.name}.png"
        page.screenshot(path=str(target), full_page=shot.full_page)
        written.append(target)
        context.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--email", default="council.member@demo.curim.example")
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", "curim-demo-2026"))
    arguments = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        written = take(
            browser,
            arguments.base_url.rstrip("/"),
            arguments.out,
            arguments.email,
            arguments.password,
        )
        browser.close()
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
