"""What one upload costs a worker, by pixel count: the figures behind IMAGE_MAX_PIXELS.

Not collected by pytest. Run from the repository root:

    .venv/bin/python -m tests.pages.measure_image_cost 12 24 40

Each size (in megapixels) is measured in a fresh process, for a PNG and a JPEG: the seconds
`pages.images.validate_image_upload` + `process_upload` take (wall clock, and CPU time, which a
busy machine disturbs less), and the process's peak resident memory (ru_maxrss) above what it
held before the upload, written to a temporary media folder.
"""

import io
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time


def _image_bytes(megapixels, image_format):
    from PIL import Image, ImageDraw

    side = math.isqrt(int(megapixels * 1_000_000))
    image = Image.new("RGB", (side, side), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    for i in range(0, side, max(1, side // 40)):  # some edges, so resizing has work to do
        draw.line([(i, 0), (side - i, side)], fill=(i % 255, 90, 160), width=9)
    buffer = io.BytesIO()
    image.save(buffer, image_format, **({"quality": 90} if image_format == "JPEG" else {}))
    return buffer.getvalue()


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measure_one(path, image_format):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic_site.settings.test")
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings
    from PIL import Image

    from pages.images import process_upload, validate_image_upload

    with open(path, "rb") as file:
        upload = SimpleUploadedFile(f"big.{image_format.lower()}", file.read())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(
            MEDIA_ROOT=media,
            STORAGES={"default": storage, "staticfiles": storage},
            IMAGE_MAX_PIXELS=10**10,
            IMAGE_MAX_UPLOAD_BYTES=10**10,
        ),
    ):
        upload.image_pixels = math.prod(Image.open(upload).size)
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        validate_image_upload(upload)
        process_upload(upload)
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {
        "format": image_format,
        "pixels": upload.image_pixels,
        "file_kb": round(upload.size / 1000),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_mb_above_start": round((peak - before) / 1024),
        "peak_mb": round(peak / 1024),
    }


def main(sizes):
    for megapixels in sizes:
        for image_format in ("PNG", "JPEG"):
            with tempfile.NamedTemporaryFile() as file:
                file.write(_image_bytes(megapixels, image_format))
                file.flush()
                out = subprocess.run(  # noqa: S603 - this interpreter, this module
                    [sys.executable, "-m", __spec__.name, "--one", file.name, image_format],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            print(out.strip())


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(_measure_one(sys.argv[2], sys.argv[3])))
    else:
        main([float(size) for size in sys.argv[1:]] or [12, 24, 40])
