"""Uploaded images: checked by their content, stripped of metadata, cut into renditions once.

Nothing about an upload is trusted: not its name, not its declared type. Pillow must read it,
its format must be allowed, and its size and pixel count must stay under the limits in
settings, so a decompression bomb is refused before any pixel is decoded.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PillowImage
from PIL import ImageOps, UnidentifiedImageError

_FALLBACK_EXTENSIONS = {"JPEG": "jpg", "PNG": "png"}
_REDUCING_GAP = 2.0


def _megabytes(size):
    return f"{size / 1_000_000:.1f} MB"


def validate_image_upload(upload):
    """Refuse anything that is not a safe, allowed image, with a message for the editor."""
    if getattr(upload, "_committed", False):
        return  # already stored, so already checked and cleaned when it was uploaded
    limit = settings.IMAGE_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"This file is {_megabytes(upload.size)}; images may be at most {_megabytes(limit)}. "
            "Export a smaller version and upload that.",
            code="too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
            upload.seek(0)
            with PillowImage.open(upload) as image:
                image_format, (width, height) = image.format, image.size
                _check_dimensions(width, height)
                if image_format not in settings.IMAGE_ALLOWED_FORMATS:
                    allowed = ", ".join(settings.IMAGE_ALLOWED_FORMATS)
                    raise ValidationError(
                        f"This is a {image_format} image; upload one of: {allowed}.",
                        code="wrong_type",
                    )
                image.verify()
    except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning) as error:
        raise _too_many_pixels() from error
    except UnidentifiedImageError as error:
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG or WebP picture.",
            code="not_an_image",
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "This image file is damaged or incomplete. Export it again and upload the new file.",
            code="damaged",
        ) from error
    finally:
        upload.seek(0)


def _too_many_pixels(width=None, height=None):
    limit = settings.IMAGE_MAX_PIXELS
    found = (
        "This image has far too many pixels"
        if width is None
        else f"This image is {width:,} × {height:,} pixels ({width * height / 1e6:.1f} megapixels)"
    )
    return ValidationError(
        f"{found}; images may have at most {limit / 1e6:g} megapixels (for example 6000 × 4000 "
        "pixels). Export a smaller version (3000 pixels wide is plenty for the website) and "
        "upload that.",
        code="too_many_pixels",
    )


def _check_dimensions(width, height):
    """Refuse by the size the file's header declares, before any pixel is decoded."""
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise _too_many_pixels(width, height)


@dataclass
class ProcessedImage:
    name: str
    width: int
    height: int
    renditions: list[dict]


def _clean_copy(upload):
    """The upload's pixels alone, upright, with EXIF, GPS, ICC profile and comments left behind.

    Worked on in place wherever Pillow allows: a worker's memory, more than its time, is what a
    large image exhausts, and every full-size copy costs four bytes a pixel.
    """
    upload.seek(0)
    image = PillowImage.open(upload)
    # Checked from the header again, before any pixel is decoded, whoever calls this.
    _check_dimensions(*image.size)
    source_format = image.format
    ImageOps.exif_transpose(image, in_place=True)
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    # Everything but the pixels (EXIF and GPS, ICC profile, comments, text chunks) is in `info`,
    # which Pillow's writers copy from: with it empty, no copy carries any of it.
    image.info.clear()
    fallback = "PNG" if has_alpha or source_format == "PNG" else "JPEG"
    return image, fallback


def _encode(image, image_format, *, original=False):
    buffer = io.BytesIO()
    options = {
        "JPEG": {"quality": 85, "optimize": True, "progressive": True},
        # The full-size original, kept but never served, skips PNG's slow search for the
        # smallest encoding: at full size it cost more than everything else put together.
        "PNG": {"compress_level": 6} if original else {"optimize": True},
        "WEBP": {"quality": 80, "method": 4},
    }[image_format]
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def rendition_widths(width):
    """Widths to cut, never wider than the original (which always gets one of its own)."""
    widths = [w for w in settings.IMAGE_RENDITION_WIDTHS if w < width]
    largest = min(width, max(settings.IMAGE_RENDITION_WIDTHS))
    return widths if largest in widths else [*widths, largest]


def process_upload(upload):
    """Store a metadata-free original and every rendition; return where they are."""
    image, fallback = _clean_copy(upload)
    folder = f"images/{uuid.uuid4().hex}"
    extension = _FALLBACK_EXTENSIONS[fallback]
    name = default_storage.save(
        f"{folder}/original.{extension}", ContentFile(_encode(image, fallback, original=True))
    )
    renditions = []
    for width in rendition_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        # reducing_gap: Pillow first shrinks by a whole factor (Image.reduce), then filters the
        # far smaller result: much faster from a large original, and by Pillow's documentation
        # close to filtering the whole (the larger the gap, the closer).
        resized = (
            image
            if width == image.width
            else image.resize(
                (width, height), PillowImage.Resampling.LANCZOS, reducing_gap=_REDUCING_GAP
            )
        )
        renditions.append(
            {
                "width": width,
                "height": height,
                "webp": default_storage.save(
                    f"{folder}/{width}.webp", ContentFile(_encode(resized, "WEBP"))
                ),
                "fallback": default_storage.save(
                    f"{folder}/{width}.{extension}", ContentFile(_encode(resized, fallback))
                ),
                "fallback_type": f"image/{'jpeg' if fallback == 'JPEG' else 'png'}",
            }
        )
    return ProcessedImage(name, image.width, image.height, renditions)


def delete_files(name, renditions):
    names = [name] + [r[key] for r in renditions for key in ("webp", "fallback")]
    for stored in names:
        if stored and default_storage.exists(stored):
            default_storage.delete(stored)
