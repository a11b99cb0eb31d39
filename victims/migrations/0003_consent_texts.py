"""The first version of each consent text, in English and Greek."""

from django.db import migrations

TEXTS = {
    "processing": (
        "I agree that the Victim Support Unit of the Municipality records and keeps my personal "
        "data and the notes of my support sessions, to give me psychological, social and legal "
        "support. Only the unit's staff can read them. I can see, correct or ask for the erasure "
        "of my data at any time, and I can withdraw this consent at any time.",
        "Συμφωνώ να καταγράφει και να διατηρεί η Μονάδα Υποστήριξης Θυμάτων του Δήμου τα "
        "προσωπικά μου δεδομένα και τις σημειώσεις των συνεδριών υποστήριξής μου, ώστε να μου "
        "παρέχει ψυχολογική, κοινωνική και νομική υποστήριξη. Μόνο το προσωπικό της μονάδας έχει "
        "πρόσβαση σε αυτά. Μπορώ οποιαδήποτε στιγμή να δω, να διορθώσω ή να ζητήσω τη διαγραφή "
        "των δεδομένων μου, και να ανακαλέσω αυτή τη συγκατάθεση.",
    ),
    "referral": (
        "I agree that the Victim Support Unit refers me to the service named in this record and "
        "shares with it the information the referral needs. I can withdraw this consent at any "
        "time; the unit then sends no further information.",
        "Συμφωνώ να με παραπέμψει η Μονάδα Υποστήριξης Θυμάτων στην υπηρεσία που αναφέρεται σε "
        "αυτή την εγγραφή και να της διαβιβάσει τις πληροφορίες που χρειάζονται για την "
        "παραπομπή. Μπορώ να ανακαλέσω αυτή τη συγκατάθεση οποιαδήποτε στιγμή· τότε η μονάδα δεν "
        "στέλνει άλλες πληροφορίες.",
    ),
    "contact": (
        "I agree that the Victim Support Unit contacts me by the channel named in this record, "
        "respecting the safe-contact preferences I have given. I can withdraw this consent at "
        "any time.",
        "Συμφωνώ να επικοινωνεί μαζί μου η Μονάδα Υποστήριξης Θυμάτων με τον τρόπο που "
        "αναφέρεται σε αυτή την εγγραφή, σεβόμενη τις προτιμήσεις ασφαλούς επικοινωνίας που έχω "
        "δώσει. Μπορώ να ανακαλέσω αυτή τη συγκατάθεση οποιαδήποτε στιγμή.",
    ),
}


def forwards(apps, schema_editor):
    ConsentText = apps.get_model("victims", "ConsentText")
    for scope, (english, greek) in TEXTS.items():
        ConsentText.objects.get_or_create(
            scope=scope, version="2026-1", defaults={"text_en": english, "text_el": greek}
        )


class Migration(migrations.Migration):
    dependencies = [("victims", "0002_audit_and_references")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
