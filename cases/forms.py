"""Browser forms for the case register: they carry input; the services check it.

Every rule lives in ``cases.validation``; these forms only turn the POST into the services'
payload and put the services' errors next to the fields they name (``core.forms``).
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.models import Case, CertificateType, ExemptionProof, Measure, Outcome, Person
from cases.validation import ROLE_KINDS
from core.errors import DomainError
from core.forms import CarrierFormMixin, bootstrap_widget, place_errors

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label, **kwargs) -> forms.CharField:
    """A date typed in the browser's date input, checked by the service (one date parser)."""
    return forms.CharField(label=label, widget=DATE_WIDGET, **kwargs)


def _unit(name: str, uscc: str) -> dict | None:
    """Return the service's unit dict, or None when both parts are empty."""
    if not name and not uscc:
        return None
    return {"name": name, "uscc": uscc}


class AgencyChoiceMixin:
    """An ``agency`` field offered only to a user writing for several agencies; with one, the
    agency is implied and not shown (``chosen_agency`` answers either way)."""

    def setup_agencies(self, agencies, label=None) -> None:
        self.agencies = list(agencies)
        if len(self.agencies) > 1:
            field = self.fields["agency"]
            field.queryset = Agency.objects.filter(pk__in=[a.pk for a in self.agencies])
            if label:
                field.label = label
        else:
            del self.fields["agency"]

    @property
    def chosen_agency(self):
        if "agency" in self.fields:
            return self.cleaned_data["agency"]
        return self.agencies[0] if self.agencies else None


class CaseForm(AgencyChoiceMixin, CarrierFormMixin, forms.Form):
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
        self.setup_agencies(agencies)  # one writable agency (or an edit): implied, not shown
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


def apply_case_error(
    error: DomainError,
    form: forms.Form,
    formset: BasePersonFormSet,
    paths: dict = CASE_PATHS,
    person_paths: dict = PERSON_PATHS,
) -> None:
    """Put a service's errors next to the form's and the person forms' fields.

    ``persons[0].id_number`` lands on the first kept person form's ``id_number``; paths the
    forms do not know become non-field errors, so nothing is lost. Other registers with persons
    (declarations) pass their own form's ``paths`` and their person form's ``person_paths``.
    """
    persons = formset.live_forms()
    case_errors = {}
    for path, messages in (error.fields or {}).items():
        match = PERSON_PATH.match(path)
        if match and int(match.group(1)) < len(persons):
            target = persons[int(match.group(1))]
            field = person_paths.get(match.group(2) or "")
            for message in messages:
                target.add_error(field if field in target.fields else None, message)
        elif path == "persons":
            formset._non_form_errors.extend(messages)
        else:
            case_errors[path] = messages
    placed = place_errors(DomainError(error.message, fields=case_errors), form, paths)
    if not placed and not error.fields:
        form.add_error(None, error.message)


PROOF_ROWS = 2  # proof rows offered per exempted person (more can be added on the case page)
RESULT_CHOICES = [("", _("不作处理")), *Outcome.Result.choices]


class DecisionForm(CarrierFormMixin, forms.Form):
    """The decision (处理决定): what is common, then one section per party of the case.

    Built for one case: each person (``p<party id>_…``), the unit that used the certificate
    (``unit_…``) and the HR agency (``hr_…``) get their result, measures and proofs.
    """

    decided_on = _date_field(_("处理决定日期"))
    deciding_agency = forms.ModelChoiceField(
        label=_("处理机关"), queryset=Agency.objects.none(), required=False
    )
    document_number = forms.CharField(label=_("处理决定文号"), required=False)
    referred_to_issuer = forms.BooleanField(
        label=_("已移送发证机关依法依规处罚（发证机关不是本机关时）"), required=False
    )
    issuer = forms.CharField(
        label=_("发证机关"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如 住房和城乡建设部"}),
    )
    penalty_text = forms.CharField(
        label=_("处理情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case: Case, evidence=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.sections: list[dict] = []
        agency = case.agency
        above = [int(pk) for pk in agency.path.strip("/").split("/") if pk]
        self.fields["deciding_agency"].queryset = Agency.objects.filter(pk__in=above)
        self.fields["deciding_agency"].initial = agency.pk
        evidence_choices = [("", _("（上传新文件）"))] + [(e.pk, e.original_name) for e in evidence]
        for party in case.parties.select_related("person").order_by("position", "id"):
            self._add_section(
                f"p{party.pk}_", Outcome.Role.PERSON, party.name, party, evidence_choices
            )
        for role, unit in (
            (Outcome.Role.UNIT, case.certificate_user_unit),
            (Outcome.Role.HR_AGENCY, case.hr_agency),
        ):
            if unit is not None:
                prefix = "unit_" if role == Outcome.Role.UNIT else "hr_"
                self._add_section(prefix, role, unit.name, None, evidence_choices)
        for field in self.fields.values():  # a new field's widget gets its Bootstrap class too
            if not field.widget.attrs.get("class"):
                bootstrap_widget(field.widget)

    def _add_section(self, prefix, role, name, party, evidence_choices) -> None:
        kinds = [(k, label) for k, label in Measure.Kind.choices if k in ROLE_KINDS[role]]
        person = role == Outcome.Role.PERSON
        self.fields[f"{prefix}result"] = forms.ChoiceField(
            label=_("处理结论"),
            choices=Outcome.Result.choices if person else RESULT_CHOICES,
            widget=forms.RadioSelect,
            required=False,
        )
        self.fields[f"{prefix}measures"] = forms.MultipleChoiceField(
            label=_("处理措施"), choices=kinds, widget=forms.CheckboxSelectMultiple, required=False
        )
        if party is not None and party.person.is_public_employee:
            self.fields[f"{prefix}measures"].initial = [Measure.Kind.NOTIFY_EMPLOYER]
        names = [f"{prefix}result", f"{prefix}measures"]
        if person:
            names += self._person_fields(prefix, evidence_choices)
        else:
            self.fields[f"{prefix}fine_amount"] = forms.CharField(
                label=_("罚款金额（元）"), required=False
            )
            self.fields[f"{prefix}rectify_deadline"] = _date_field(_("整改期限"), required=False)
            names += [f"{prefix}fine_amount", f"{prefix}rectify_deadline"]
        self.sections.append(
            {"prefix": prefix, "role": role, "name": name, "party": party, "names": names}
        )

    def _person_fields(self, prefix: str, evidence_choices) -> list[str]:
        self.fields[f"{prefix}self_corrected"] = forms.BooleanField(
            label=_("自查自纠（整改到位，不再追究）"), required=False
        )
        self.fields[f"{prefix}self_correction_text"] = forms.CharField(
            label=_("自查自纠情况"),
            required=False,
            widget=forms.TextInput(attrs={"placeholder": "如 已注销注册"}),
        )
        self.fields[f"{prefix}self_corrected_on"] = _date_field(
            _("整改日期（无自查自纠申报时填写）"), required=False
        )
        self.fields[f"{prefix}revoked_on"] = _date_field(
            _("撤销日期（默认处理决定日期）"), required=False
        )
        self.fields[f"{prefix}exemption"] = forms.ChoiceField(
            label=_("不构成挂证的情形"),
            choices=[("", "—"), *Outcome.Exemption.choices],
            required=False,
        )
        names = [
            f"{prefix}{n}"
            for n in (
                "self_corrected",
                "self_correction_text",
                "self_corrected_on",
                "revoked_on",
                "exemption",
            )
        ]
        for n in range(PROOF_ROWS):
            self.fields[f"{prefix}proof{n}_kind"] = forms.ChoiceField(
                label=_("证明材料种类"),
                choices=[("", "—"), *ExemptionProof.Kind.choices],
                required=False,
            )
            self.fields[f"{prefix}proof{n}_evidence"] = forms.ChoiceField(
                label=_("已上传的文件"), choices=evidence_choices, required=False
            )
            self.fields[f"{prefix}proof{n}_file"] = forms.FileField(
                label=_("或上传文件"), required=False
            )
            names += [f"{prefix}proof{n}_{k}" for k in ("kind", "evidence", "file")]
        return names

    def section_fields(self, section: dict) -> list:
        """Return the bound fields of one party's section, for the template."""
        return [self[name] for name in section["names"]]

    def _outcome(self, section: dict) -> dict | None:
        data, prefix = self.cleaned_data, section["prefix"]
        result = data.get(f"{prefix}result") or ""
        if section["role"] != Outcome.Role.PERSON and not result:
            return None  # the unit is not dealt with in this decision
        outcome = {"result": result, "measures": list(data.get(f"{prefix}measures") or [])}
        if section["party"] is not None:
            outcome["party"] = section["party"].pk
            outcome.update(
                self_corrected=bool(data.get(f"{prefix}self_corrected")),
                self_correction_text=data.get(f"{prefix}self_correction_text", ""),
                self_corrected_on=data.get(f"{prefix}self_corrected_on") or None,
                revoked_on=data.get(f"{prefix}revoked_on") or None,
                exemption=data.get(f"{prefix}exemption", ""),
                proofs=self._proofs(prefix),
            )
        else:
            outcome.update(
                role=section["role"],
                fine_amount=data.get(f"{prefix}fine_amount") or None,
                rectify_deadline=data.get(f"{prefix}rectify_deadline") or None,
            )
        return outcome

    def _proofs(self, prefix: str) -> list[dict]:
        proofs = []
        for n in range(PROOF_ROWS):
            kind = self.cleaned_data.get(f"{prefix}proof{n}_kind") or ""
            evidence = self.cleaned_data.get(f"{prefix}proof{n}_evidence") or None
            upload = self.cleaned_data.get(f"{prefix}proof{n}_file")
            if kind or evidence or upload:
                proofs.append({"kind": kind, "evidence": evidence, "file": upload, "_row": n})
        return proofs

    def payload(self) -> dict:
        """Return the keyword arguments of ``case_decide``, outcomes in the sections' order."""
        data = self.cleaned_data
        self._placed = []  # (section, proof rows) per outcome, to put errors back
        outcomes = []
        for section in self.sections:
            outcome = self._outcome(section)
            if outcome is not None:
                rows = [p.pop("_row") for p in outcome.get("proofs", [])]
                self._placed.append((section, rows))
                outcomes.append(outcome)
        agency = data.get("deciding_agency")
        return {
            "decided_on": data.get("decided_on", ""),
            "deciding_agency": agency.pk if agency else None,
            "document_number": data.get("document_number", ""),
            "referred_to_issuer": bool(data.get("referred_to_issuer")),
            "issuer": data.get("issuer", ""),
            "penalty_text": data.get("penalty_text", ""),
            "outcomes": outcomes,
        }

    def apply_error(self, error: DomainError) -> None:
        """Put the service's errors next to the fields: ``outcomes[1].measures`` on its section."""
        placed = False
        for path, messages in (error.fields or {}).items():
            field = self._field_for(path)
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
                placed = True
        if not placed:
            self.add_error(None, error.message)

    def _field_for(self, path: str) -> str | None:
        match = OUTCOME_PATH.match(path)
        if not match:
            return path
        index, rest = int(match.group(1)), match.group(2) or "result"
        if index >= len(getattr(self, "_placed", [])):
            return None
        section, rows = self._placed[index]
        proof = PROOF_PATH.match(rest)
        if proof and int(proof.group(1)) < len(rows):
            return f"{section['prefix']}proof{rows[int(proof.group(1))]}_{proof.group(2) or 'kind'}"
        return f"{section['prefix']}{rest.split('.')[0].split('[')[0]}"


OUTCOME_PATH = re.compile(r"^outcomes\[(\d+)\](?:\.(.+))?$")
PROOF_PATH = re.compile(r"^proofs\[(\d+)\](?:\.(\w+))?$")


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


class ImportUploadForm(AgencyChoiceMixin, CarrierFormMixin, forms.Form):
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

    def __init__(self, *args, agencies=(), agency_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_agencies(agencies, agency_label)
