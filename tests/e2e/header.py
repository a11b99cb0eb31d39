"""Using the site's header as a visitor does, on a phone or a desktop."""

from playwright.sync_api import Page


def open_from_the_menu(page: Page, name: str) -> None:
    """Follow a link of the main navigation, opening the "Menu" first where it is folded (on a
    phone, such as the tests' 390 px page)."""
    navigation = page.get_by_role("navigation", name="Main")
    menu = navigation.locator("button[aria-controls]")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()
    navigation.get_by_role("link", name=name, exact=True).click()
