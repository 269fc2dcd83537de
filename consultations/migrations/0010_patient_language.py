"""The patient's language on each request and consent, and Spanish words for message templates."""

from django.db import migrations, models

LANGUAGES = [("en", "English"), ("es", "Español")]

#: The starting templates of 0009 in Spanish, by their (English) name. Staff may have changed
#: or removed them since: only an existing template with no Spanish words yet is filled in.
SPANISH_BODIES = {
    "We tried to call you": (
        "Intentamos llamarle por su solicitud de consulta, pero no pudimos comunicarnos con "
        "usted.\n\n"
        "Por favor, llámenos al {clinic_phone} cuando le sea conveniente y mencione su número de "
        "referencia {reference}. Nosotros también volveremos a intentarlo."
    ),
    "Please pick a time": (
        "Puede elegir un horario para su consulta aquí: {booking_link}\n\n"
        "Este enlace es solo para usted. Si ninguno de los horarios le queda bien, elija "
        "“Por favor, llámenme para acordar un horario” en esa página y le llamaremos para "
        "acordarlo."
    ),
    "Your request is closed": (
        "Su solicitud de consulta {reference} ya está cerrada, y no volveremos a comunicarnos "
        "con usted sobre ella.\n\n"
        "Si más adelante desea una consulta, con gusto puede enviarnos una nueva solicitud desde "
        "nuestro sitio web o llamarnos al {clinic_phone}."
    ),
}


def seed_spanish(apps, schema_editor):
    PatientMessageTemplate = apps.get_model("consultations", "PatientMessageTemplate")
    for name, body_es in SPANISH_BODIES.items():
        PatientMessageTemplate.objects.filter(name=name, body_es="").update(body_es=body_es)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0009_patient_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="consultationrequest",
            name="language",
            field=models.CharField(
                choices=LANGUAGES,
                db_index=True,
                default="en",
                editable=False,
                help_text="The language the patient used on the form. Every e-mail to them is "
                "written in it; their answers are stored the same way whatever the language.",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="consultationrequest",
            name="consent_language",
            field=models.CharField(
                choices=LANGUAGES,
                default="en",
                editable=False,
                help_text="The language of the privacy notice the patient agreed to (its version "
                "above is that notice's).",
                max_length=8,
                verbose_name="privacy notice language",
            ),
        ),
        migrations.AddField(
            model_name="patientmessagetemplate",
            name="body_es",
            field=models.TextField(
                blank=True,
                help_text="The same message in Spanish, sent to patients who used the Spanish "
                "form. Say nothing about any patient's health. Same placeholders as the body, "
                "e.g. {reference}. Leave empty for the free-text template.",
                verbose_name="body in Spanish",
            ),
        ),
        migrations.RunPython(seed_spanish, migrations.RunPython.noop),
    ]
