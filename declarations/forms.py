"""Browser forms for declarations: they carry input; ``declarations.validation`` checks it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.forms import (
    DATE_WIDGET,
    PERSON_PATHS,
    AgencyChoiceMixin,
    BasePersonFormSet,
    PersonForm,
    _date_field,
    _unit,
)
from core.forms import CarrierFormMixin
from declarations.models import Declaration, DeclaredPerson

# The form's field names keyed by the service's field path.
DECLARATION_PATHS = {"unit": "unit_name", "unit.name": "unit_name", "unit.uscc": "unit_uscc"}
DECLARED_PATHS = {
    **PERSON_PATHS,
    "actions": "actions",
    "rectified": "rectified",
    "rectified_on": "rectified_on",
    "note": "note",
}


class DeclarationForm(AgencyChoiceMixin, CarrierFormMixin, forms.Form):
    """Who declared, when, and what they said; the persons come in a formset."""

    agency = forms.ModelChoiceField(
        label=_("受理机构"), queryset=Agency.objects.none(), required=True
    )
    declarant = forms.ChoiceField(
        label=_("申报主体"), choices=Declaration.Declarant.choices, widget=forms.RadioSelect
    )
    unit_name = forms.CharField(label=_("申报单位名称"), required=False)
    unit_uscc = forms.CharField(label=_("统一社会信用代码"), required=False)
    declared_on = _date_field(_("申报日期"))
    summary = forms.CharField(
        label=_("自查情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_agencies(agencies)
        self.fields["unit_name"].widget.attrs.update({"data-unit-lookup": "name"})
        self.fields["unit_uscc"].widget.attrs.update({"data-unit-lookup": "uscc"})

    def payload(self) -> dict:
        data = self.cleaned_data
        return {
            "declarant": data.get("declarant", ""),
            "unit": _unit(data.get("unit_name", ""), data.get("unit_uscc", "")),
            "declared_on": data.get("declared_on", ""),
            "channel": Declaration.Channel.PAPER,
            "summary": data.get("summary", ""),
        }


class DeclaredPersonForm(PersonForm):
    """A declared person: the case register's person fields and what was done."""

    actions = forms.MultipleChoiceField(
        label=_("整改措施"),
        choices=DeclaredPerson.Action.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rectified = forms.BooleanField(label=_("已整改到位"), required=False)
    rectified_on = forms.CharField(label=_("整改完成日期"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(label=_("说明"), required=False)

    def payload(self) -> dict:
        data = self.cleaned_data
        return {
            **super().payload(),
            "actions": list(data.get("actions") or []),
            "rectified": bool(data.get("rectified")),
            "rectified_on": data.get("rectified_on") or None,
            "note": data.get("note", ""),
        }


DeclaredPersonFormSet = forms.formset_factory(
    DeclaredPersonForm,
    formset=BasePersonFormSet,
    extra=0,
    min_num=1,
    can_delete=True,
    max_num=200,
    validate_max=True,
)


class AttachmentForm(CarrierFormMixin, forms.Form):
    file = forms.FileField(label=_("文件"))
    description = forms.CharField(label=_("说明"), required=False, max_length=200)
