"""The form's 填表人 and 负责人 become the reporting agency's own people.

Before, the one who submitted was printed as 填表人 and the parent's approver as 负责人. The
submitter becomes the preparer (same user, name and time); a revision submitted before this
change has no sign-off of its own agency on record, so its 负责人 stays empty rather than
naming the parent's reviewer, who is still recorded as ``reviewed_by``.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def copy_prepared_at(apps, schema_editor):
    ReportRevision = apps.get_model("reports", "ReportRevision")
    ReportRevision.objects.update(prepared_at=F("submitted_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0005_reportrow_fingerprint_of_facts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("reportrevision", "submitted_by", "prepared_by"),
        migrations.RenameField("reportrevision", "submitter_name", "preparer_name"),
        migrations.AlterField(
            model_name="reportrevision",
            name="prepared_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="填表人（用户）",
            ),
        ),
        migrations.AddField(
            model_name="reportrevision",
            name="preparer_phone",
            field=models.CharField(blank=True, max_length=30, verbose_name="填表人联系电话"),
        ),
        migrations.AddField(
            model_name="reportrevision",
            name="prepared_at",
            field=models.DateTimeField(null=True, verbose_name="填报时间"),
        ),
        migrations.RunPython(copy_prepared_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reportrevision",
            name="prepared_at",
            field=models.DateTimeField(verbose_name="填报时间"),
        ),
        migrations.AddField(
            model_name="reportrevision",
            name="signed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="负责人（用户）",
            ),
        ),
        migrations.AddField(
            model_name="reportrevision",
            name="signer_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="负责人"),
        ),
        migrations.AddField(
            model_name="reportrevision",
            name="signer_phone",
            field=models.CharField(blank=True, max_length=30, verbose_name="负责人联系电话"),
        ),
        migrations.AlterField(
            model_name="reportrevision",
            name="submitted_at",
            field=models.DateTimeField(
                blank=True, help_text="负责人签发、报送上级的时间。", null=True, verbose_name="申报时间"
            ),
        ),
        migrations.RemoveField(model_name="reportrevision", name="approver_name"),
        migrations.AlterField(
            model_name="reportrevision",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("pending", "待审核"),
                    ("approved", "已通过"),
                    ("returned", "已退回"),
                    ("withdrawn", "未签发，已撤回"),
                ],
                default="pending",
                max_length=12,
                verbose_name="审核结果",
            ),
        ),
        migrations.AlterField(
            model_name="reportrevision",
            name="reviewed_by",
            field=models.ForeignKey(
                blank=True,
                help_text="上级机构的审核人；不是本表的负责人。",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="审核人",
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "未报"),
                    ("prepared", "待签发"),
                    ("submitted", "已报送"),
                    ("approved", "已通过"),
                    ("returned", "已退回"),
                ],
                default="draft",
                max_length=12,
                verbose_name="状态",
            ),
        ),
    ]
