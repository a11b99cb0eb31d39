"""Demo accounts: one per role, all with the public DEMO_PASSWORD (see curim.core.demo)."""

from django.conf import settings

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.accounts.services import user_roles_set
from curim.core.demo import demo_loader, demo_logins

DEMO_DOMAIN = "demo.curim.example"


def demo_email(role: Role) -> str:
    return f"{role.value.replace('_', '.')}@{DEMO_DOMAIN}"


@demo_loader
def demo_accounts_load() -> str:
    for role in Role:
        user = User.objects.filter(email=demo_email(role)).first()
        if user is None:
            user = User.objects.create_user(
                demo_email(role), settings.DEMO_PASSWORD, display_name=f"Demo {role.label}"
            )
        user_roles_set(user=user, roles={role})
    return f"{len(Role)} accounts"


@demo_logins
def demo_accounts_logins() -> list[str]:
    return [f"{role.value:<18} {demo_email(role)}  /  {settings.DEMO_PASSWORD}" for role in Role]
