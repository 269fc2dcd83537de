import io

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image as PillowImage
from PIL import ImageFile

from pages.images import process_upload, validate_image_upload
from pages.models import Block, Image, Page
from pages.services import image_save
from tests.admin_forms import PUBLISH, block_prefix, change_url, form_data

from .conftest import FIBROMYALGIA_URL
from .images import MAKE_TAG, image_bytes, stored_image, upload


def open_stored(name):
    with default_storage.open(name) as handle:
        image = PillowImage.open(io.BytesIO(handle.read()))
        image.load()
        return image


def admin_upload(client, **fields):
    data = {"title": "Clinic photo", "alt_text": "The clinic entrance", **fields}
    response = client.post(reverse("admin:pages_image_add"), data)
    return response, BeautifulSoup(response.content, "html.parser")


@pytest.mark.django_db
def test_upload_is_stripped_of_exif_and_gps():
    original = PillowImage.open(io.BytesIO(image_bytes(exif=True)))
    assert original.getexif()[MAKE_TAG] == "SecretCam"

    image = stored_image(exif=True)

    for name in [image.file.name, *(r["fallback"] for r in image.renditions)]:
        cleaned = open_stored(name)
        assert not cleaned.getexif(), name
        assert "exif" not in cleaned.info, name


@pytest.mark.django_db
def test_renditions_are_webp_and_jpeg_at_several_widths_never_wider_than_the_original():
    image = stored_image(size=(1000, 500))
    assert [r["width"] for r in image.renditions] == [480, 800, 1000]
    for rendition in image.renditions:
        webp, fallback = open_stored(rendition["webp"]), open_stored(rendition["fallback"])
        assert webp.format == "WEBP" and fallback.format == "JPEG"
        assert webp.size == fallback.size == (rendition["width"], rendition["height"])
    assert (image.width, image.height) == (1000, 500)


@pytest.mark.django_db
def test_transparent_png_keeps_a_png_fallback():
    image = stored_image(image_format="PNG", mode="RGBA", size=(600, 300), name="logo.png")
    assert {open_stored(r["fallback"]).format for r in image.renditions} == {"PNG"}


@pytest.mark.django_db
def test_renditions_are_made_once_not_on_each_save():
    image = stored_image(size=(900, 600))
    made = list(image.renditions)
    image.alt_text = "A new description"
    image.full_clean()
    image_save(image=image)
    assert Image.objects.get(pk=image.pk).renditions == made


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.4 not an image at all", "not_an_image"),
        (image_bytes(image_format="GIF", mode="P"), "wrong_type"),
        (image_bytes(image_format="BMP"), "wrong_type"),
        (image_bytes()[:300], "damaged"),
    ],
)
def test_upload_validation_reads_the_content_not_the_name(content, code):
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(name="photo.jpg", content=content))
    assert error.value.code == code


def test_oversized_file_is_refused(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(size=(400, 400)))
    assert error.value.code == "too_large"


def test_decompression_bomb_is_refused_before_decoding(settings):
    # 12000 × 12000 one-bit pixels compress to a few kilobytes but would decode to 144 million.
    bomb = image_bytes(size=(12000, 12000), image_format="PNG", mode="1")
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(name="bomb.png", content=bomb))
    assert error.value.code == "too_many_pixels"


# --- A small file that declares a huge picture (issue 21, point 8) --------------------------
# The attack: 6300 × 6300 pixels in a PNG of a few kilobytes, which took 19.8 s and about
# 709 MB of one worker to process under the old 40-megapixel limit.


@pytest.fixture
def huge_dimensions_png():
    content = image_bytes(size=(6300, 6300), image_format="PNG", mode="1")
    assert len(content) < 20_000
    return content


@pytest.fixture
def decoding_forbidden(monkeypatch):
    """Fail the test if any pixel is decoded: the size must be judged from the header alone."""

    def refuse(self, *args, **kwargs):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(PillowImage.Image, "load", refuse)
    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def test_tiny_file_of_huge_dimensions_is_refused_from_its_header(
    huge_dimensions_png, decoding_forbidden
):
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(name="huge.png", content=huge_dimensions_png))
    assert error.value.code == "too_many_pixels"
    message = error.value.messages[0]
    assert "6,300 × 6,300 pixels (39.7 megapixels)" in message
    assert "at most 24 megapixels" in message


def test_processing_refuses_huge_dimensions_even_unvalidated(
    huge_dimensions_png, decoding_forbidden
):
    with pytest.raises(ValidationError) as error:
        process_upload(upload(name="huge.png", content=huge_dimensions_png))
    assert error.value.code == "too_many_pixels"


def test_pixel_limit_is_inclusive(settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    validate_image_upload(upload(size=(100, 100)))
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(size=(101, 100)))
    assert error.value.code == "too_many_pixels"


def test_admin_explains_a_refused_huge_image_beside_the_field(
    admin_client, db, huge_dimensions_png
):
    response, html = admin_upload(
        admin_client, file=upload(name="huge.png", content=huge_dimensions_png)
    )
    assert response.status_code == 200
    error = html.select_one(".field-file .errorlist").get_text()
    assert "39.7 megapixels" in error and "Export a smaller version" in error
    assert not Image.objects.exists()


def test_admin_shows_the_upload_error_beside_the_field(admin_client, db):
    response, html = admin_upload(admin_client, file=upload(content=b"GIF89a nonsense"))
    assert response.status_code == 200
    assert "not an image we can read" in html.select_one(".field-file .errorlist").get_text()
    assert html.find("input", attrs={"name": "title"})["value"] == "Clinic photo"
    assert not Image.objects.exists()


def test_admin_upload_stores_a_cleaned_image_with_renditions(admin_client, db):
    response, _ = admin_upload(admin_client, file=upload(exif=True, size=(1300, 700)))
    assert response.status_code == 302
    image = Image.objects.get()
    assert [r["width"] for r in image.renditions] == [480, 800, 1200, 1300]
    assert not open_stored(image.file.name).getexif()


def test_alt_text_is_required_unless_decorative(admin_client, db):
    response, html = admin_upload(admin_client, alt_text="", file=upload())
    assert "Describe the image" in html.select_one(".field-alt_text .errorlist").get_text()
    response, _ = admin_upload(admin_client, alt_text="", decorative="on", file=upload())
    assert response.status_code == 302


@pytest.mark.django_db
def test_database_requires_alt_text_unless_decorative():
    with pytest.raises(IntegrityError), transaction.atomic():
        Image.objects.create(title="x", file="images/x.jpg", alt_text="", decorative=False)


@pytest.fixture
def illustrated(fibromyalgia):
    fibromyalgia.hero_image = stored_image(
        title="Hero", alt_text="A patient resting", size=(1600, 900)
    )
    fibromyalgia.save()
    for position in (3, 7):
        Block.objects.create(
            page=fibromyalgia,
            kind=Block.Kind.IMAGE,
            position=position,
            image=stored_image(title=f"Figure {position}", size=(900, 600)),
            text=f"Caption {position}",
        )
    return fibromyalgia


def test_page_serves_pictures_with_srcset_sizes_width_and_height(illustrated, client):
    html = BeautifulSoup(client.get(FIBROMYALGIA_URL).content, "html.parser")
    pictures = html.select("main picture")
    assert len(pictures) == 3
    for picture in pictures:
        source, img = picture.find("source"), picture.find("img")
        assert source["type"] == "image/webp"
        assert source["srcset"].count("w,") >= 1 and source["sizes"]
        assert img["srcset"] and img["sizes"] and img["width"] and img["height"]
        assert img["alt"]
    assert pictures[0].img["alt"] == "A patient resting"
    assert pictures[0].img["fetchpriority"] == "high"
    assert html.select_one("figure figcaption").get_text() == "Caption 3"


def test_decorative_image_has_empty_alt(fibromyalgia, client):
    fibromyalgia.hero_image = image_save(
        image=Image(title="Texture", alt_text="", decorative=True, file=upload())
    )
    fibromyalgia.save()
    img = BeautifulSoup(client.get(FIBROMYALGIA_URL).content, "html.parser").select_one("main img")
    assert img["alt"] == ""


def test_illustrated_page_still_renders_in_four_queries(
    illustrated, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        assert client.get(FIBROMYALGIA_URL).status_code == 200


def test_open_graph_image_uses_a_jpeg_rendition(illustrated, client):
    html = BeautifulSoup(client.get(FIBROMYALGIA_URL).content, "html.parser")
    og = html.find("meta", property="og:image")["content"]
    assert og.startswith("http://testserver/media/images/") and og.endswith("/1200.jpg")
    assert html.find("meta", property="og:image:width")["content"] == "1200"
    assert html.find("meta", property="og:image:alt")["content"] == "A patient resting"


def test_image_block_needs_its_image(fibromyalgia):
    block = Block(page=fibromyalgia, kind=Block.Kind.IMAGE)
    with pytest.raises(ValidationError) as error:
        block.full_clean()
    assert "image" in error.value.error_dict


def test_editor_adds_an_image_block_in_the_admin(editor_client, client, fibromyalgia):
    image = stored_image(title="Room", alt_text="The treatment room")
    data = form_data(editor_client.get(change_url(fibromyalgia)), "page_form")
    first = fibromyalgia.blocks.filter(kind="paragraph").first()
    prefix = block_prefix(data, first)
    data[f"{prefix}-kind"] = "image"
    data[f"{prefix}-image"] = str(image.pk)
    data[f"{prefix}-text"] = "Our treatment room"
    response = editor_client.post(change_url(fibromyalgia), {**data, **PUBLISH})
    assert response.status_code == 302, response.content.decode()[:2000]
    html = BeautifulSoup(client.get(FIBROMYALGIA_URL).content, "html.parser")
    assert html.select_one("figure img")["alt"] == "The treatment room"
    assert Page.objects.get(pk=fibromyalgia.pk).blocks.filter(image=image).exists()
