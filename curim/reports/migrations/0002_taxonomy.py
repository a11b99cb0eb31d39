"""Seed the report taxonomy: four groups of categories, editable in the admin afterwards."""

from django.db import migrations

# slug, group, English, Greek, may be public, location required, grid (m), forward, department,
# victimisation
CATEGORIES = [
    ("vandalism", "incivility", "Vandalism", "Βανδαλισμός", True, True, 100, "municipality", "Municipal police", False),
    ("graffiti", "incivility", "Graffiti", "Γκράφιτι", True, True, 100, "municipality", "Cleanliness", False),
    ("littering", "incivility", "Littering and dumping", "Ρύπανση και απόθεση απορριμμάτων", True, True, 100, "municipality", "Cleanliness", False),
    ("noise", "incivility", "Noise", "Θόρυβος", True, True, 100, "municipality", "Municipal police", False),
    ("public-drinking-drugs", "incivility", "Public drinking or drug use", "Κατανάλωση αλκοόλ ή ναρκωτικών σε δημόσιο χώρο", True, True, 200, "police", "", False),
    ("theft", "crime", "Theft", "Κλοπή", True, True, 250, "police", "", True),
    ("burglary", "crime", "Burglary", "Διάρρηξη", True, True, 250, "police", "", True),
    ("assault", "crime", "Assault", "Επίθεση", True, True, 250, "police", "", True),
    ("harassment", "crime", "Harassment", "Παρενόχληση", True, True, 250, "police", "", True),
    ("sexual-harassment", "crime", "Sexual harassment", "Σεξουαλική παρενόχληση", False, True, 500, "victim_support", "", True),
    ("drug-dealing", "crime", "Drug dealing", "Διακίνηση ναρκωτικών", True, True, 250, "police", "", False),
    ("poor-lighting", "urban_risk", "Poor lighting", "Ανεπαρκής φωτισμός", True, True, 50, "municipality", "Technical services", False),
    ("abandoned-building", "urban_risk", "Abandoned building", "Εγκαταλελειμμένο κτίριο", True, True, 50, "municipality", "Technical services", False),
    ("broken-pavement", "urban_risk", "Broken pavement", "Κατεστραμμένο πεζοδρόμιο", True, True, 50, "municipality", "Technical services", False),
    ("unsafe-crossing", "urban_risk", "Unsafe crossing", "Επικίνδυνη διάβαση", True, True, 50, "municipality", "Traffic", False),
    ("isolated-passage", "urban_risk", "Isolated passage", "Απομονωμένο πέρασμα", True, True, 50, "municipality", "Technical services", False),
    ("phishing", "cyber", "Phishing", "Ηλεκτρονικό ψάρεμα (phishing)", True, False, 1000, "police", "Cyber crime division", False),
    ("online-fraud", "cyber", "Online fraud", "Διαδικτυακή απάτη", True, False, 1000, "police", "Cyber crime division", True),
    ("cyberbullying", "cyber", "Cyberbullying", "Διαδικτυακός εκφοβισμός", False, False, 1000, "victim_support", "", True),
    ("sextortion", "cyber", "Sextortion", "Σεξουαλικός εκβιασμός (sextortion)", False, False, 1000, "victim_support", "", True),
    ("identity-theft", "cyber", "Identity theft", "Κλοπή ταυτότητας", True, False, 1000, "police", "Cyber crime division", True),
]


def taxonomy_create(apps, schema_editor):
    Category = apps.get_model("reports", "Category")
    for position, row in enumerate(CATEGORIES):
        slug, group, en, el, public, located, grid, forward, department, victim = row
        Category.objects.update_or_create(
            slug=slug,
            defaults={
                "group": group, "name_en": en, "name_el": el, "may_be_public": public,
                "location_required": located, "grid_size_m": grid, "forward_to": forward,
                "forward_department": department, "is_victimisation": victim,
                "position": position,
            },
        )


def taxonomy_delete(apps, schema_editor):
    apps.get_model("reports", "Category").objects.filter(
        slug__in=[row[0] for row in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(taxonomy_create, taxonomy_delete)]
