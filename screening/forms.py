"""The screening pages' forms: they coerce types; the services check (screening.services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

MONTH_HELP = _("如 2019-01")


class SuspectUploadForm(forms.Form):
    file = forms.FileField(
        label=_("疑似名单文件"),
        help_text=_("部里下发的 .xlsx 或 .csv 文件，列名为 DOMAIN 规定的 15 列；最大 10 MB。"),
    )
    dry_run = forms.BooleanField(
        label=_("只检查，不生成线索（试导入）"), required=False, initial=True
    )


class ComparisonForm(forms.Form):
    registrations = forms.FileField(
        label=_("注册人员名册（CSV）"),
        help_text=_(
            "列：证件号码,姓名,执业资格类别,专业,证书编号,注册单位名称,注册单位统一社会信用代码"
        ),
    )
    insurance = forms.FileField(
        label=_("社保缴费名册（CSV）"),
        help_text=_("列：证件号码,姓名,缴费单位名称,缴费单位统一社会信用代码,缴费月份"),
    )
    month_from = forms.CharField(label=_("比对起始月"), max_length=7, help_text=MONTH_HELP)
    month_to = forms.CharField(label=_("比对截止月"), max_length=7, help_text=MONTH_HELP)
    dry_run = forms.BooleanField(
        label=_("只比对，不生成线索（试运行）"), required=False, initial=True
    )


class InsuranceLookupForm(forms.Form):
    id_number = forms.CharField(label=_("证件号码"), max_length=40)
    month_from = forms.CharField(label=_("起始月"), max_length=7, help_text=MONTH_HELP)
    month_to = forms.CharField(label=_("截止月"), max_length=7, help_text=MONTH_HELP)
    reason = forms.CharField(
        label=_("查询事由"),
        max_length=200,
        help_text=_("必填，将记入审计日志，如：某企业申请核实拟聘人员社保缴纳情况"),
    )
