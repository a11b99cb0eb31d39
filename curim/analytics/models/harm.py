"""How much harm an incident of each category does, as admins weigh it: the risk index's impact
component is the mean of these weights over an area's incidents. A category without a weight
weighs 1 (DEFAULT_HARM_WEIGHT), so the index works before anybody set one."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_HARM_WEIGHT = 1.0
MIN_HARM_WEIGHT = 0.01
MAX_HARM_WEIGHT = 100.0


class CategoryHarm(models.Model):
    category = models.OneToOneField(
        "reports.Category",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("category"),
    )
    weight = models.FloatField(
        _("harm weight"),
        default=DEFAULT_HARM_WEIGHT,
        validators=[MinValueValidator(MIN_HARM_WEIGHT), MaxValueValidator(MAX_HARM_WEIGHT)],
        help_text=_(
            "How much harm one incident of this category does, from 0.01 to 100, compared "
            "with the others; a category without a weight counts as 1. The risk index's "
            "impact is the mean weight of an area's incidents."
        ),
    )

    class Meta:
        verbose_name = _("category harm weight")
        verbose_name_plural = _("category harm weights")
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=MIN_HARM_WEIGHT, weight__lte=MAX_HARM_WEIGHT),
                name="category_harm_weight_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.weight:g}"
