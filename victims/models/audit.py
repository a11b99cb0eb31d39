"""The access log: who read or changed what, when and why. Rows are never edited or deleted.

A database trigger (migrations 0002 and 0005) refuses UPDATE and DELETE, and TRUNCATE to all
but the table's owner, so neither the application nor anyone with its credentials can rewrite
history: only the owner, running `manage.py encryption_rotate`, may re-encrypt the reason
column in place, and nothing else about the row. The application's role (`manage.py
database_app_role`) is not the owner and has no UPDATE, DELETE or TRUNCATE privilege here.
"""

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from curim.core.encrypted_fields import EncryptedTextField
from victims.models import limits


class AccessLog(models.Model):
    # Read by `manage.py database_app_role`: the application's role may only INSERT and SELECT.
    append_only = True

    class Action(models.TextChoices):
        LIST = "list", _("Listed cases")
        VIEW = "view", _("Opened a case")
        DOWNLOAD = "download", _("Downloaded a document")
        EXPORT = "export", _("Exported personal data")
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        BREAK_GLASS = "break_glass", _("Break-glass access")
        ERASE = "erase", _("Erased personal data")
        ANONYMISE = "anonymise", _("Anonymised")
        INTAKE = "intake", _("Read intake requests")
        AUDIT = "audit", _("Read the access log")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # No foreign keys: a deleted user or an erased case must not rewrite the log.
    user_id = models.BigIntegerField(null=True)
    user_email = models.CharField(_("who"), max_length=254, blank=True)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    case_id = models.UUIDField(null=True, db_index=True)
    case_reference = models.CharField(_("case"), max_length=20, blank=True)
    # For lists: every case whose row was shown.
    cases = ArrayField(models.UUIDField(), default=list, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    reason = EncryptedTextField(_("why"), blank=True, default="", max_length=limits.REASON_MAX)
    break_glass = models.BooleanField(_("break-glass"), default=False)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_email} {self.action} {self.case_reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Access log entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Access log entries are never deleted")
