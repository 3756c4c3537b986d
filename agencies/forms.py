"""Browser forms of the organisation: they carry input; ``agencies.services`` checks it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CarrierFormMixin


class ProfileForm(CarrierFormMixin, forms.Form):
    """A user's real name and office phone, as printed under 附件1 (填表人, 负责人)."""

    real_name = forms.CharField(
        label=_("姓名"),
        help_text=_("本人真实姓名，打印在附件1的“填表人”“负责人”处。"),
    )
    office_phone = forms.CharField(
        label=_("联系电话"),
        help_text=_("办公电话“区号-号码”（如 028-85559305），或手机号码。"),
    )
