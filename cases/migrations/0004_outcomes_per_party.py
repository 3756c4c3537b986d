import django.db.models.deletion
from django.db import migrations, models

EXEMPTIONS = [
    ("branch_office", "总分公司关系"),
    ("retired", "退休或依法提前退休"),
    ("institution_staff", "事业单位改制保留身份"),
    ("university_staff", "高校所属单位的在职教师或科研人员"),
    ("insurance_bought_out", "买断社保"),
    ("other_legal_basis", "其他有法律或政策依据的情形"),
]


class Migration(migrations.Migration):
    """Add outcomes per party beside the case-wide fields they replace (0006 removes those)."""

    dependencies = [("agencies", "0001_initial"), ("cases", "0003_caseparty_name")]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="deciding_agency",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
                verbose_name="处理机关",
                help_text="作出处理决定的机关，默认为承办机构。",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="referred_to_issuer",
            field=models.BooleanField(
                default=False,
                verbose_name="已移送发证机关",
                help_text="发证机关不是本机关时，由发证机关依法依规处罚（如一级建造师由住房城乡建设部）。",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="issuer",
            field=models.CharField(blank=True, max_length=100, verbose_name="发证机关"),
        ),
        migrations.CreateModel(
            name="Outcome",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("person", "专业技术人员"),
                            ("unit", "买卖租借证书单位"),
                            ("hr_agency", "人力资源服务机构"),
                        ],
                        max_length=12,
                        verbose_name="对象类型",
                    ),
                ),
                (
                    "result",
                    models.CharField(
                        choices=[
                            ("established", "构成挂证等违法违规行为"),
                            ("not_established", "不构成挂证"),
                        ],
                        max_length=20,
                        verbose_name="处理结论",
                    ),
                ),
                (
                    "exemption",
                    models.CharField(
                        blank=True, choices=EXEMPTIONS, max_length=24, verbose_name="不构成挂证的情形"
                    ),
                ),
                (
                    "self_corrected",
                    models.BooleanField(
                        default=False,
                        help_text="自查自纠期间整改到位，可视情况不再追究。",
                        verbose_name="自查自纠",
                    ),
                ),
                (
                    "self_correction_text",
                    models.CharField(
                        blank=True, help_text="如 已注销注册", max_length=200, verbose_name="自查自纠情况"
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="outcomes",
                        to="cases.decision",
                        verbose_name="处理决定",
                    ),
                ),
                (
                    "party",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="outcomes",
                        to="cases.caseparty",
                        verbose_name="对象（人员）",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outcomes",
                        to="cases.unit",
                        verbose_name="对象（单位）",
                    ),
                ),
            ],
            options={
                "verbose_name": "处理结论",
                "verbose_name_plural": "处理结论",
                "ordering": ["decision", "id"],
            },
        ),
        migrations.CreateModel(
            name="ExemptionProof",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("retirement_certificate", "退休证"),
                            ("labour_contract", "劳动合同"),
                            ("personnel_relation", "人事关系证明"),
                            ("insurance_record", "社会保险个人权益记录"),
                            ("buyout_agreement", "买断协议"),
                            ("other", "其他"),
                        ],
                        max_length=24,
                        verbose_name="证明材料种类",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=2000, verbose_name="说明")),
                (
                    "evidence",
                    models.ForeignKey(
                        blank=True,
                        help_text="记录于本系统之前的证明材料仅有文字说明。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="proofs",
                        to="cases.evidence",
                        verbose_name="文件",
                    ),
                ),
                (
                    "outcome",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proofs",
                        to="cases.outcome",
                        verbose_name="处理结论",
                    ),
                ),
            ],
            options={
                "verbose_name": "证明材料",
                "verbose_name_plural": "证明材料",
                "ordering": ["outcome", "id"],
            },
        ),
        migrations.AddField(
            model_name="measure",
            name="outcome",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="measures",
                to="cases.outcome",
                verbose_name="处理结论",
            ),
        ),
    ]
