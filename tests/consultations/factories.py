import datetime
import time
import uuid

import factory

from consultations.forms import submission_token_issue
from consultations.models import ConsultationRequest, EmailKind
from outbox.models import OutboundEmail

# Distinctive values, so a test can search raw rows, logs and mails for each of them.
VALID_ANSWERS = {
    "full_name": "Zoë Quintanilla-O'Brien",
    "preferred_name": "Zozo",
    "date_of_birth": "1979-04-23",
    "email": "Zoe.Quintanilla@Example.org",
    "phone": "(512) 555-0187",
    "preferred_contact_method": "email",
    "best_time_to_reach": "morning",
    "voicemail_ok": "no",
    "diagnosis": "yes",
    "diagnosis_when": "around 2017 in Lubbock",
    "pain_level": "7",
    "fatigue_level": "8",
    "daily_impact": "severe",
    "daily_impact_details": "Cannot lift my granddaughter Marisol",
    "symptoms": ["widespread_pain", "fibro_fog"],
    "treatments_tried": ["nsaids", "anticonvulsants"],
    "treatments_other": "acupuncture with Dr Vasquez",
    "treatment_response": "Pregabalin made me dizzy at 150mg",
    "current_medications": "Duloxetine 60mg nightly",
    "heart_condition": "no",
    "high_blood_pressure": "controlled",
    "substance_use_concern": "no",
    "psychiatric_history": "no",
    "psychiatric_details": "brief counselling after divorce",
    "heard_from": "clinician",
    "anything_else": "Mornings are worst for me, quokka",
    "consent_privacy": "on",
    "acknowledge_not_emergency": "on",
    "website": "",
}

# The values that must never appear in plaintext anywhere but the patient's own screen.
PHI_PROBES = [
    "Quintanilla",
    "Zozo",
    "1979-04-23",
    "zoe.quintanilla@example.org",
    "Zoe.Quintanilla@Example.org",
    "555-0187",
    "5125550187",
    "Lubbock",
    "Marisol",
    "Vasquez",
    "Pregabalin made me dizzy",
    "Duloxetine 60mg",
    "counselling after divorce",
    "quokka",
]


#: The browser binding of the suite's test client (tests/conftest.py gives it the cookie).
TEST_BROWSER = "b" * 32


def browser_client(**kwargs):
    """A test client holding the browser cookie that `token()`'s tokens are bound to."""
    from django.core import signing
    from django.test import Client

    from consultations.forms import BROWSER_COOKIE, BROWSER_COOKIE_SALT

    client = Client(**kwargs)
    signer = signing.get_cookie_signer(salt=BROWSER_COOKIE + BROWSER_COOKIE_SALT)
    client.cookies[BROWSER_COOKIE] = signer.sign(TEST_BROWSER)
    return client


def token(*, seconds_ago=60, notice_version="sha256:test", browser=TEST_BROWSER):
    return submission_token_issue(
        notice_version=notice_version, browser=browser, issued_at=time.time() - seconds_ago
    )


def form_data(**overrides):
    data = dict(VALID_ANSWERS, submission_token=token())
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def cleaned_answers(**overrides):
    answers = {
        key: VALID_ANSWERS[key]
        for key in VALID_ANSWERS
        if key not in {"consent_privacy", "acknowledge_not_emergency", "website"}
    }
    answers.update(
        date_of_birth=datetime.date(1979, 4, 23),
        phone="+15125550187",
        pain_level=7,
        fatigue_level=8,
    )
    answers.update(overrides)
    return answers


class ConsultationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationRequest

    idempotency_key = factory.LazyFunction(uuid.uuid4)
    consent_notice_version = "sha256:test"
    consented_at = factory.Faker("date_time", tzinfo=datetime.UTC)
    full_name = factory.Faker("name")
    email = factory.Faker("email")
    phone = "+15125550123"
    date_of_birth = datetime.date(1980, 1, 1)
    preferred_contact_method = ConsultationRequest.ContactMethod.PHONE
    pain_level = 6


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboundEmail

    kind = EmailKind.STAFF_ALERT
    recipients = ["intake@clinic.test"]
    subject = "New consultation request TKW-0000-0000"
    body = "Review it here"


def create_request(key=None, **overrides):
    """A request made the way the form makes it, through the service."""
    from consultations.services import consultation_request_create

    request, _created = consultation_request_create(
        answers=cleaned_answers(**overrides),
        idempotency_key=key or uuid.uuid4(),
        consent_notice_version="sha256:0123456789abcdef",
    )
    return request
