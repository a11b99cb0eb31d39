"""The short idle timeout of accounts that open victims' files (SHORT_SESSION_ROLES)."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import ngettext

from curim.accounts.roles import SHORT_SESSION_ROLES, user_has_role

SESSION_LAST_ACTIVITY_KEY = "last_activity"


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
