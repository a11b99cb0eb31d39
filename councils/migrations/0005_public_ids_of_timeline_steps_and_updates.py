"""Status changes and progress updates get a public id (a UUID), the stable id of the Atom
feed's entries: existing rows get one each, then the column becomes unique and required."""

import uuid

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MODELS = ("recommendationstatuschange", "progressupdate")


def give_public_ids(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for name in MODELS:
        model = apps.get_model("councils", name)
        rows = list(model.objects.filter(public_id__isnull=True).only("pk"))
        for row in rows:
            row.public_id = uuid.uuid4()
        model.objects.bulk_update(rows, ["public_id"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0004_action_item_reminders"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=name,
                name="public_id",
                field=models.UUIDField(editable=False, null=True, verbose_name="public id"),
            )
            for name in MODELS
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop, elidable=True),
        *(
            migrations.AlterField(
                model_name=name,
                name="public_id",
                field=models.UUIDField(
                    default=uuid.uuid4, editable=False, unique=True, verbose_name="public id"
                ),
            )
            for name in MODELS
        ),
    ]
