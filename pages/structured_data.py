"""JSON-LD for search engines: MedicalWebPage, BreadcrumbList, FAQPage and MedicalClinic.

One MedicalClinic per page, with an `@id` (the home page's address + "#clinic") that the page's
`publisher` refers to, so search engines see one organisation, not two.
"""

import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe


def _script_safe(encoded_json):
    """Editor text goes inside a <script> element: these escapes keep it from closing it."""
    return encoded_json.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_HOURS_LINE = re.compile(r"^(?P<days>[A-Za-z ,–—-]+?)\s*:\s*(?P<times>.+)$")
_TIME_RANGE = re.compile(
    r"^(?P<opens>\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?)\s*(?:–|—|-|to)\s*"
    r"(?P<closes>\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?)$",
    re.IGNORECASE,
)


def clinic_id(home_url):
    return f"{home_url}#clinic"


def _days(text):
    """["Monday", …] from "Monday–Friday", "Saturday and Sunday", "Monday, Wednesday"."""
    text = text.strip()
    span = re.split(r"\s*(?:–|—|-|\bto\b)\s*", text)
    if len(span) == 2 and all(day.title() in WEEKDAYS for day in span):
        first, last = (WEEKDAYS.index(day.title()) for day in span)
        return list(WEEKDAYS[first : last + 1]) if first <= last else []
    days = [day.strip().title() for day in re.split(r",|\band\b", text) if day.strip()]
    return days if days and all(day in WEEKDAYS for day in days) else []


def _clock(text):
    """ "8:00 am" → "08:00", "5 pm" → "17:00"."""
    match = re.match(r"(\d{1,2})(?::(\d{2}))?\s*([ap])", text.strip(), re.IGNORECASE)
    hour, minute, half = int(match[1]) % 12, int(match[2] or 0), match[3].lower()
    return f"{hour + (12 if half == 'p' else 0):02d}:{minute:02d}"


def opening_hours_specification(hours_lines):
    """schema.org OpeningHoursSpecification from the editors' lines, e.g. "Monday–Friday:
    8:00 am – 5:00 pm". Closed days are left out (schema.org's way of saying closed); a line
    that cannot be read is left out rather than guessed."""
    specifications = []
    for line in hours_lines:
        line_match = _HOURS_LINE.match(line.strip())
        if not line_match:
            continue
        days = _days(line_match["days"])
        times = _TIME_RANGE.match(line_match["times"].strip())
        if days and times:
            specifications.append(
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": days,
                    "opens": _clock(times["opens"]),
                    "closes": _clock(times["closes"]),
                }
            )
    return specifications


def medical_clinic(*, site_settings, home_url):
    clinic = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "@id": clinic_id(home_url),
        "name": site_settings.clinic_name,
        "url": home_url,
    }
    if site_settings.phone:
        clinic["telephone"] = site_settings.phone
    if site_settings.email:
        clinic["email"] = site_settings.email
    address = {
        "@type": "PostalAddress",
        "streetAddress": site_settings.street_address,
        "addressLocality": site_settings.locality,
        "addressRegion": site_settings.region,
        "postalCode": site_settings.postal_code,
        "addressCountry": "US",
    }
    clinic["address"] = {key: value for key, value in address.items() if value}
    hours = opening_hours_specification(site_settings.hours_lines)
    if hours:
        clinic["openingHoursSpecification"] = hours
    return clinic


def medical_web_page(*, page, canonical_url, home_url, image_url=""):
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.document_title,
        "headline": page.title,
        "url": canonical_url,
        "inLanguage": "en-US",
        "dateModified": page.updated_at,
        "publisher": {"@id": clinic_id(home_url)},
    }
    if page.meta_description:
        data["description"] = page.meta_description
    if page.first_published_at:
        data["datePublished"] = page.first_published_at
    if image_url:
        data["image"] = image_url
    reviewer = page.medical_reviewer
    if reviewer is not None and page.last_reviewed_on:
        data["lastReviewed"] = page.last_reviewed_on.isoformat()
        data["reviewedBy"] = {"@type": "Person", "name": reviewer.name}
        if reviewer.credentials:
            data["reviewedBy"]["honorificSuffix"] = reviewer.credentials
    return data


def breadcrumb_list(*, trail):
    """`trail`: (name, absolute address) from the home page down to this page."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": address}
            for position, (name, address) in enumerate(trail, start=1)
        ],
    }


def faq_page(*, faqs, canonical_url):
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": canonical_url,
        "mainEntity": [
            {
                "@type": "Question",
                "name": block.heading,
                "acceptedAnswer": {"@type": "Answer", "text": block.plain_text},
            }
            for block in faqs
        ],
    }


def structured_data_script(
    *, page, blocks, site_settings, canonical_url, home_url, trail=(), image_url=""
):
    documents = [
        medical_web_page(
            page=page, canonical_url=canonical_url, home_url=home_url, image_url=image_url
        ),
        medical_clinic(site_settings=site_settings, home_url=home_url),
    ]
    if len(trail) > 1:
        documents.append(breadcrumb_list(trail=trail))
    faqs = [block for block in blocks if block.kind == block.Kind.FAQ]
    if faqs:
        documents.append(faq_page(faqs=faqs, canonical_url=canonical_url))
    scripts = "\n".join(
        f'<script type="application/ld+json">{_script_safe(json.dumps(doc, cls=DjangoJSONEncoder))}</script>'
        for doc in documents
    )
    return mark_safe(scripts)  # noqa: S308 - every document is escaped by _script_safe
