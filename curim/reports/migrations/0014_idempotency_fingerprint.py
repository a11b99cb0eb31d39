"""Reports keep a fingerprint of the content first sent with an idempotency key (refused as 422
when the key comes back with other content). A database default, so raw inserts need not know."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0013_free_text_limits'),
    ]

    operations = [
        migrations.AddField(
            model_name='report',
            name='idempotency_fingerprint',
            field=models.CharField(blank=True, db_default='', default='', editable=False, max_length=64),
        ),
    ]
