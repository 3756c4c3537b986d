"""Storing evidence files: the row, the file under its content hash, the audit event.

Callers check who may attach and hold the case's lock; ``stored`` collects the names written, so
that the caller can delete them again when its transaction fails (``files_discard``).
"""

import logging

from audit.actions import Action
from audit.services import audit_record
from cases.models import Case, Evidence
from cases.validation import clean_evidence

logger = logging.getLogger(__name__)


def file_store(model, *, uploaded_file, description: str, actor, stored: list[str], **owner):
    """Check an upload and write it with its row of ``model`` (a ``StoredFile``) for ``owner``.

    Every register's files go through here: checked by content (``clean_evidence``), stored
    under their hash, the path appended to ``stored`` so the caller can discard it if its
    transaction fails (``files_discard``). The caller audits.
    """
    checked = clean_evidence(uploaded_file, description)
    row = model(
        original_name=checked.name,
        content_type=checked.mime,
        size=uploaded_file.size,
        sha256=checked.sha256,
        description=checked.description,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **owner,
    )
    row.file.save(row.sha256, uploaded_file, save=False)
    stored.append(row.file.name)
    row.save()
    return row


def evidence_store(
    *, case: Case, uploaded_file, description: str, actor, stored: list[str]
) -> Evidence:
    """Check an upload, write it and its row, and audit it on the case."""
    evidence = file_store(
        Evidence,
        uploaded_file=uploaded_file,
        description=description,
        actor=actor,
        stored=stored,
        case=case,
    )
    audit_record(
        actor=actor,
        action=Action.CASE_EVIDENCE_ADDED,
        target=case,
        agency=case.agency,
        data={
            "evidence": evidence.pk,
            "name": evidence.original_name,
            "sha256": evidence.sha256,
            "size": evidence.size,
        },
    )
    return evidence


def files_discard(names: list[str], model=Evidence) -> None:
    """Delete stored files no row of ``model`` refers to (after a failed transaction).

    Paths are content-addressed (<folder>/<sha256>), so two rows with equal content share one
    file; a file another row of the same register still refers to is kept. ``model`` is the
    register's file model (Evidence, a declaration's, a lead's or a summary's attachments).
    """
    storage = model._meta.get_field("file").storage
    for name in names:
        try:
            if not model.objects.filter(file=name).exists():
                storage.delete(name)
        except Exception:  # cleanup must not hide the error that caused it
            logger.exception("could not remove the file %s of a failed upload", name)
