"""One rendition per width, and one srcset entry per width, however wide the upload."""

from types import SimpleNamespace

import pytest

from pages.images import rendition_widths
from pages.templating import picture_sources


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        (2400, [480, 800, 1200, 1600]),
        (1600, [480, 800, 1200, 1600]),
        (1000, [480, 800, 1000]),
        (300, [300]),
    ],
)
def test_each_width_is_cut_once(original, expected):
    assert rendition_widths(original) == expected


def test_an_image_listing_a_width_twice_gets_one_srcset_entry_per_width():
    def rendition(width):
        return {
            "width": width,
            "height": width // 2,
            "webp": f"i/{width}.webp",
            "fallback": f"i/{width}.jpg",
        }

    image = SimpleNamespace(
        alt="",
        renditions=[rendition(480), rendition(1600), rendition(1600)],
        rendition_for=lambda width: rendition(1600),
    )
    sources = picture_sources(image)
    assert sources["webp_srcset"].count("1600w") == 1
    assert sources["fallback_srcset"].count("1600w") == 1
