"""The names of audit events, as constants (Zulip's ``AuditLogEventType``).

Every write service records one of these; readers (the case timeline, the admin) label them from
the same constants, so a renamed action cannot leave an event without its label.
"""


class Action:
    """Audit action names: ``<object>.<what happened>``."""

    MEMBERSHIP_ADDED = "membership.added"
    MEMBERSHIP_REMOVED = "membership.removed"
    AGENCY_SAVED = "agency.saved"
    PROFILE_UPDATED = "user.profile_updated"

    CAMPAIGN_SAVED = "campaign.saved"
    CAMPAIGN_PHASES_SAVED = "campaign.phases_saved"

    PERSON_UPDATED = "person.updated"
    PERSON_NAME_DIFFERS = "person.name_differs"
    ID_LOOKUP = "search.id_number"
    UNIT_UPDATED = "unit.updated"
    CERTIFICATE_UPDATED = "certificate.updated"

    CASE_CREATED = "case.created"
    CASE_UPDATED = "case.updated"
    CASE_INVESTIGATION_STARTED = "case.investigation_started"
    CASE_DECIDED = "case.decided"
    CASE_CLOSED = "case.closed"
    CASE_REOPENED = "case.reopened"
    CASE_TRANSFER_REQUESTED = "case.transfer_requested"
    CASE_TRANSFER_ACCEPTED = "case.transfer_accepted"
    CASE_TRANSFER_REJECTED = "case.transfer_rejected"
    CASE_TRANSFER_CANCELLED = "case.transfer_cancelled"
    CASE_JOINED = "case.joined"
    CASE_EVIDENCE_ADDED = "case.evidence_added"

    DECLARATION_CREATED = "declaration.created"
    DECLARATION_ATTACHED = "declaration.attached"

    LEAD_CREATED = "lead.created"
    LEAD_ASSIGNED = "lead.assigned"
    LEAD_ACCEPTED = "lead.accepted"
    LEAD_REJECTED = "lead.rejected"
    LEAD_ESCALATED = "lead.escalated"
    LEAD_CLOSED = "lead.closed"
    LEAD_ATTACHED = "lead.attached"

    SUSPECTS_IMPORTED = "screening.suspects_imported"
    ROSTERS_COMPARED = "screening.rosters_compared"
    INSURANCE_LOOKUP = "screening.insurance_lookup"
    COMPLAINT_REGISTERED = "complaint.registered"
    COMPLAINT_REPLIED = "complaint.replied"
    COMPLAINT_REPLY_WAIVED = "complaint.reply_waived"

    REPORT_CREATED = "report.created"
    REPORT_PREPARED = "report.prepared"
    REPORT_WITHDRAWN = "report.withdrawn"
    REPORT_SUBMITTED = "report.submitted"
    REPORT_APPROVED = "report.approved"
    REPORT_RETURNED = "report.returned"
    CONSOLIDATION_CREATED = "consolidation.created"
    CONSOLIDATION_RECOMPILED = "consolidation.recompiled"
    CONSOLIDATION_REPORTED = "consolidation.reported"
    DEADLINE_CHANGED = "deadline.changed"
    SUMMARY_SAVED = "summary.saved"
    SUMMARY_FILE_ADDED = "summary.file_added"

    JOB_STARTED = "job.started"
    JOB_RESTARTED = "job.restarted"
    JOB_SUCCEEDED = "job.succeeded"
    JOB_FAILED = "job.failed"
    JOB_CANCELLED = "job.cancelled"
    JOB_INPUT_DISCARDED = "job.input_discarded"
