"""Images made in memory with Pillow, for uploads in tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage

from pages.models import Image
from pages.services import image_save

GPS_TAG = 0x8825
MAKE_TAG = 0x010F


def image_bytes(*, size=(2000, 1000), image_format="JPEG", mode="RGB", exif=False):
    image = PillowImage.new(mode, size, color=(200, 120, 40) if mode == "RGB" else 1)
    buffer = io.BytesIO()
    options = {}
    if exif:
        data = PillowImage.Exif()
        data[MAKE_TAG] = "SecretCam"
        data[GPS_TAG] = {1: "N", 2: (30.0, 16.0, 0.0)}
        options["exif"] = data.tobytes()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(name="photo.jpg", content=None, content_type="image/jpeg", **kwargs):
    return SimpleUploadedFile(name, content or image_bytes(**kwargs), content_type=content_type)


def stored_image(*, title="Infusion room", alt_text="A calm infusion room", **kwargs):
    return image_save(image=Image(title=title, alt_text=alt_text, file=upload(**kwargs)))
