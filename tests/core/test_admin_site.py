"""The Django admin (finding 13): geometry on a map, never as WKT text; every row says what it
is; the Greek admin names models, actions and fieldsets in Greek."""

import re
from collections.abc import Iterator

import pytest
from django.contrib import admin, messages
from django.contrib.admin import ModelAdmin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts import admin as accounts_admin
from curim.accounts.admin_site import refusals_shown
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.core.admin_forms import RefusalsOnTheForm
from curim.core.admin_maps import geometry_fields
from tests.factories import user_with_role, verified_client
from tests.permissions.world import World, world_build

pytestmark = pytest.mark.django_db

# What Django writes for a model without __str__, and for a geometry shown as text.
NO_STR = re.compile(r"object \(\d+\)")
WKT = re.compile(r"SRID=\d+;|\b(?:MULTI)?(?:POINT|POLYGON|LINESTRING) ?\(")


@pytest.fixture
def world(settings: SettingsWrapper) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return world_build()


def admin_models() -> Iterator[tuple[type[Model], ModelAdmin[Model]]]:
    """Every model the admin shows, with its admin: the registered ones and their inlines'."""
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin
        for inline in model_admin.inlines:
            yield inline.model, model_admin


def _superuser() -> User:
    return User.objects.get(email="superuser@example.org")


# --- Maps -------------------------------------------------------------------------------------


def _geometry_pages() -> list[tuple[type[Model], str]]:
    return [
        (model, name)
        for model in admin.site._registry
        for name in geometry_fields(model)
        if name not in (admin.site._registry[model].exclude or ())
    ]


@pytest.mark.parametrize("viewer", ["superuser", "admin"])
@pytest.mark.parametrize(
    ("model", "name"), _geometry_pages(), ids=lambda v: getattr(v, "__name__", v)
)
def test_every_geometry_in_the_admin_is_a_map_not_text(
    world: World, model: type[Model], name: str, viewer: str
) -> None:
    row = model._default_manager.exclude(**{f"{name}__isnull": True}).first()
    assert row is not None, f"the world has no {model.__name__} with a {name}"
    client = Client()
    verified_client(_superuser() if viewer == "superuser" else user_with_role(Role.ADMIN), client)
    opts = model._meta
    response = client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    found = WKT.search(page)
    assert not found, page[found.start() - 400 : found.end() + 80] if found else ""
    assert "leaflet/leaflet.js" in page
    read_only_map = f'class="curim-admin-map" data-field="{name}" data-geojson="{{'
    edited_map = f'id="id_{name}" class="required django-leaflet-raw-textarea'
    assert read_only_map in page or edited_map in page
    if edited_map in page:  # django-leaflet's own script, allowed by the page's nonce
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert nonce is not None
        assert f'<script nonce="{nonce.group(1)}">' in page


def test_a_read_only_map_needs_no_inline_script(world: World) -> None:
    from curim.reports.models import Report

    client = Client()
    verified_client(_superuser(), client)
    report = Report.objects.exclude(location__isnull=True).first()
    assert report is not None
    page = client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    assert page.count('class="curim-admin-map"') == 2  # the exact and the public location
    assert "js/admin-map.js" in page


# --- What each row is -------------------------------------------------------------------------


def test_every_row_the_admin_shows_says_what_it_is(world: World) -> None:
    for model, _admin in admin_models():
        assert model.__str__ is not Model.__str__, f"{model.__name__} has no __str__"
        for row in model._default_manager.all()[:5]:
            assert not NO_STR.search(str(row)), (model.__name__, str(row))


def test_the_inlines_of_a_report_name_their_rows(world: World) -> None:
    from curim.reports.models import Report

    report = Report.objects.filter(events__isnull=False, photos__isnull=False).first()
    assert report is not None
    client = Client()
    verified_client(_superuser(), client)
    page = client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    assert not NO_STR.search(page), NO_STR.search(page)


# --- The Greek admin ----------------------------------------------------------------------------


def _in(language: str, text: object) -> str:
    with translation.override(language):
        return str(text)


def test_every_model_the_admin_shows_has_a_greek_name() -> None:
    for model, _admin in admin_models():
        opts = model._meta
        for name in (opts.verbose_name, opts.verbose_name_plural):
            assert _in("el", name) != _in("en", name), (opts.label, _in("en", name))


def test_every_admin_action_and_fieldset_has_a_greek_name(world: World) -> None:
    request = RequestFactory().get("/admin/")
    request.user = _superuser()
    for model, model_admin in admin.site._registry.items():
        for _func, _name, description in model_admin.get_actions(request).values():
            english = _in("en", description) % {"verbose_name_plural": "x"}
            greek = _in("el", description) % {"verbose_name_plural": "x"}
            assert greek != english, (model._meta.label, english)
        for title, _options in model_admin.get_fieldsets(request):
            if title:
                assert _in("el", title) != _in("en", title), (model._meta.label, title)


def test_the_greek_admin_shows_none_of_the_english_labels(world: World) -> None:
    client = Client()
    verified_client(_superuser(), client)
    client.cookies["django_language"] = "el"
    english = [
        "Confirmations",
        "Follows",
        "Comment flags",
        "Copy as a new draft wave",
        "Auth tokens",
        "Access attempts",
        "Clean up expired attempts",
    ]
    pages = [
        "/admin/",
        "/admin/reports/",
        "/admin/reports/confirmation/",
        "/admin/reports/follow/",
        "/admin/surveys/survey/",
        "/admin/axes/accessattempt/",
        "/admin/knox/authtoken/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert '<html lang="el"' in page, path
        text = re.sub(r"<[^>]*>", " ", page)  # what is read, not class names
        for label in english:
            assert label not in text, (path, label)


def test_every_field_the_admin_shows_has_a_greek_name() -> None:
    # The columns of the change lists and the labels of the change forms: our models', and
    # django-axes' and knox's (curim/core/admin_labels.py). An id is "ID" in both languages.
    english_only = []
    for model in admin.site._registry:
        for field in model._meta.concrete_fields:
            with translation.override("en"):
                english = str(field.verbose_name)
            with translation.override("el"):
                greek = str(field.verbose_name)
            if english == greek and english.lower() != "id":
                english_only.append(f"{model._meta.label}.{field.name}: {english}")
    assert english_only == []


def test_a_refused_post_says_the_refusal_only_and_keeps_nothing() -> None:
    # What the view said before its refusal was undone with it ("The API key is …" of a key
    # never kept); what was said before the view ran stays.
    request = RequestFactory().post("/admin/councils/agendaitem/add/?_popup=1")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]  # as the middleware sets it
    messages.info(request, "Said before the admin's view")

    def view(request: HttpRequest) -> HttpResponse:
        user_with_role(Role.ADMIN)
        messages.success(request, "The API key is abc")
        raise ValidationError({"title": ["Refused meanwhile."]})

    before = User.objects.count()
    response = refusals_shown(view, request)
    assert (response.status_code, response["Location"]) == (
        302,
        "/admin/councils/agendaitem/add/?_popup=1",
    )
    assert [str(m) for m in messages.get_messages(request)] == [
        "Said before the admin's view",
        "Refused meanwhile.",
    ]
    assert User.objects.count() == before


def test_every_admin_that_saves_through_a_service_shows_its_refusals_on_the_form() -> None:
    saving = ("save_model", "save_related", "save_formset")
    missing = sorted(
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if type(model_admin).__module__.split(".")[0]
        in {"curim", "councils", "victims", "surveys", "interventions"}
        and any(
            name in vars(klass)
            for klass in type(model_admin).__mro__
            if klass.__module__.split(".")[0] != "django"
            for name in saving
        )
        and not isinstance(model_admin, RefusalsOnTheForm)
    )
    assert missing == []


def test_a_refused_account_creation_comes_back_on_its_form_with_the_address_kept(
    monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper
) -> None:
    # The creation page has a form of its own (the address and the password twice): a
    # refusal raised after the account was written comes back on it, and nothing is kept.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    def refused(*, user: User) -> None:
        raise ValidationError({"email": ["Refused meanwhile."]})

    monkeypatch.setattr(accounts_admin, "user_staff_sync", refused)
    client = Client()
    verified_client(User.objects.create_superuser("root@example.org", "x" * 12), client)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.officer@example.org",
            "usable_password": "true",
            "password1": "a long and unusual passphrase 42",
            "password2": "a long and unusual passphrase 42",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Refused meanwhile." in page
    assert 'value="new.officer@example.org"' in page
    assert not User.objects.filter(email="new.officer@example.org").exists()
