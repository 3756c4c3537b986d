"""Chinese names of the public complaint's fields, for error messages (API and form alike)."""

import re

from django.utils.translation import gettext as _

ROW = re.compile(r"^(persons|units)\[(\d+)\](?:\.(\w+))?")


def public_field_label(path: str) -> str:
    """Return the Chinese name of a field path of the public complaint (``persons[0].name`` …)."""
    names = {
        "department": _("受理部门"),
        "region": _("所在地区"),
        "text": _("投诉内容"),
        "anonymous": _("匿名"),
        "name": _("姓名"),
        "phone": _("联系电话"),
        "contact": _("其他联系方式"),
        "files": _("附件"),
        "persons": _("被投诉人员"),
        "units": _("被投诉单位"),
        "challenge": _("验证问题"),
    }
    match = ROW.match(path)
    if match:
        kind, index, field = match.groups()
        row = _("第%(n)d名被投诉人员") if kind == "persons" else _("第%(n)d个被投诉单位")
        part = {
            "name": _("名称") if kind == "units" else _("姓名"),
            "id_number": _("身份证号码"),
            "uscc": _("统一社会信用代码"),
        }.get(field or "", "")
        return str(row % {"n": int(index) + 1}) + str(part)
    return str(names.get(path, path))


def public_message(fields: dict) -> str:
    """Return ``名称：消息`` for the first of a refusal's field errors, in the public's words."""
    path, messages = next(iter(fields.items()))
    first = messages[0] if isinstance(messages, list | tuple) and messages else messages
    message = f"{public_field_label(path)}：{first}"
    if len(fields) > 1:
        message += _("（另有%(n)d处需要修改）") % {"n": len(fields) - 1}
    return message
