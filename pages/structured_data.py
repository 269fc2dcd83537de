"""JSON-LD for search engines: MedicalWebPage, FAQPage and MedicalClinic (schema.org)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe


def _script_safe(encoded_json):
    """Editor text goes inside a <script> element: these escapes keep it from closing it."""
    return encoded_json.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def medical_clinic(*, site_settings, home_url):
    clinic = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
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
    if site_settings.hours_lines:
        clinic["openingHours"] = site_settings.hours_lines
    return clinic


def medical_web_page(*, page, canonical_url, site_settings):
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.document_title,
        "headline": page.title,
        "url": canonical_url,
        "inLanguage": "en-US",
        "dateModified": page.updated_at,
        "publisher": {"@type": "MedicalClinic", "name": site_settings.clinic_name},
    }
    if page.meta_description:
        data["description"] = page.meta_description
    if page.first_published_at:
        data["datePublished"] = page.first_published_at
    return data


def faq_page(*, faqs, canonical_url):
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": canonical_url,
        "mainEntity": [
            {
                "@type": "Question",
                "name": block.heading,
                "acceptedAnswer": {"@type": "Answer", "text": block.text},
            }
            for block in faqs
        ],
    }


def structured_data_script(*, page, blocks, site_settings, canonical_url, home_url):
    documents = [
        medical_web_page(page=page, canonical_url=canonical_url, site_settings=site_settings),
        medical_clinic(site_settings=site_settings, home_url=home_url),
    ]
    faqs = [block for block in blocks if block.kind == block.Kind.FAQ]
    if faqs:
        documents.append(faq_page(faqs=faqs, canonical_url=canonical_url))
    scripts = "\n".join(
        f'<script type="application/ld+json">{_script_safe(json.dumps(doc, cls=DjangoJSONEncoder))}</script>'
        for doc in documents
    )
    return mark_safe(scripts)  # noqa: S308 - every document is escaped by _script_safe
