import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("analytics", "0003_categoryharm")]

    operations = [
        migrations.AddField(
            model_name="analysisrun",
            name="confirmed_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="confirmed"),
        ),
    ]
