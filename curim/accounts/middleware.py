"""Who the request is (the account read with the session), and the short idle timeout of
accounts that open victims' files (SHORT_SESSION_ROLES)."""

import time
from collections.abc import Callable
from contextlib import nullcontext

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import ngettext

from curim.accounts.backends import accounts_read_with
from curim.accounts.roles import SHORT_SESSION_ROLES, user_has_role
from curim.accounts.sessions import SessionStore

SESSION_LAST_ACTIVITY_KEY = "last_activity"


class AccountAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with `request.user` found by Django's own
    `auth.get_user` while the account read with the session is at hand
    (curim.accounts.sessions): one statement for both, where Django's makes two."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user_of(request))  # type: ignore[assignment]


def _user_of(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    # As django.contrib.auth.middleware.get_user, which keeps it on the request the same way.
    if not hasattr(request, "_cached_user"):
        session = request.session
        # Another engine (the permission matrix signs in with signed cookies) reads no account.
        read = accounts_read_with(session) if isinstance(session, SessionStore) else nullcontext()
        with read:
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
    user: AbstractBaseUser | AnonymousUser = request._cached_user  # type: ignore[attr-defined]
    return user


class IdleTimeoutMiddleware:
    """Log out a short-session user idle too long; otherwise keep their session that short."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and user_has_role(request.user, *SHORT_SESSION_ROLES):
            minutes: int = settings.VSU_IDLE_MINUTES
            now = int(time.time())
            last = request.session.get(SESSION_LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > minutes * 60:
                return self._timed_out(request, minutes)
            request.session[SESSION_LAST_ACTIVITY_KEY] = now
            # The stored session expires as soon, should a request never come to end it.
            request.session.set_expiry(minutes * 60)
        return self.get_response(request)

    def _timed_out(self, request: HttpRequest, minutes: int) -> HttpResponse:
        logout(request)
        text = ngettext(
            "Your session ended after %(minutes)d minute without activity. Please log in again.",
            "Your session ended after %(minutes)d minutes without activity. Please log in again.",
            minutes,
        ) % {"minutes": minutes}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": text}, status=401)
        messages.warning(request, text)
        return redirect_to_login(request.get_full_path())
