"""The audit table's guard on both databases (audit/db_guard.py): SQLite gets triggers that
refuse UPDATE and DELETE, PostgreSQL keeps 0002's and gains one that refuses TRUNCATE of a
table holding entries.

Going back leaves PostgreSQL as 0002 left it (its row trigger only) and SQLite without triggers.
"""

from django.db import migrations

from audit.db_guard import append_only_guard_create, append_only_guard_drop

_POSTGRESQL_TRUNCATE_DROP = """
DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_refuse_truncate();
"""


def create_guard(apps, schema_editor):
    append_only_guard_create(schema_editor)


def back_to_0002(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_POSTGRESQL_TRUNCATE_DROP)
    else:
        append_only_guard_drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_messaged_action")]
    operations = [migrations.RunPython(create_guard, back_to_0002)]
