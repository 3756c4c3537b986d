"""Browser forms for the lead register: they carry input; ``leads.validation`` checks it.

The persons and units reuse the case form's person fields and pickers; the service's error
paths (``persons[0].id_number``, ``units[1].uscc``) are put back on the fields they name.
"""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Department
from agencies.querysets import VIEW
from cases.forms import (
    PERSON_PATHS,
    AgencyChoiceMixin,
    BasePersonFormSet,
    PersonForm,
    _date_field,
    _unit,
    apply_case_error,
)
from cases.models import Case, ExemptionProof, Outcome
from core.errors import DomainError
from core.forms import CarrierFormMixin, bootstrap_widget
from leads.models import Lead, LeadUnit
from leads.rules import rule_choices

ANY = [("", _("全部"))]


class LeadFilterForm(forms.Form):
    """The list's filters; a value that does not fit is ignored rather than refused."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("状态"), choices=ANY + Lead.State.choices, required=False)
    source = forms.ChoiceField(
        label=_("线索来源"), choices=ANY + Lead.Source.choices, required=False
    )
    outcome = forms.ChoiceField(
        label=_("办理结果"), choices=ANY + Lead.Outcome.choices, required=False
    )
    agency = forms.ModelChoiceField(
        label=_("承办机构"), queryset=Agency.objects.none(), required=False, empty_label=_("全部")
    )
    rule = forms.ChoiceField(label=_("比对规则"), required=False)
    overdue = forms.BooleanField(label=_("仅看逾期"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = (
            Agency.objects.restrict(user, VIEW)
            .filter(department__kind=Department.Kind.REPORTING)
            .select_related("department", "region")
        )
        self.fields["q"].widget.attrs["placeholder"] = _("编号、姓名、单位、证书编号")
        self.fields["rule"].choices = ANY + rule_choices()
        for field in self.fields.values():
            bootstrap_widget(field.widget)
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] += " form-control-sm"

    def value(self, name):
        """Return the cleaned value of ``name``, or None where the input did not fit."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None

    def apply(self, queryset, *, prefix: str = ""):
        """Narrow ``queryset`` (of leads, or of rows with a lead under ``prefix``)."""
        lookups = {}
        for name in ("state", "source", "outcome", "rule"):
            if self.value(name):
                lookups[f"{prefix}{name}"] = self.value(name)
        if self.value("agency"):
            lookups[f"{prefix}agency"] = self.value("agency")
        if self.value("overdue"):
            lookups[f"{prefix}deadline__lt"] = timezone.localdate()
            queryset = queryset.exclude(**{f"{prefix}state": Lead.State.CLOSED})
        return queryset.filter(**lookups)


class LeadForm(AgencyChoiceMixin, CarrierFormMixin, forms.Form):
    """The lead itself; its persons and units come in formsets."""

    agency = forms.ModelChoiceField(
        label=_("登记机构"), queryset=Agency.objects.none(), required=True
    )
    source = forms.ChoiceField(
        label=_("线索来源"),
        choices=[("", "—"), *[c for c in Lead.Source.choices if c[0] != Lead.Source.COMPLAINT]],
    )
    received_on = _date_field(_("收到日期"))
    violations = forms.MultipleChoiceField(
        label=_("反映的问题"), choices=Case.Violation.choices, widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(label=_("线索内容"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violations"].marked_required = False
        self.setup_agencies(agencies)

    def payload(self) -> dict:
        """Return the keyword arguments of ``lead_register`` (no persons or units)."""
        data = self.cleaned_data
        return {
            "source": data.get("source", ""),
            "received_on": data.get("received_on", ""),
            "violations": list(data.get("violations") or []),
            "text": data.get("text", ""),
        }


class LeadPersonForm(PersonForm):
    """A person the lead is about: a name is enough; with a document number, as in a case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].marked_required = False
        self.fields["act_unit_name"].label = _("社保缴纳单位名称")
        self.fields["act_unit_uscc"].label = _("社保缴纳单位信用代码")

    def payload(self) -> dict:
        entry = super().payload()
        entry["insurance_unit"] = entry.pop("actual_unit")
        return entry


LeadPersonFormSet = forms.formset_factory(
    LeadPersonForm,
    formset=BasePersonFormSet,
    extra=1,
    min_num=0,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class LeadUnitForm(CarrierFormMixin, forms.Form):
    """A unit the lead is about and how it is involved."""

    name = forms.CharField(label=_("单位名称"))
    uscc = forms.CharField(label=_("统一社会信用代码"), required=False)
    role = forms.ChoiceField(
        label=_("涉及方式"), choices=LeadUnit.Role.choices, initial=LeadUnit.Role.CERTIFICATE_USER
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"data-unit-lookup": "name"})
        self.fields["uscc"].widget.attrs.update({"data-unit-lookup": "uscc"})

    def payload(self) -> dict:
        data = self.cleaned_data
        return {**(_unit(data.get("name", ""), data.get("uscc", "")) or {}), "role": data["role"]}


LeadUnitFormSet = forms.formset_factory(
    LeadUnitForm,
    formset=BasePersonFormSet,
    extra=1,
    min_num=0,
    can_delete=True,
    max_num=20,
    validate_max=True,
)

LEAD_PERSON_PATHS = {
    **PERSON_PATHS,
    "insurance_unit": "act_unit_name",
    "insurance_unit.name": "act_unit_name",
    "insurance_unit.uscc": "act_unit_uscc",
}
UNIT_PATH = re.compile(r"^units\[(\d+)\](?:\.(\w+))?$")


def apply_lead_error(error: DomainError, form, persons, units, paths=None) -> None:
    """Put a service's errors next to the lead form's, the person forms' and the unit forms'
    fields (``units[1].uscc`` on the second kept unit row's code)."""
    rows = units.live_forms()
    rest = {}
    for path, messages in (error.fields or {}).items():
        match = UNIT_PATH.match(path)
        if match and int(match.group(1)) < len(rows):
            target, field = rows[int(match.group(1))], match.group(2) or "name"
            for message in messages:
                target.add_error(field if field in target.fields else None, message)
        elif path == "units":
            units._non_form_errors.extend(messages)
        else:
            rest[path] = messages
    if error.fields and not rest:
        return
    apply_case_error(
        DomainError(error.message, fields=rest),
        form,
        persons,
        paths=paths or {},
        person_paths=LEAD_PERSON_PATHS,
    )


# --------------------------------------------------------------------------- actions


class AssignForm(CarrierFormMixin, forms.Form):
    """Route a lead waiting in triage to the agency that should verify it."""

    agency = forms.ModelChoiceField(
        label=_("分办至"), queryset=Agency.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("分办说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, lead: Lead, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].marked_required = True
        self.fields["agency"].queryset = (
            Agency.objects.filter(is_active=True, department__kind=Department.Kind.REPORTING)
            .exclude(pk=lead.agency_id)
            .select_related("department", "region")
        )


CLOSE_OUTCOMES = [c for c in Lead.Outcome.choices if c[0] != Lead.Outcome.CASE_OPENED]


class CloseForm(CarrierFormMixin, forms.Form):
    """Close a lead with its outcome; the fields each outcome needs are checked by the service."""

    outcome = forms.ChoiceField(label=_("办理结果"), choices=[("", "—"), *CLOSE_OUTCOMES])
    reason = forms.CharField(
        label=_("核查情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    case = forms.CharField(label=_("并入的案件编号"), required=False)
    duplicate_of = forms.CharField(label=_("与之重复的线索编号"), required=False)
    exemption = forms.ChoiceField(
        label=_("不属于挂证的情形"),
        choices=[("", "—"), *Outcome.Exemption.choices],
        required=False,
    )
    proof_kind = forms.ChoiceField(
        label=_("证明材料种类"),
        choices=[("", "—"), *ExemptionProof.Kind.choices],
        required=False,
    )
    referred_to = forms.CharField(label=_("移送机关"), required=False)

    def payload(self, *, cases, leads) -> dict:
        """Return ``lead_close``'s arguments, the references looked up among what the user sees."""
        data = self.cleaned_data
        case_ref = (data.get("case") or "").strip()[:40]
        lead_ref = (data.get("duplicate_of") or "").strip()[:40]
        return {
            "outcome": data.get("outcome", ""),
            "reason": data.get("reason", ""),
            "exemption": data.get("exemption", ""),
            "proof_kind": data.get("proof_kind", ""),
            "referred_to": data.get("referred_to", ""),
            "case": cases.filter(reference=case_ref).first() if case_ref else None,
            "duplicate_of": leads.filter(reference=lead_ref).first() if lead_ref else None,
        }


def case_initial(payload: dict) -> tuple[dict, list[dict]]:
    """Return the case form's and the person forms' initial values from ``case_payload``."""
    cuu, hr = payload.get("certificate_user_unit") or {}, payload.get("hr_agency") or {}
    opened = payload.get("opened_on")
    initial = {
        "source": payload.get("source", ""),
        "violations": payload.get("violations", []),
        "opened_on": opened.isoformat() if isinstance(opened, datetime.date) else "",
        "summary": payload.get("summary", ""),
        "cuu_name": cuu.get("name", ""),
        "cuu_uscc": cuu.get("uscc", ""),
        "hr_name": hr.get("name", ""),
        "hr_uscc": hr.get("uscc", ""),
    }
    persons = []
    for entry in payload.get("persons", []):
        cert = entry.get("certificate") or {}
        reg, act = entry.get("registered_unit") or {}, entry.get("actual_unit") or {}
        persons.append(
            {
                "name": entry.get("name", ""),
                "id_type": entry.get("id_type", ""),
                "id_number": entry.get("id_number", ""),
                "cert_category": cert.get("category", ""),
                "cert_level": cert.get("level", ""),
                "cert_specialty": cert.get("specialty", ""),
                "cert_number": cert.get("number", ""),
                "reg_unit_name": reg.get("name", ""),
                "reg_unit_uscc": reg.get("uscc", ""),
                "act_unit_name": act.get("name", ""),
                "act_unit_uscc": act.get("uscc", ""),
            }
        )
    return initial, persons or [{}]
