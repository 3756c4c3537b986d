"""The lead list's filters for the API (``prefix`` lets the complaint list reuse them)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from leads.models import Lead
from leads.selectors import lead_search


class LeadFilterSet(django_filters.FilterSet):
    """Filter leads by source, state, outcome, holding agency and text."""

    source = django_filters.ChoiceFilter(label=_("线索来源"), choices=Lead.Source.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=Lead.State.choices)
    outcome = django_filters.ChoiceFilter(label=_("办理结果"), choices=Lead.Outcome.choices)
    agency = django_filters.NumberFilter(label=_("承办机构 ID"), field_name="agency_id")
    rule = django_filters.CharFilter(
        label=_("比对规则"),
        help_text=_(
            "数据比对线索的规则：unpaid_by_registered_unit、registered_twice、paid_by_hr_agency"
        ),
    )
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_text",
        help_text=_("线索编号、受理编号、姓名、单位名称、统一社会信用代码、证书编号"),
    )

    class Meta:
        model = Lead
        fields = ["source", "state", "outcome", "agency", "rule"]

    def filter_text(self, queryset, name, value):
        return lead_search(queryset, user=self.request.user, q=value)
