"""Cell statistics keep the mean and squared deviations instead of Σy and Σy².

They are derived data: the rows go, and every wave is marked for a rebuild.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("surveys", "0005_uncounted_index")]

    operations = [
        migrations.RunSQL(
            "DELETE FROM surveys_cellstatistic; "
            "UPDATE surveys_surveyrefresh SET needs_rebuild = true;",
            migrations.RunSQL.noop,
        ),
        migrations.RemoveField(model_name="cellstatistic", name="sum_y"),
        migrations.RemoveField(model_name="cellstatistic", name="sum_y2"),
        migrations.AddField(
            model_name="cellstatistic",
            name="mean",
            field=models.FloatField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="cellstatistic",
            name="m2",
            field=models.FloatField(default=0),
            preserve_default=False,
        ),
    ]
