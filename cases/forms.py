"""Browser forms for the case register; the services decide, these only collect and show errors."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.identifiers import normalize_document, normalize_uscc
from cases.models import Case, CertificateType, Decision, Measure, Person

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BootstrapMixin:
    """Give every widget its Bootstrap class and mark invalid fields for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


def _clean_uscc(value: str) -> str:
    return normalize_uscc(value) if value else ""


def _unit(name: str, uscc: str) -> dict | None:
    """Return the service's unit dict, or None when both parts are empty."""
    if not name and not uscc:
        return None
    return {"name": name, "uscc": uscc}


class UnitFieldsMixin:
    """Check that a unit named in a pair of fields has a valid credit code (or none)."""

    unit_pairs: tuple[tuple[str, str], ...] = ()

    def clean(self):
        data = super().clean()
        for name_field, uscc_field in self.unit_pairs:
            if data.get(uscc_field) and not data.get(name_field):
                self.add_error(name_field, _("填写了统一社会信用代码时，请同时填写单位名称。"))
        return data


class CaseForm(UnitFieldsMixin, BootstrapMixin, forms.Form):
    """The case itself plus 买卖租借证书单位 and 人力资源服务机构."""

    unit_pairs = (("cuu_name", "cuu_uscc"), ("hr_name", "hr_uscc"))

    agency = forms.ModelChoiceField(
        label=_("承办机构"), queryset=Agency.objects.none(), required=True
    )
    source = forms.ChoiceField(label=_("案件来源"), choices=Case.Source.choices)
    violations = forms.MultipleChoiceField(
        label=_("违法违规行为"),
        choices=Case.Violation.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项违法违规行为。")},
    )
    opened_on = forms.DateField(label=_("立案日期"), widget=DATE_WIDGET)
    summary = forms.CharField(
        label=_("基本案情"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cuu_name = forms.CharField(label=_("买卖租借证书单位名称"), required=False, max_length=200)
    cuu_uscc = forms.CharField(label=_("统一社会信用代码"), required=False, max_length=18)
    hr_name = forms.CharField(label=_("人力资源服务机构名称"), required=False, max_length=200)
    hr_uscc = forms.CharField(label=_("统一社会信用代码"), required=False, max_length=18)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
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

    def clean_cuu_uscc(self):
        return _clean_uscc(self.cleaned_data.get("cuu_uscc", ""))

    def clean_hr_uscc(self):
        return _clean_uscc(self.cleaned_data.get("hr_uscc", ""))

    def payload(self) -> dict:
        """Return the keyword arguments for ``case_create`` / ``case_update`` (no persons)."""
        data = self.cleaned_data
        return {
            "source": data["source"],
            "violations": list(data["violations"]),
            "opened_on": data["opened_on"],
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
            "opened_on": case.opened_on,
            "summary": case.summary,
            "cuu_name": cuu.name if cuu else "",
            "cuu_uscc": (cuu.uscc or "") if cuu else "",
            "hr_name": hr.name if hr else "",
            "hr_uscc": (hr.uscc or "") if hr else "",
        }


LEVEL_CHOICES = [("", _("（无）")), ("1", _("一级")), ("2", _("二级"))]


class PersonForm(UnitFieldsMixin, BootstrapMixin, forms.Form):
    """One professional of the case with the certificate concerned and both units."""

    unit_pairs = (("reg_unit_name", "reg_unit_uscc"), ("act_unit_name", "act_unit_uscc"))

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(
        label=_("证件类型"), choices=Person.IdType.choices, initial=Person.IdType.RESIDENT_ID
    )
    id_number = forms.CharField(label=_("证件号码"), max_length=32)
    is_public_employee = forms.BooleanField(label=_("国家机关/事业单位工作人员"), required=False)
    cert_category = forms.ChoiceField(
        label=_("执业资格类别"),
        choices=[("", _("（无证书）")), *CertificateType.Category.choices],
        required=False,
    )
    cert_level = forms.ChoiceField(label=_("级别"), choices=LEVEL_CHOICES, required=False)
    cert_specialty = forms.CharField(label=_("专业"), max_length=50, required=False)
    cert_number = forms.CharField(label=_("证书编号"), max_length=50, required=False)
    reg_unit_name = forms.CharField(label=_("注册单位名称"), max_length=200, required=False)
    reg_unit_uscc = forms.CharField(label=_("注册单位信用代码"), max_length=18, required=False)
    act_unit_name = forms.CharField(label=_("实际工作单位名称"), max_length=200, required=False)
    act_unit_uscc = forms.CharField(label=_("实际工作单位信用代码"), max_length=18, required=False)

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

    def clean_reg_unit_uscc(self):
        return _clean_uscc(self.cleaned_data.get("reg_unit_uscc", ""))

    def clean_act_unit_uscc(self):
        return _clean_uscc(self.cleaned_data.get("act_unit_uscc", ""))

    def clean(self):
        data = super().clean()
        id_type, number = data.get("id_type"), data.get("id_number")
        if id_type and number:
            try:
                data["id_number"] = normalize_document(id_type, number)
            except ValidationError as exc:
                self.add_error("id_number", exc)
        if data.get("cert_number") and not data.get("cert_category"):
            self.add_error("cert_category", _("填写了证书编号时，请选择执业资格类别。"))
        if data.get("cert_category") and not data.get("cert_number"):
            self.add_error("cert_number", _("请填写证书编号。"))
        return data

    def payload(self) -> dict:
        """Return one person dict in the shape ``case_create`` takes."""
        data = self.cleaned_data
        certificate = None
        if data.get("cert_category"):
            certificate = {
                "category": data["cert_category"],
                "level": data.get("cert_level", ""),
                "specialty": data.get("cert_specialty", ""),
                "number": data.get("cert_number", ""),
            }
        return {
            "name": data["name"],
            "id_type": data["id_type"],
            "id_number": data["id_number"],
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
            "name": person.name,
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
    def clean(self):
        if any(self.errors):
            return
        seen = {}
        for index, form in enumerate(self.live_forms()):
            key = (form.cleaned_data.get("id_type"), form.cleaned_data.get("id_number"))
            if key in seen:
                form.add_error(
                    "id_number",
                    _("与第%(n)d名人员的证件号码重复。") % {"n": seen[key] + 1},
                )
            seen[key] = index

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
    validate_min=True,
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


def _messages(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def apply_domain_error(error, form: forms.Form, formset: BasePersonFormSet | None = None) -> None:
    """Put a service's ``DomainError.fields`` next to the fields they name.

    ``persons[0].id_number`` lands on the first kept person form's ``id_number``; paths the
    forms do not know become non-field errors, so nothing is lost.
    """
    placed = False
    persons = formset.live_forms() if formset is not None else []
    for path, value in (error.fields or {}).items():
        for message in _messages(value):
            match = PERSON_PATH.match(path)
            if match and int(match.group(1)) < len(persons):
                target = persons[int(match.group(1))]
                field = PERSON_PATHS.get(match.group(2) or "")
                target.add_error(field if field in target.fields else None, message)
            elif path == "persons" and formset is not None:
                formset._non_form_errors.append(message)
            else:
                field = CASE_PATHS.get(path, path)
                form.add_error(field if field in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class DecisionForm(BootstrapMixin, forms.Form):
    """The decision (处理决定) with its measures."""

    decided_on = forms.DateField(label=_("处理决定日期"), widget=DATE_WIDGET)
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
    self_correction_text = forms.CharField(label=_("自查自纠情况"), required=False, max_length=200)
    measures = forms.MultipleChoiceField(
        label=_("处理措施"),
        choices=Measure.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    document_number = forms.CharField(label=_("处理决定文号"), required=False, max_length=100)
    penalty_text = forms.CharField(
        label=_("处理情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    fine_amount = forms.DecimalField(
        label=_("罚款金额（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    rectify_deadline = forms.DateField(label=_("整改期限"), required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        measures = data.get("measures") or []
        if data.get("outcome") == Decision.Outcome.NOT_ESTABLISHED and not data.get("exemption"):
            self.add_error("exemption", _("不构成挂证时，请选择所属情形。"))
        if "fine" in measures and data.get("fine_amount") is None:
            self.add_error("fine_amount", _("选择罚款时，请填写罚款金额。"))
        if "rectify_order" in measures and not data.get("rectify_deadline"):
            self.add_error("rectify_deadline", _("选择限期责令整改时，请填写整改期限。"))
        return data

    def payload(self) -> dict:
        data = self.cleaned_data
        return {
            "decided_on": data["decided_on"],
            "outcome": data["outcome"],
            "self_corrected": bool(data.get("self_corrected")),
            "measures": list(data.get("measures") or []),
            "document_number": data.get("document_number", ""),
            "penalty_text": data.get("penalty_text", ""),
            "exemption": data.get("exemption") or None,
            "exemption_evidence": data.get("exemption_evidence", ""),
            "self_correction_text": data.get("self_correction_text", ""),
            "fine_amount": data.get("fine_amount"),
            "rectify_deadline": data.get("rectify_deadline"),
        }


class ReasonForm(BootstrapMixin, forms.Form):
    """A reason for closing, reopening or rejecting a transfer."""

    reason = forms.CharField(
        label=_("理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, required=True, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if label:
            self.fields["reason"].label = label


class TransferForm(BootstrapMixin, forms.Form):
    """Hand the case over to another agency."""

    to_agency = forms.ModelChoiceField(label=_("移交至"), queryset=Agency.objects.none())
    reason = forms.CharField(
        label=_("移交理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["to_agency"].queryset = agencies


class EvidenceForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("文件"))
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class JoinForm(BootstrapMixin, forms.Form):
    other = forms.CharField(label=_("关联案件编号"), max_length=40)


class ImportUploadForm(BootstrapMixin, forms.Form):
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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("请上传 .xlsx 格式的 Excel 文件（可先下载模板）。"))
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("文件超过 10 MB，请拆分后分批导入。"))
        return upload
