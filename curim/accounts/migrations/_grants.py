"""Granting and revoking role permissions from data migrations (historical models only)."""

from django.contrib.auth.management import create_permissions


def _permissions(apps, dotted):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for name in dotted:
        app_label, codename = name.split(".")
        yield Permission.objects.get(content_type__app_label=app_label, codename=codename)


def grant(apps, role, dotted):
    group = apps.get_model("auth", "Group").objects.get(name=role)
    group.permissions.add(*_permissions(apps, dotted))


def revoke(apps, role, dotted):
    group = apps.get_model("auth", "Group").objects.get(name=role)
    group.permissions.remove(*_permissions(apps, dotted))
