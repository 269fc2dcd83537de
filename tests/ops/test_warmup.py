from unittest import mock

from crispy_forms.utils import render_crispy_form
from django.template import engines

from consultations.forms import ConsultationRequestForm
from ops.warmup import warm_up


def test_warm_up_compiles_every_public_template_without_touching_the_database():
    public_templates = engines["jinja2"].env
    public_templates.cache.clear()  # as in a process that has rendered nothing yet
    # Not marked django_db: pytest-django fails the test if warm_up opens a connection.
    warm_up()
    with mock.patch.object(public_templates.loader, "get_source") as get_source:
        for name in public_templates.list_templates():
            public_templates.get_template(name)
    get_source.assert_not_called()


def test_warm_up_compiles_the_templates_crispy_lays_the_consultation_form_out_with():
    (cached_loader,) = engines["django"].engine.template_loaders
    cached_loader.reset()  # as in a process that has rendered nothing yet
    warm_up()
    with mock.patch.object(cached_loader, "get_contents") as get_contents:
        render_crispy_form(ConsultationRequestForm(privacy_notice_url="/privacy/"))
    get_contents.assert_not_called()
