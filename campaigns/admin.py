"""The campaign calendar in the admin: a later round and its dates are added here, without code."""

import copy

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from campaigns.models import Campaign, Phase, PhaseExtension
from campaigns.services import campaign_check, campaign_save, phases_record
from core.errors import DomainError


class CampaignAdminForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "code",
            "name",
            "short_name",
            "document_number",
            "basis",
            "starts_on",
            "ends_on",
            "first_reported_month",
            "last_reported_month",
            "compares_housing_fund",
            "notes",
        ]

    def clean(self):
        data = super().clean()
        for name in ("first_reported_month", "last_reported_month"):
            if data.get(name):
                data[name] = data[name].replace(day=1)
        candidate = copy.copy(self.instance)  # the form fills the instance only after clean()
        for name, value in data.items():
            setattr(candidate, name, value)
        try:
            campaign_check(candidate)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        return data


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    show_change_link = True  # the phase's page holds its extensions


class PhaseExtensionInline(admin.TabularInline):
    model = PhaseExtension
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignAdminForm
    inlines = [PhaseInline]
    list_display = [
        "short_name",
        "code",
        "starts_on",
        "ends_on",
        "first_reported_month",
        "last_reported_month",
    ]
    search_fields = ["code", "name", "short_name"]

    def save_model(self, request, obj, form, change):
        campaign_save(campaign=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        phases_record(campaign=form.instance, actor=request.user)


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    inlines = [PhaseExtensionInline]
    list_display = ["campaign", "kind", "starts_on", "ends_on", "summary_due_city"]
    list_filter = ["campaign", "kind"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        phases_record(campaign=form.instance.campaign, actor=request.user)
