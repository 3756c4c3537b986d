import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_campaign_and_summary_kind")]

    operations = [
        migrations.AlterField(
            model_name="consolidation",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="consolidations",
                to="campaigns.campaign",
                verbose_name="专项整治",
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reports",
                to="campaigns.campaign",
                verbose_name="专项整治",
            ),
        ),
        migrations.AlterField(
            model_name="reportdeadline",
            name="campaign",
            field=models.ForeignKey(
                help_text="每个专项整治有自己的报送期限；未设置的环节按方案默认值。",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="report_deadlines",
                to="campaigns.campaign",
                verbose_name="专项整治",
            ),
        ),
    ]
