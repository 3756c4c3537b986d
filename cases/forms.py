"""Browser forms for the case register: they carry input; the services check it.

Every rule lives in ``cases.validation``; these forms only turn the POST into the services'
payload and put the services' errors next to the fields they name (``core.forms``).
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.models import Case, CertificateType, Decision, Measure, Person
from core.errors import DomainError
from core.forms import CarrierFormMixin, place_errors

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label, **kwargs) -> forms.CharField:
    """A date typed in the browser's date input, checked by the service (one date parser)."""
    return forms.CharField(label=label, widget=DATE_WIDGET, **kwargs)


def _unit(name: str, uscc: str) -> dict | None:
    """Return the service's unit dict, or None when both parts are empty."""
    if not name and not uscc:
        return None
    return {"name": name, "uscc": uscc}


class CaseForm(CarrierFormMixin, forms.Form):
    """The case itself plus 买卖租借证书单位 and 人力资源服务机构."""

    agency = forms.ModelChoiceField(
        label=_("承办机构"), queryset=Agency.objects.none(), required=True
    )
    source = forms.ChoiceField(label=_("案件来源"), choices=[("", "—"), *Case.Source.choices])
    violations = forms.MultipleChoiceField(
        label=_("违法违规行为"), choices=Case.Violation.choices, widget=forms.CheckboxSelectMultiple
    )
    opened_on = _date_field(_("立案日期"))
    summary = forms.CharField(label=_("基本案情"), widget=forms.Textarea(attrs={"rows": 3}))
    cuu_name = forms.CharField(label=_("买卖租借证书单位名称"), required=False)
    cuu_uscc = forms.CharField(label=_("统一社会信用代码"), required=False)
    hr_name = forms.CharField(label=_("人力资源服务机构名称"), required=False)
    hr_uscc = forms.CharField(label=_("统一社会信用代码"), required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].marked_required = False
        agencies = list(agencies)
        if len(agencies) > 1:
            self.fields["agency"].queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        else:
            # One writable agency (or an edit): the agency is implied and not shown.
            del self.fields["agency"]
            self.implied_agency = agencies[0] if agencies else None
        for name in ("cuu_name", "hr_name"):
            self.fields[name].widget.attrs.update({"data-unit-lookup": "name"})
        for name in ("cuu_uscc", "hr_uscc"):
            self.fields[name].widget.attrs.update({"data-unit-lookup": "uscc"})

    def payload(self) -> dict:
        """Return the keyword arguments for ``case_create`` / ``case_update`` (no persons)."""
        data = self.cleaned_data
        return {
            "source": data.get("source", ""),
            "violations": list(data.get("violations") or []),
            "opened_on": data.get("opened_on", ""),
            "summary": data.get("summary", ""),
            "certificate_user_unit": _unit(data.get("cuu_name", ""), data.get("cuu_uscc", "")),
            "hr_agency": _unit(data.get("hr_name", ""), data.get("hr_uscc", "")),
        }

    @property
    def chosen_agency(self):
        if "agency" in self.fields:
            return self.cleaned_data["agency"]
        return self.implied_agency

    @classmethod
    def initial_for(cls, case: Case) -> dict:
        cuu, hr = case.certificate_user_unit, case.hr_agency
        return {
            "source": case.source,
            "violations": case.violations,
            "opened_on": case.opened_on.isoformat() if case.opened_on else "",
            "summary": case.summary,
            "cuu_name": cuu.name if cuu else "",
            "cuu_uscc": (cuu.uscc or "") if cuu else "",
            "hr_name": hr.name if hr else "",
            "hr_uscc": (hr.uscc or "") if hr else "",
        }


LEVEL_CHOICES = [("", _("（无）")), ("1", _("一级")), ("2", _("二级"))]


class PersonForm(CarrierFormMixin, forms.Form):
    """One professional of the case with the certificate concerned and both units."""

    name = forms.CharField(label=_("姓名"))
    id_type = forms.ChoiceField(
        label=_("证件类型"), choices=Person.IdType.choices, initial=Person.IdType.RESIDENT_ID
    )
    id_number = forms.CharField(label=_("证件号码"))
    is_public_employee = forms.BooleanField(label=_("国家机关/事业单位工作人员"), required=False)
    cert_category = forms.ChoiceField(
        label=_("执业资格类别"),
        choices=[("", _("（无证书）")), *CertificateType.Category.choices],
        required=False,
    )
    cert_level = forms.ChoiceField(label=_("级别"), choices=LEVEL_CHOICES, required=False)
    cert_specialty = forms.CharField(label=_("专业"), required=False)
    cert_number = forms.CharField(label=_("证书编号"), required=False)
    reg_unit_name = forms.CharField(label=_("注册单位名称"), required=False)
    reg_unit_uscc = forms.CharField(label=_("注册单位信用代码"), required=False)
    act_unit_name = forms.CharField(label=_("实际工作单位名称"), required=False)
    act_unit_uscc = forms.CharField(label=_("实际工作单位信用代码"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"data-person-lookup": "name"})
        self.fields["id_number"].widget.attrs.update(
            {"data-person-lookup": "id_number", "class": "form-control id-number"}
        )
        self.fields["cert_specialty"].widget.attrs.update(
            {"placeholder": _("如 建筑工程"), "list": "specialties"}
        )
        for name in ("reg_unit_name", "act_unit_name"):
            self.fields[name].widget.attrs.update({"data-unit-lookup": "name"})
        for name in ("reg_unit_uscc", "act_unit_uscc"):
            self.fields[name].widget.attrs.update({"data-unit-lookup": "uscc"})

    def payload(self) -> dict:
        """Return one person dict in the shape ``case_create`` takes."""
        data = self.cleaned_data
        certificate = None
        cert_keys = ("cert_category", "cert_level", "cert_specialty", "cert_number")
        if any(data.get(key) for key in cert_keys):
            certificate = {
                "category": data.get("cert_category", ""),
                "level": data.get("cert_level", ""),
                "specialty": data.get("cert_specialty", ""),
                "number": data.get("cert_number", ""),
            }
        return {
            "name": data.get("name", ""),
            "id_type": data.get("id_type") or Person.IdType.RESIDENT_ID,
            "id_number": data.get("id_number", ""),
            "is_public_employee": bool(data.get("is_public_employee")),
            "certificate": certificate,
            "registered_unit": _unit(data.get("reg_unit_name", ""), data.get("reg_unit_uscc", "")),
            "actual_unit": _unit(data.get("act_unit_name", ""), data.get("act_unit_uscc", "")),
        }

    @classmethod
    def initial_for(cls, party) -> dict:
        person, cert = party.person, party.certificate
        reg, act = party.registered_unit, party.actual_unit
        ctype = cert.certificate_type if cert else None
        return {
            "name": party.name,
            "id_type": person.id_type,
            "id_number": person.id_number,
            "is_public_employee": person.is_public_employee,
            "cert_category": ctype.category if ctype else "",
            "cert_level": ctype.level if ctype else "",
            "cert_specialty": ctype.specialty if ctype else "",
            "cert_number": cert.number if cert else "",
            "reg_unit_name": reg.name if reg else "",
            "reg_unit_uscc": (reg.uscc or "") if reg else "",
            "act_unit_name": act.name if act else "",
            "act_unit_uscc": (act.uscc or "") if act else "",
        }


class BasePersonFormSet(forms.BaseFormSet):
    def live_forms(self) -> list[PersonForm]:
        """Return the forms kept by the user (not marked for removal), in order."""
        return [
            f
            for f in self.forms
            if not (self.can_delete and self._should_delete_form(f))
            and not (f.empty_permitted and not f.has_changed())
        ]

    def payload(self) -> list[dict]:
        return [form.payload() for form in self.live_forms()]


PersonFormSet = forms.formset_factory(
    PersonForm,
    formset=BasePersonFormSet,
    extra=0,
    min_num=1,
    can_delete=True,
    max_num=200,
    validate_max=True,
)


# Field names of the person form keyed by the service's field path under ``persons[i]``.
PERSON_PATHS = {
    "name": "name",
    "id_type": "id_type",
    "id_number": "id_number",
    "is_public_employee": "is_public_employee",
    "certificate": "cert_number",
    "certificate.category": "cert_category",
    "certificate.level": "cert_level",
    "certificate.specialty": "cert_specialty",
    "certificate.number": "cert_number",
    "registered_unit": "reg_unit_name",
    "registered_unit.name": "reg_unit_name",
    "registered_unit.uscc": "reg_unit_uscc",
    "actual_unit": "act_unit_name",
    "actual_unit.name": "act_unit_name",
    "actual_unit.uscc": "act_unit_uscc",
}
CASE_PATHS = {
    "certificate_user_unit": "cuu_name",
    "certificate_user_unit.name": "cuu_name",
    "certificate_user_unit.uscc": "cuu_uscc",
    "hr_agency": "hr_name",
    "hr_agency.name": "hr_name",
    "hr_agency.uscc": "hr_uscc",
}
PERSON_PATH = re.compile(r"^persons\[(\d+)\](?:\.(.+))?$")


def apply_case_error(error: DomainError, form: CaseForm, formset: BasePersonFormSet) -> None:
    """Put a service's errors next to the case form's and the person forms' fields.

    ``persons[0].id_number`` lands on the first kept person form's ``id_number``; paths the
    forms do not know become non-field errors, so nothing is lost.
    """
    persons = formset.live_forms()
    case_errors = {}
    for path, messages in (error.fields or {}).items():
        match = PERSON_PATH.match(path)
        if match and int(match.group(1)) < len(persons):
            target = persons[int(match.group(1))]
            field = PERSON_PATHS.get(match.group(2) or "")
            for message in messages:
                target.add_error(field if field in target.fields else None, message)
        elif path == "persons":
            formset._non_form_errors.extend(messages)
        else:
            case_errors[path] = messages
    placed = place_errors(DomainError(error.message, fields=case_errors), form, CASE_PATHS)
    if not placed and not error.fields:
        form.add_error(None, error.message)


class DecisionForm(CarrierFormMixin, forms.Form):
    """The decision (处理决定) with its measures."""

    decided_on = _date_field(_("处理决定日期"))
    outcome = forms.ChoiceField(
        label=_("处理结论"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    exemption = forms.ChoiceField(
        label=_("不构成挂证的情形"),
        choices=[("", "—"), *Decision.Exemption.choices],
        required=False,
    )
    exemption_evidence = forms.CharField(
        label=_("证明材料"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如 退休证、人事关系证明、社会保险个人权益记录、买断协议"),
    )
    self_corrected = forms.BooleanField(label=_("自查自纠（整改到位，不再追究）"), required=False)
    self_correction_text = forms.CharField(label=_("自查自纠情况"), required=False)
    measures = forms.MultipleChoiceField(
        label=_("处理措施"),
        choices=Measure.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    document_number = forms.CharField(label=_("处理决定文号"), required=False)
    penalty_text = forms.CharField(
        label=_("处理情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    fine_amount = forms.CharField(
        label=_("罚款金额（元）"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    rectify_deadline = _date_field(_("整改期限"), required=False)

    def payload(self) -> dict:
        data = self.cleaned_data
        return {
            "decided_on": data.get("decided_on", ""),
            "outcome": data.get("outcome", ""),
            "self_corrected": bool(data.get("self_corrected")),
            "measures": list(data.get("measures") or []),
            "document_number": data.get("document_number", ""),
            "penalty_text": data.get("penalty_text", ""),
            "exemption": data.get("exemption") or None,
            "exemption_evidence": data.get("exemption_evidence", ""),
            "self_correction_text": data.get("self_correction_text", ""),
            "fine_amount": data.get("fine_amount") or None,
            "rectify_deadline": data.get("rectify_deadline") or None,
        }


class ReasonForm(CarrierFormMixin, forms.Form):
    """A reason for closing, reopening or rejecting a transfer (the service says if it is due)."""

    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, required=True, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].marked_required = required
        if label:
            self.fields["reason"].label = label


class TransferForm(CarrierFormMixin, forms.Form):
    """Hand the case over to another agency."""

    to_agency = forms.ModelChoiceField(
        label=_("移交至"), queryset=Agency.objects.none(), required=False
    )
    reason = forms.CharField(label=_("移交理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].marked_required = True
        if agencies is not None:
            self.fields["to_agency"].queryset = agencies


class EvidenceForm(CarrierFormMixin, forms.Form):
    file = forms.FileField(label=_("文件"))
    description = forms.CharField(label=_("说明"), required=False)


class JoinForm(CarrierFormMixin, forms.Form):
    other = forms.CharField(label=_("关联案件编号"))


class ImportUploadForm(CarrierFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    agency = forms.ModelChoiceField(
        label=_("承办机构"), queryset=Agency.objects.none(), required=True
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        agencies = list(agencies)
        if len(agencies) > 1:
            self.fields["agency"].queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        else:
            del self.fields["agency"]
        self.agencies = agencies

    @property
    def chosen_agency(self):
        if "agency" in self.fields:
            return self.cleaned_data["agency"]
        return self.agencies[0] if self.agencies else None
