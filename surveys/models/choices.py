"""The respondent profile's categories, shared by responses, margins and estimates."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RespondentGroup(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    SHOP_OWNER = "shop_owner", _("Shop owner")
    EMPLOYEE = "employee", _("Local employee")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other, or prefer not to say")


class AgeBand(models.TextChoices):
    A18 = "18-24", _("18–24")
    A25 = "25-34", _("25–34")
    A35 = "35-44", _("35–44")
    A45 = "45-54", _("45–54")
    A55 = "55-64", _("55–64")
    A65 = "65+", _("65 and over")
