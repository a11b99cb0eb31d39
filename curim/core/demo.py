"""Demo data, contributed by each app: a `demo.py` module registers its loader here.

`manage.py demo_load` imports every installed app's `demo` module and runs the loaders in the
order of INSTALLED_APPS (accounts and areas before reports), so the core imports no app.
"""

from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

# A loader adds what is missing (idempotently) and says what it loaded, e.g. "6 areas".
DemoLoader = Callable[[], str]
# Lines telling a developer how to log in to the demo, e.g. one account per role.
DemoLogins = Callable[[], list[str]]

_loaders: dict[str, DemoLoader] = {}
_logins: dict[str, DemoLogins] = {}


class DemoError(Exception):
    """The demo data cannot be loaded; the message says why."""


def demo_loader(loader: DemoLoader) -> DemoLoader:
    """Register a loader (a decorator, used in an app's `demo.py`)."""
    _loaders[f"{loader.__module__}.{loader.__qualname__}"] = loader
    return loader


def demo_logins(logins: DemoLogins) -> DemoLogins:
    """Register what `demo_load --logins` prints (a decorator, used in an app's `demo.py`)."""
    _logins[f"{logins.__module__}.{logins.__qualname__}"] = logins
    return logins


def demo_loaders() -> list[DemoLoader]:
    """Every registered loader, in the order of INSTALLED_APPS."""
    autodiscover_modules("demo")
    return list(_loaders.values())


def demo_login_lines() -> list[str]:
    autodiscover_modules("demo")
    return [line for logins in _logins.values() for line in logins()]
