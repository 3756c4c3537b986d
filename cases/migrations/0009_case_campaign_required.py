import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_case_campaign")]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="campaigns.campaign",
                verbose_name="专项整治",
            ),
        ),
    ]
