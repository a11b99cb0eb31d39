"""The analytics records admins and analysts keep in the Django admin."""

from django.contrib import admin

from curim.analytics.models import CategoryHarm

# --- Harm weights of the risk index (issue 14, deliverable 6) ---------------------------------


@admin.register(CategoryHarm)
class CategoryHarmAdmin(admin.ModelAdmin[CategoryHarm]):
    list_display = ["category", "weight"]
    list_editable = ["weight"]
    list_select_related = ["category"]
    ordering = ["category__group", "category__position", "category__slug"]


# --- End of harm weights ----------------------------------------------------------------------
