"""Forms of the public front door: they carry input; ``complaints.services`` checks it.

The persons and units complained about are a few fixed rows (no script needed to add one); only
the filled rows are sent, and the service's error paths (``persons[1].id_number``) are put back
on the rows they came from.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Department, Region
from core.forms import CarrierFormMixin, bootstrap_widget

PERSON_ROWS = 3
UNIT_ROWS = 2
TEXT_LIMIT = 5000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the service counts and checks them."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        return [f for f in (data if isinstance(data, list | tuple) else [data]) if f]


def department_choices() -> list[tuple[str, str]]:
    """Return the departments that handle complaints, in the plan's order."""
    departments = Department.objects.filter(kind=Department.Kind.REPORTING)
    return [("", _("请选择"))] + [(d.code, d.name) for d in departments.order_by("sort_order")]


def region_choices() -> list:
    """Return Sichuan's regions grouped by 市（州）, each city first, then its counties."""
    regions = list(Region.objects.order_by("code").only("code", "name", "level", "parent_id"))
    counties: dict[int, list] = {}
    for region in regions:
        if region.level == Region.Level.COUNTY:
            counties.setdefault(region.parent_id, []).append((region.code, region.name))
    groups: list = [("", _("请选择"))]
    for region in regions:
        if region.level == Region.Level.PROVINCE:
            groups.append((region.name, [(region.code, _("省级（不确定具体地区）"))]))
        elif region.level == Region.Level.PREFECTURE:
            own = (region.code, _("%(city)s（市本级或不确定区县）") % {"city": region.name})
            groups.append((region.name, [own, *counties.get(region.pk, [])]))
    return groups


class PublicComplaintForm(CarrierFormMixin, forms.Form):
    """A complaint from the public: where, what, who (or anonymous), and up to three files."""

    # Plain text under a select: an unknown value is the service's to refuse, with its message.
    department = forms.CharField(label=_("受理部门"), widget=forms.Select)
    region = forms.CharField(
        label=_("所在地区"), widget=forms.Select, help_text=_("被投诉事项发生的地区")
    )
    text = forms.CharField(
        label=_("投诉内容"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_LIMIT}),
        help_text=_("请写明被投诉的人员或单位、挂证等违法违规行为的情况（不超过5000字）。"),
    )
    anonymous = forms.BooleanField(
        label=_("匿名投诉"),
        required=False,
        help_text=_("匿名投诉无法得到电话或书面答复，可凭受理编号和查询码查询办理结果。"),
    )
    name = forms.CharField(label=_("姓名"), required=False)
    phone = forms.CharField(label=_("联系电话"), required=False)
    contact = forms.CharField(
        label=_("其他联系方式"), required=False, help_text=_("如通信地址、电子邮箱。")
    )
    files = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_("最多3个文件，合计不超过20MB；只接受 PDF、图片和 Word、Excel 文档。"),
    )
    challenge_answer = forms.CharField(label=_("验证问题"), max_length=8)
    challenge_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, question: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].widget.choices = department_choices()
        self.fields["region"].widget.choices = region_choices()
        self.fields["challenge_answer"].label = _("验证问题：%(q)s") % {"q": question}
        self.fields["challenge_answer"].help_text = _("请填写计算结果（阿拉伯数字）。")
        self.fields["challenge_answer"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off"}
        )
        for index in range(PERSON_ROWS):
            self.fields[f"person_{index}_name"] = forms.CharField(label=_("姓名"), required=False)
            self.fields[f"person_{index}_id_number"] = forms.CharField(
                label=_("身份证号码（如知道）"), required=False
            )
        for index in range(UNIT_ROWS):
            self.fields[f"unit_{index}_name"] = forms.CharField(label=_("单位名称"), required=False)
            self.fields[f"unit_{index}_uscc"] = forms.CharField(
                label=_("统一社会信用代码（如知道）"), required=False
            )
        for name, field in self.fields.items():
            if name.startswith(("person_", "unit_")):
                bootstrap_widget(field.widget)
            field.required = False
        self.error_paths: dict[str, str] = {}

    def person_rows(self) -> list[tuple]:
        return [
            (self[f"person_{i}_name"], self[f"person_{i}_id_number"]) for i in range(PERSON_ROWS)
        ]

    def unit_rows(self) -> list[tuple]:
        return [(self[f"unit_{i}_name"], self[f"unit_{i}_uscc"]) for i in range(UNIT_ROWS)]

    def _rows(self, kind: str, count: int, keys: tuple[str, str], first: str) -> list[dict]:
        """Return the filled rows as the service's list, noting each path's form field."""
        rows = []
        for index in range(count):
            values = {key: self.cleaned_data.get(f"{kind}_{index}_{key}") or "" for key in keys}
            if not any(v.strip() for v in values.values()):
                continue
            path = f"{kind}s[{len(rows)}]"
            for key in keys:
                self.error_paths[f"{path}.{key}"] = f"{kind}_{index}_{key}"
            self.error_paths[path] = f"{kind}_{index}_{first}"
            rows.append(values)
        return rows

    def payload(self) -> dict:
        """Return the service's keyword arguments (after ``is_valid``)."""
        data = self.cleaned_data
        self.error_paths = {}
        return {
            "department": data.get("department") or "",
            "region": data.get("region") or "",
            "text": data.get("text") or "",
            "anonymous": bool(data.get("anonymous")),
            "name": data.get("name") or "",
            "phone": data.get("phone") or "",
            "contact": data.get("contact") or "",
            "persons": self._rows("person", PERSON_ROWS, ("name", "id_number"), "name"),
            "units": self._rows("unit", UNIT_ROWS, ("name", "uscc"), "name"),
            "files": data.get("files") or [],
        }

    def error_field(self, path: str) -> str | None:
        """Return the form field a service error path belongs to (deeper paths to their row)."""
        if path in self.error_paths:
            return self.error_paths[path]
        row = path.split(".")[0]
        if row in self.error_paths:
            field = path.split(".", 1)[1].split(".")[0] if "." in path else ""
            candidate = self.error_paths.get(f"{row}.{field}")
            return candidate or self.error_paths[row]
        return path if path in self.fields else None


class PublicStatusForm(CarrierFormMixin, forms.Form):
    """Receipt number and query code, as given when the complaint was filed."""

    receipt = forms.CharField(
        label=_("受理编号"), max_length=40, help_text=_("如 TS-20190312-0007")
    )
    code = forms.CharField(label=_("查询码"), max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].widget.attrs["autocomplete"] = "off"
        self.fields["code"].widget.attrs["autocomplete"] = "off"
