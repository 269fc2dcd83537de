"""The database's own guard of the audit trail: triggers that refuse to change or remove entries.

The Python guards (AuditEntry.save/delete, the queryset) stop the app; these stop raw SQL, a
shell, or a bug that bypasses the ORM, on both databases:

- PostgreSQL: a row trigger refuses UPDATE and DELETE (first created by migration 0002), and a
  statement trigger refuses TRUNCATE while the table holds entries (a TRUNCATE of an empty table
  loses nothing: it is how Django's test runner's flush ends, see tests/conftest.py).
- SQLite: two row triggers refuse UPDATE and DELETE. SQLite has no TRUNCATE.

Migrations call these functions, so a migration that rebuilds the table (on SQLite, altering a
column copies the table and drops the old one with its triggers) re-creates the guard with
`append_only_guard_create(schema_editor)`; `tests/audit/test_models.py` fails if it is missing.
Each function is idempotent.
"""

#: The triggers the guard consists of, per database vendor.
APPEND_ONLY_TRIGGERS = {
    "postgresql": ("audit_auditentry_append_only", "audit_auditentry_no_truncate"),
    "sqlite": ("audit_auditentry_no_update", "audit_auditentry_no_delete"),
}

_POSTGRESQL_CREATE = """
CREATE OR REPLACE FUNCTION audit_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit entries are append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audit_auditentry_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_auditentry) THEN
        RAISE EXCEPTION USING
            MESSAGE = 'audit entries are append-only: TRUNCATE refused',
            ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_refuse_change();

DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
CREATE TRIGGER audit_auditentry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditentry_refuse_truncate();
"""

_POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_refuse_change();
DROP FUNCTION IF EXISTS audit_auditentry_refuse_truncate();
"""

# SQLite runs one statement per execute.
_SQLITE_CREATE = (
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    """CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END""",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
    """CREATE TRIGGER audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused'); END""",
)

_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
)


def append_only_guard_create(schema_editor):
    """Create (or re-create) the audit table's triggers on the database being migrated."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_POSTGRESQL_CREATE)
    elif vendor == "sqlite":
        for statement in _SQLITE_CREATE:
            schema_editor.execute(statement)


def append_only_guard_drop(schema_editor):
    """Remove the audit table's triggers (a migration's reverse; the test suite's flush)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_POSTGRESQL_DROP)
    elif vendor == "sqlite":
        for statement in _SQLITE_DROP:
            schema_editor.execute(statement)
