from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class SuspectImportSerializer(serializers.Serializer):
    file = serializers.FileField(label=_("疑似名单文件"))
    dry_run = serializers.BooleanField(label=_("只检查"), default=False)


class ComparisonSerializer(serializers.Serializer):
    registrations = serializers.FileField(label=_("注册人员名册"))
    insurance = serializers.FileField(label=_("社保缴费名册"))
    month_from = serializers.CharField(label=_("起始月"), max_length=7)
    month_to = serializers.CharField(label=_("截止月"), max_length=7)
    dry_run = serializers.BooleanField(label=_("试运行"), default=False)


class InsuranceLookupSerializer(serializers.Serializer):
    id_number = serializers.CharField(label=_("证件号码"), max_length=40)
    month_from = serializers.CharField(label=_("起始月"), max_length=7)
    month_to = serializers.CharField(label=_("截止月"), max_length=7)
    reason = serializers.CharField(label=_("查询事由"), max_length=200)


class PayingUnitSerializer(serializers.Serializer):
    name = serializers.CharField()
    uscc = serializers.CharField()
    months = serializers.ListField(child=serializers.CharField())
