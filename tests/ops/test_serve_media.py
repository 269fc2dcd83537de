"""`make serve` shows uploaded images: with SERVE_MEDIA the app serves MEDIA_ROOT itself, as
nothing else does there; a real server leaves it off and nginx serves /media/."""

import importlib

import pytest
from django.urls import clear_url_caches


@pytest.fixture
def urls_with(settings):
    def reload(**values):
        for name, value in values.items():
            setattr(settings, name, value)
        import clinic_site.urls

        importlib.reload(clinic_site.urls)
        clear_url_caches()

    yield reload
    settings.SERVE_MEDIA = False
    reload()


def test_uploads_are_served_by_the_app_when_serve_media_is_on(
    client, settings, tmp_path, urls_with
):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "x.txt").write_text("an upload")
    urls_with(SERVE_MEDIA=True, MEDIA_ROOT=tmp_path, DEBUG=False)
    response = client.get("/media/images/x.txt")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"an upload"


def test_uploads_are_left_to_the_web_server_by_default(db, client, settings, tmp_path, urls_with):
    (tmp_path / "x.txt").write_text("an upload")
    urls_with(SERVE_MEDIA=False, MEDIA_ROOT=tmp_path, DEBUG=False)
    assert client.get("/media/x.txt").status_code == 404


def test_serve_local_turns_it_on():
    from django.conf import settings

    script = (settings.BASE_DIR / "deploy" / "serve-local").read_text()
    assert "export DJANGO_SERVE_MEDIA=true" in script
