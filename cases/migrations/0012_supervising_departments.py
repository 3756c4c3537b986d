import django.contrib.postgres.fields
from django.db import migrations, models

from agencies.counts import counter_triggers
from cases import supervision

# The case counters now also count each case under its supervising departments.
OLD_COUNTS = counter_triggers(table="cases_case", counter="cases_casecount", key="status")
COUNTS = counter_triggers(
    table="cases_case",
    counter="cases_casecount",
    key="status",
    also="supervising_departments",
)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_add_profile"),
        ("cases", "0011_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="supervising_departments",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(),
                blank=True,
                default=list,
                editable=False,
                size=None,
            ),
        ),
        migrations.RunSQL(OLD_COUNTS[1], OLD_COUNTS[0]),
        migrations.RunSQL(supervision.REBUILD, migrations.RunSQL.noop),
        migrations.RunSQL(supervision.CREATE, supervision.DROP),
        migrations.RunSQL(COUNTS[0], COUNTS[1]),
    ]
