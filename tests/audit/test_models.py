import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.db_guard import APPEND_ONLY_TRIGGERS
from audit.models import AuditEntry, AuditLogImmutable
from audit.services import audit_record, client_address_hash


@pytest.fixture
def entry(coordinator):
    return audit_record(
        actor=coordinator, action=AuditEntry.Action.VIEWED, reference="TKW-AAAA-BBBB"
    )


def test_an_entry_cannot_be_changed_or_deleted_through_the_model(entry):
    entry.detail = "rewritten"
    with pytest.raises(AuditLogImmutable):
        entry.save()
    with pytest.raises(AuditLogImmutable):
        entry.delete()
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="rewritten")
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


def test_the_client_address_is_kept_only_as_a_keyed_hash(rf, coordinator):
    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    entry = audit_record(actor=coordinator, action=AuditEntry.Action.VIEWED, http_request=request)
    assert "203.0.113.9" not in entry.client_address_hash
    assert entry.client_address_hash == client_address_hash("203.0.113.9")
    assert client_address_hash("203.0.113.9") != client_address_hash("203.0.113.10")
    assert len(entry.client_address_hash) == 64


ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's triggers: run with DATABASE_URL"
)
ON_SQLITE = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
RAW_CHANGES = pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET detail = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)


def _refused(sql, params=()):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)


@ON_POSTGRESQL
@RAW_CHANGES
def test_postgresql_refuses_update_and_delete_even_in_raw_sql(entry, sql):
    _refused(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


def _committed_entry():
    # No staff account in a role: the flush after a committed test empties the roles too.
    return audit_record(actor=None, action=AuditEntry.Action.VIEWED, reference="TKW-AAAA-CCCC")


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)  # committed, as TRUNCATE needs
def test_postgresql_refuses_truncate_of_the_audit_trail():
    entry = _committed_entry()
    _refused("TRUNCATE audit_auditentry")
    _refused("TRUNCATE audit_auditentry CASCADE")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@ON_SQLITE
@RAW_CHANGES
def test_sqlite_refuses_update_and_delete_even_in_raw_sql(entry, sql):
    _refused(sql, [entry.pk])
    _refused("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


def test_the_databases_guard_is_in_place_after_migrating(db):
    """A migration that rebuilds the audit table must re-create the guard (audit/db_guard.py)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditentry'::regclass "
                "AND NOT tgisinternal AND tgenabled <> 'D'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_auditentry'"
            )
        triggers = {name for (name,) in cursor.fetchall()}
    assert triggers == set(APPEND_ONLY_TRIGGERS[connection.vendor])


@pytest.mark.django_db(transaction=True)
def test_a_test_with_committed_audit_entries_is_flushed_after_it():
    """Django's flush after this test must find the guarded table empty (tests/conftest.py):
    otherwise it fails at teardown, as it would after every such test."""
    _committed_entry()
    assert AuditEntry.objects.count() == 1


def test_the_audit_trail_is_shown_to_superusers_only(
    client, otp_login, admin_user, coordinator, entry
):
    url = reverse("admin:audit_auditentry_changelist")
    otp_login(client, coordinator)
    assert client.get(url).status_code == 403
    otp_login(client, admin_user)
    response = client.get(url)
    assert response.status_code == 200
    assert "TKW-AAAA-BBBB" in response.text
    change = client.get(f"{url}{entry.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.text  # read-only: no save button
    assert client.post(f"{url}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
