import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

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


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL only (audit/migrations/0002)",
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET detail = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete_even_in_raw_sql(entry, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


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
