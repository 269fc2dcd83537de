"""Nothing a patient types reaches logs, error e-mails or error pages."""

import logging

import pytest
from django.core import mail

from consultations import services

from .factories import PHI_PROBES, browser_client, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit_explodes(monkeypatch):
    """A failure deep in submit whose message quotes the patient, like a database error can."""

    def explode(consultation_request):
        raise RuntimeError(
            f"could not queue mail for {consultation_request.email} "
            f"({consultation_request.full_name}, {consultation_request.current_medications})"
        )

    monkeypatch.setattr(services, "_queue_new_request_emails", explode)


def _everything_logged(records):
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    texts = []
    for record in records:
        texts.append(formatter.format(record))
        texts.append(repr({k: v for k, v in vars(record).items() if k != "request"}))
    return "\n".join(texts)


def test_an_error_during_submit_leaves_no_submitted_value_in_logs_or_error_mail(
    submit_explodes, caplog, settings
):
    settings.ADMINS = [("Operations", "ops@clinic.test")]
    client = browser_client(raise_request_exception=False)
    with caplog.at_level(logging.DEBUG):
        response = client.post("/consultation/", form_data())
    assert response.status_code == 500

    logged = _everything_logged(caplog.records)
    assert "RuntimeError" in logged  # the error is still there to be found…
    assert "message removed" in logged
    error_mails = [m for m in mail.outbox if "ops@clinic.test" in m.to]
    assert len(error_mails) == 1
    error_mail = error_mails[0].message().as_string()
    assert "RuntimeError" in error_mail
    for probe in PHI_PROBES:  # …without anything the patient typed
        assert probe.lower() not in logged.lower(), probe
        assert probe.lower() not in error_mail.lower(), probe
        assert probe.lower() not in response.content.decode().lower(), probe


def test_phi_keys_are_removed_from_log_records(caplog):
    logger = logging.getLogger("consultations.services")
    with caplog.at_level(logging.INFO):
        logger.info(
            "request %(reference)s from %(email)s", {"reference": "TKW-1", "email": "a@b.org"}
        )
        logger.info("sent", extra={"phone": "+15125550187"})
    assert caplog.records[0].getMessage() == "request TKW-1 from [removed: may contain PHI]"
    assert caplog.records[1].phone == "[removed: may contain PHI]"


def test_views_and_services_hide_their_variables_from_error_reports():
    from consultations import views

    for function in (
        views.consultation_request_create_view,
        services.consultation_request_create,
        services.outbound_email_queue,
        services.screening_flags_derive,
    ):
        wrapped = function
        found = False
        while wrapped is not None:
            if wrapped.__code__.co_name == "sensitive_variables_wrapper":
                found = True
            wrapped = getattr(wrapped, "__wrapped__", None)
        assert found, function
