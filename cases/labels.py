"""Chinese labels of the case register for people: field paths, audit actions, choice values.

Services put field *paths* in their errors (``persons[0].id_number``); pages, the API's error
messages and the Excel import turn them into words here, so no service holds UI labels.
"""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from audit.actions import Action
from cases.models import Case, CaseLink, Decision, ExemptionProof, Measure, Outcome

FIELD_LABELS = {
    "persons": _("涉案人员"),
    "name": _("姓名"),
    "id_type": _("证件类型"),
    "id_number": _("证件号码"),
    "is_public_employee": _("是否国家机关/事业单位工作人员"),
    "certificate": _("证书"),
    "category": _("执业资格类别"),
    "level": _("级别"),
    "specialty": _("专业"),
    "number": _("证书编号"),
    "registered_unit": _("注册单位"),
    "actual_unit": _("实际工作单位"),
    "uscc": _("统一社会信用代码"),
    "certificate_user_unit": _("买卖租借证书单位"),
    "hr_agency": _("人力资源服务机构"),
    "source": _("案件来源"),
    "violations": _("违法违规行为"),
    "opened_on": _("立案日期"),
    "summary": _("基本案情"),
    "agency": _("承办机构"),
    "decided_on": _("处理决定日期"),
    "outcome": _("处理结论"),
    "measures": _("处理措施"),
    "exemption": _("不构成挂证的情形"),
    "exemption_evidence": _("证明材料"),
    "self_corrected": _("自查自纠"),
    "self_correction_text": _("自查自纠情况"),
    "self_corrected_on": _("整改日期"),
    "self_correction_basis": _("自查自纠依据"),
    "document_number": _("处理决定文号"),
    "penalty_text": _("处理情况说明"),
    "fine_amount": _("罚款金额"),
    "rectify_deadline": _("整改期限"),
    "revoked_on": _("撤销日期"),
    "reason": _("理由"),
    "to_agency": _("移交至"),
    "other": _("关联案件"),
    "file": _("文件"),
    "description": _("说明"),
    "status": _("状态"),
    "kind": _("种类"),
    "outcomes": _("处理结论"),
    "result": _("处理结论"),
    "proofs": _("证明材料"),
    "deciding_agency": _("处理机关"),
    "referred_to_issuer": _("移送发证机关"),
    "issuer": _("发证机关"),
    "note": _("说明"),
    # Leads and complaints (their services report through the same labels).
    "text": _("内容"),
    "units": _("涉及单位"),
    "received_on": _("收到日期"),
    "campaign": _("专项整治"),
    "role": _("涉及方式"),
    "insurance_unit": _("社保缴纳单位"),
    "proof_kind": _("证明材料种类"),
    "referred_to": _("移送机关"),
    "duplicate_of": _("重复线索"),
    "case": _("案件"),
    "channel": _("方式"),
    "published_channel": _("投诉举报渠道"),
    "received_at": _("受理时间"),
    "anonymous": _("匿名"),
    "phone": _("联系电话"),
    "contact": _("其他联系方式"),
    "department": _("受理部门"),
    "region": _("所在地区"),
    "files": _("附件"),
    "replied_on": _("答复日期"),
    "reply": _("答复"),
}


def field_label(path: str) -> str:
    """Return a Chinese label for a field path: persons[0].id_number → 第1名涉案人员·证件号码."""
    parts = []
    for segment in path.split("."):
        name, _sep, index = segment.partition("[")
        label = str(FIELD_LABELS.get(name, name))
        if index:
            unit = "名" if name == "persons" else "项"
            label = f"第{int(index.rstrip(']')) + 1}{unit}{label}"
        parts.append(label)
    return "·".join(parts)


def first_error_message(fields: dict) -> str:
    """Return ``标签：消息`` for the first error, noting how many more there are."""
    path, messages = next(iter(fields.items()))
    message = f"{field_label(path)}：{messages[0]}"
    if len(fields) > 1:
        message += str(_("（另有%(n)d处需要修改）")) % {"n": len(fields) - 1}
    return message


# How a duplicate's subject is named in the notice on a case page.
DUPLICATE_SUBJECTS = {
    CaseLink.Kind.SAME_PERSON: _("人员"),
    CaseLink.Kind.SAME_CERTIFICATE: _("证书编号"),
    CaseLink.Kind.SAME_UNIT: _("单位"),
}

# The case timeline's words for the audit actions it shows; unknown actions are shown as recorded.
EVENT_LABELS = {
    Action.CASE_CREATED: _("登记案件"),
    Action.CASE_UPDATED: _("修改案件"),
    Action.CASE_INVESTIGATION_STARTED: _("开始调查"),
    Action.CASE_DECIDED: _("作出处理决定"),
    Action.CASE_CLOSED: _("结案"),
    Action.CASE_REOPENED: _("重新办理"),
    Action.CASE_TRANSFER_REQUESTED: _("提出移交"),
    Action.CASE_TRANSFER_ACCEPTED: _("接收移交"),
    Action.CASE_TRANSFER_REJECTED: _("退回移交"),
    Action.CASE_TRANSFER_CANCELLED: _("撤回移交"),
    Action.CASE_JOINED: _("关联案件"),
    Action.CASE_EVIDENCE_ADDED: _("上传证据材料"),
}

# Choice codes an audit event may hold, by field, for showing them as words.
CHOICE_LABELS = {
    "status": dict(Case.Status.choices),
    "source": dict(Case.Source.choices),
    "violations": dict(Case.Violation.choices),
    "outcome": dict(Outcome.Result.choices),
    "result": dict(Outcome.Result.choices),
    "exemption": dict(Outcome.Exemption.choices),
    "measures": dict(Measure.Kind.choices),
    "kinds": dict(Measure.Kind.choices),
    "role": dict(Outcome.Role.choices),
    "proof": dict(ExemptionProof.Kind.choices),
}


def allowed(choices) -> str:
    """Return a choice list's labels for a message: 自查自纠、比对排查、…"""
    return "、".join(str(label) for _value, label in choices)


def recorded_field_label(name: str) -> str:
    """Return the Chinese name of a case or decision field as an audit event records it."""
    for model in (Decision, Outcome, Case):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return str(FIELD_LABELS.get(name, name))
