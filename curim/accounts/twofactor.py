"""Two-factor authentication: verifying codes, the session mark, and the checks pages use.

The checks never look at roles: the pages that need a second factor check their own roles.
"""

import datetime
import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from curim.accounts.models import TOTPDevice, User
from curim.accounts.totp import totp_code, totp_secret_generate, totp_step

P = ParamSpec("P")

# Wrong codes allowed in a window that opens with the first wrong one; then every code, right or
# wrong, is refused until the window ends. A right code before the limit clears the count.
FAILURE_LIMIT = 5
FAILURE_WINDOW = datetime.timedelta(minutes=15)
# Codes of the step before and after are accepted too: phone clocks drift.
STEP_TOLERANCE = 1

SESSION_USER_KEY = "twofactor_user"
SESSION_DEVICE_KEY = "twofactor_device"


def twofactor_device_start(*, user: User) -> TOTPDevice:
    """The user's device, created unconfirmed with a new secret if there is none."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, defaults={"secret": totp_secret_generate()}
    )
    return device


def twofactor_enabled(user: User | AnonymousUser) -> bool:
    return (
        user.is_authenticated
        and TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
    )


def twofactor_reset(*, user: User) -> bool:
    """Remove the user's device, so that they enrol again; True if there was one."""
    deleted, _rows = TOTPDevice.objects.filter(user=user).delete()
    return deleted > 0


def _window_over(device: TOTPDevice) -> bool:
    return device.failures_since is None or timezone.now() >= device.failures_since + FAILURE_WINDOW


def _device_locked(device: TOTPDevice) -> bool:
    return device.failures >= FAILURE_LIMIT and not _window_over(device)


def twofactor_locked(*, user: User) -> bool:
    device = TOTPDevice.objects.filter(user=user).first()
    return device is not None and _device_locked(device)


def _step_of(code: str, *, secret: str) -> int | None:
    """The time step near now whose code this is, if any."""
    now = totp_step(timezone.now())
    for step in range(now - STEP_TOLERANCE, now + STEP_TOLERANCE + 1):
        if hmac.compare_digest(totp_code(secret, step=step), code):
            return step
    return None


@transaction.atomic
def twofactor_verify(*, user: User, code: str) -> bool:
    """Check a code from the user's app; a good one confirms the device and is used up.

    Wrong codes are counted on the device row, in the same transaction as the check: the row
    lock makes concurrent attempts for one user queue, so each sees the failures counted by
    the ones before it and a burst cannot outrun the limit; and nothing outside the database
    (Redis down, hung or emptied) can lift it.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        return False  # no secret, nothing to guess: refused without counting
    if _device_locked(device):
        return False
    if _window_over(device):
        device.failures, device.failures_since = 0, None
    step = _step_of("".join(code.split()), secret=device.secret)
    if step is None or step <= (device.last_step or -1):
        device.failures += 1
        device.failures_since = device.failures_since or timezone.now()
        device.save(update_fields=["failures", "failures_since"])
        return False
    device.last_step = step
    device.failures, device.failures_since = 0, None
    if device.confirmed_at is None:
        device.confirmed_at = timezone.now()
    device.save(update_fields=["last_step", "confirmed_at", "failures", "failures_since"])
    return True


def twofactor_session_mark(request: HttpRequest) -> None:
    """Record in the session that its user passed the second factor with their current device."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionError("Only a logged-in user passes the second factor.")
    device = TOTPDevice.objects.get(user=user, confirmed_at__isnull=False)
    request.session.cycle_key()  # a new privilege, a new session key
    request.session[SESSION_USER_KEY] = user.pk
    # A reset and a new enrolment make a new device, which ends the sessions of the old one.
    request.session[SESSION_DEVICE_KEY] = device.pk


def twofactor_session_verified(request: HttpRequest) -> bool:
    user = request.user
    device_pk = request.session.get(SESSION_DEVICE_KEY)
    if (
        not user.is_authenticated
        or request.session.get(SESSION_USER_KEY) != user.pk
        or not isinstance(device_pk, int)
    ):
        return False
    return TOTPDevice.objects.filter(pk=device_pk, user=user, confirmed_at__isnull=False).exists()


def _redirect_with_next(route: str, request: HttpRequest) -> HttpResponseRedirect:
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(route)}?{query}")


def twofactor_pending(request: HttpRequest) -> HttpResponse | None:
    """Where a signed-in request must go first (enrolment, or the code of this session), or
    None once its session passed the second factor."""
    if twofactor_session_verified(request):
        return None
    if not twofactor_enabled(request.user):
        return _redirect_with_next("accounts:twofactor_setup", request)
    return _redirect_with_next("accounts:twofactor_verify", request)


def twofactor_required(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Log in, enrol, then verify in this session, before the view runs."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return twofactor_pending(request) or view(request, *args, **kwargs)

    return wrapper


class TwoFactorVerified(BasePermission):
    """API calls from a browser session that passed the second factor; never with a token."""

    message = _(
        "This needs a logged-in browser session with two-factor authentication; "
        "API tokens are not accepted here."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        # A token is made from the password alone, so it would bypass the second factor.
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            return False
        return twofactor_session_verified(request._request)
