"""Which supervising bureaus read a case: kept on the case by the database.

成都铁路监督管理局 and 民航西南管理局 read the cases whose parties hold a certificate of their
specialty (``CertificateType.department``). Asking that through parties, certificates and types
for every case cost a bureau's home page 400 ms and its case list 300 ms at a million cases. The
case therefore carries ``supervising_departments`` (ids of those departments, sorted), which
statement triggers on the parties and on certificates recompute for the cases a statement
touched, whoever writes. ``restrict()`` reads the column, and the case counters
(``agencies.counts``) count each case once more under each of its supervising departments.
"""

from django.db import connection

SUPERVISED = """
SELECT ids.case_id, coalesce(
    array_agg(DISTINCT t.department_id ORDER BY t.department_id)
        FILTER (WHERE t.department_id IS NOT NULL), '{{}}') AS departments
FROM ({ids}) ids
LEFT JOIN cases_caseparty p ON p.case_id = ids.case_id
LEFT JOIN cases_certificate ce ON ce.id = p.certificate_id
LEFT JOIN cases_certificatetype t ON t.id = ce.certificate_type_id
    AND t.department_id IN (SELECT id FROM agencies_department WHERE kind = 'supervising')
GROUP BY ids.case_id
"""

UPDATE = """UPDATE cases_case c SET supervising_departments = s.departments
FROM ({supervised}) s
WHERE c.id = s.case_id AND c.supervising_departments IS DISTINCT FROM s.departments"""


def _update(ids: str) -> str:
    return UPDATE.format(supervised=SUPERVISED.format(ids=ids))


PARTY_IDS = "SELECT case_id FROM {rows}"
CERTIFICATE_IDS = (
    "SELECT DISTINCT p.case_id FROM cases_caseparty p JOIN new_rows w ON w.id = p.certificate_id"
    " JOIN old_rows o ON o.id = w.id WHERE o.certificate_type_id <> w.certificate_type_id"
)

CREATE = f"""
CREATE FUNCTION cases_supervision_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'cases_certificate' THEN {_update(CERTIFICATE_IDS)};
  ELSIF TG_OP = 'INSERT' THEN {_update(PARTY_IDS.format(rows="new_rows"))};
  ELSIF TG_OP = 'DELETE' THEN {_update(PARTY_IDS.format(rows="old_rows"))};
  ELSE {_update(PARTY_IDS.format(rows="old_rows UNION SELECT case_id FROM new_rows"))};
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER cases_supervision_ins AFTER INSERT ON cases_caseparty
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cases_supervision_sync();
CREATE TRIGGER cases_supervision_del AFTER DELETE ON cases_caseparty
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cases_supervision_sync();
CREATE TRIGGER cases_supervision_upd AFTER UPDATE ON cases_caseparty
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cases_supervision_sync();
CREATE TRIGGER cases_supervision_cert AFTER UPDATE ON cases_certificate
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cases_supervision_sync();
"""
DROP = "DROP FUNCTION cases_supervision_sync() CASCADE;"

# Every case at once (the migration, and bench/fill_cases.py after loading with the trigger off).
REBUILD = _update("SELECT DISTINCT case_id FROM cases_caseparty")


def supervision_rebuild() -> None:
    """Recompute every case's supervising departments (after a bulk load without triggers)."""
    with connection.cursor() as cursor:
        cursor.execute(REBUILD)
