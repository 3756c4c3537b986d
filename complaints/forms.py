"""Browser forms for complaints: they carry input; ``complaints.validation`` checks it.

The intake form is for a clerk on the phone: the channel and time default to a call now, the
lead's persons and units use the lead (and case) pickers.
"""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, ComplaintChannel
from cases.forms import AgencyChoiceMixin, _date_field
from cases.models import Case
from complaints.models import Complaint
from core.forms import CarrierFormMixin
from leads.forms import ANY, LeadFilterForm

REPLIED, UNREPLIED, WAIVED = "replied", "unreplied", "waived"
REPLY_STATES = [(REPLIED, _("已答复")), (UNREPLIED, _("未答复")), (WAIVED, _("不予答复"))]


class ComplaintFilterForm(LeadFilterForm):
    """The lead list's filters plus the channel and whether the reply is settled."""

    channel = forms.ChoiceField(
        label=_("投诉方式"), choices=ANY + Complaint.Channel.choices, required=False
    )
    reply = forms.ChoiceField(label=_("答复情况"), choices=ANY + REPLY_STATES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["source"]  # every complaint's lead has the source 投诉举报
        for name in ("channel", "reply"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    def apply_complaint(self, queryset):
        """Narrow complaints by the lead's filters, the channel and the reply."""
        queryset = self.apply(queryset, prefix="lead__")
        if self.value("channel"):
            queryset = queryset.filter(channel=self.value("channel"))
        reply = self.value("reply")
        if reply == REPLIED:
            queryset = queryset.filter(replied_on__isnull=False)
        elif reply == WAIVED:
            queryset = queryset.exclude(reply_waived_reason="")
        elif reply == UNREPLIED:
            queryset = queryset.filter(Q(replied_on__isnull=True) & Q(reply_waived_reason=""))
        return queryset


class ComplaintForm(AgencyChoiceMixin, CarrierFormMixin, forms.Form):
    """A complaint taken on the phone (or by letter, visit …); persons and units in formsets."""

    agency = forms.ModelChoiceField(
        label=_("受理机构"), queryset=Agency.objects.none(), required=True
    )
    channel = forms.ChoiceField(
        label=_("投诉方式"), choices=Complaint.Channel.choices, initial=Complaint.Channel.TELEPHONE
    )
    published_channel = forms.ModelChoiceField(
        label=_("公布的投诉渠道"),
        queryset=ComplaintChannel.objects.none(),
        required=False,
        empty_label=_("（未注明）"),
    )
    received_at = forms.CharField(
        label=_("受理时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    anonymous = forms.BooleanField(label=_("匿名投诉"), required=False)
    name = forms.CharField(label=_("投诉人姓名"), required=False)
    phone = forms.CharField(label=_("联系电话"), required=False)
    contact = forms.CharField(label=_("其他联系方式"), required=False)
    text = forms.CharField(label=_("投诉举报内容"), widget=forms.Textarea(attrs={"rows": 4}))
    violations = forms.MultipleChoiceField(
        label=_("反映的问题"), choices=Case.Violation.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violations"].marked_required = False
        self.setup_agencies(agencies)
        departments = {a.department_id for a in agencies}
        self.fields["published_channel"].queryset = ComplaintChannel.objects.filter(
            department_id__in=departments, is_active=True
        ).select_related("department")
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
            self.initial.setdefault("received_at", now.isoformat(timespec="minutes"))

    def payload(self) -> dict:
        """Return ``complaint_register``'s keyword arguments (no persons or units)."""
        data = self.cleaned_data
        published = data.get("published_channel")
        return {
            "channel": data.get("channel", ""),
            "published_channel": published.pk if published else None,
            "received_at": data.get("received_at", ""),
            "anonymous": bool(data.get("anonymous")),
            "name": data.get("name", ""),
            "phone": data.get("phone", ""),
            "contact": data.get("contact", ""),
            "text": data.get("text", ""),
            "violations": list(data.get("violations") or []),
        }


class ReplyForm(CarrierFormMixin, forms.Form):
    """The reply given to the complainant: what the status page shows with receipt and code."""

    replied_on = _date_field(_("答复日期"))
    channel = forms.ChoiceField(
        label=_("答复方式"), choices=[("", "—"), *Complaint.ReplyChannel.choices]
    )
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("replied_on", timezone.localdate().isoformat())

    def payload(self) -> dict:
        data = self.cleaned_data
        return {k: data.get(k, "") for k in ("replied_on", "channel", "text")}


class WaiveForm(CarrierFormMixin, forms.Form):
    """Why no reply is owed (anonymous without contact, withdrawn …)."""

    reason = forms.CharField(label=_("不予答复的理由"), widget=forms.Textarea(attrs={"rows": 2}))
