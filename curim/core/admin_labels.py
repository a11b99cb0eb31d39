"""Greek for what the Django admin shows of third-party apps (django-axes, django-rest-knox).

Neither ships a Greek catalogue. django-axes marks its names for translation, so listing them
here (with `gettext_noop`) puts them in our catalogue, which Django reads before the apps'
own. Knox's token has no verbose name of its own (Django makes "auth token" from the class
name, untranslated), so `third_party_names_set` gives it one at start-up; only `_meta` changes,
not the model's declared Meta, so no migration follows.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

AXES_LABELS = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Locked Out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Not set"),
    # Its fields, as the change lists' columns and the change forms name them.
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Logout Time"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("User Agent"),
]

# Knox's token fields, named at start-up (their names are plain strings, not marked).
KNOX_FIELD_NAMES = {
    "created": _("created"),
    "digest": _("digest"),
    "expiry": _("expires"),
    "token_key": _("token key"),
    "user": _("user"),
}


def third_party_names_set() -> None:
    from knox.models import AuthToken

    AuthToken._meta.verbose_name = _("API token")
    AuthToken._meta.verbose_name_plural = _("API tokens")
    for name, label in KNOX_FIELD_NAMES.items():
        AuthToken._meta.get_field(name).verbose_name = label
