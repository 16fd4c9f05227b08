"""`manage.py screenshots` (`make screenshots`): what it says before it starts
anything, and how it keeps the pictures small and indexed. The run itself drives
Chromium on a served demo, which the browser tests already cover."""

import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from comptoir.management.commands import screenshots


def test_a_missing_chromium_is_named_with_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setattr(screenshots, "CHROMIUM", str(tmp_path / "chromium"))

    with pytest.raises(CommandError) as error:
        call_command("screenshots", output=str(tmp_path / "out"))

    assert str(tmp_path / "chromium") in str(error.value)
    assert "apt-get install chromium" in str(error.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("widths", ["abc", "390;1280", "100", "390,9000"])
def test_widths_that_are_not_pixel_widths_are_refused(widths, tmp_path):
    with pytest.raises(CommandError, match="--widths"):
        call_command("screenshots", output=str(tmp_path), widths=widths)


class _Page:
    """What _save asks of a Playwright page: a full-page PNG."""

    viewport_size = {"width": 390, "height": 800}

    def __init__(self, image: Image.Image):
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        self.png = buffer.getvalue()

    def evaluate(self, script):
        return 0  # the document scrolls: no inner panel

    def screenshot(self, **options):
        assert options["full_page"] is True
        return self.png


def test_a_plain_page_stays_png_and_a_heavy_one_becomes_a_jpeg(tmp_path):
    command = screenshots.Command()
    plain = _Page(Image.new("RGB", (390, 2000), (250, 248, 242)))
    noisy = Image.frombytes(
        "RGB", (390, 1200), random.Random(14).randbytes(390 * 1200 * 3)
    )
    (tmp_path / "photos-390.png").write_bytes(b"an earlier run's picture")

    assert command._save(plain, tmp_path, "home-390") == "home-390.png"
    assert command._save(_Page(noisy), tmp_path, "photos-390") == "photos-390.jpg"

    assert (tmp_path / "home-390.png").stat().st_size <= screenshots.MAX_PNG_BYTES
    assert Image.open(tmp_path / "photos-390.jpg").format == "JPEG"
    assert not (tmp_path / "photos-390.png").exists()


def test_the_index_links_every_page_at_every_width(tmp_path):
    written = {
        shot.name: {390: f"{shot.name}-390.png", 1280: f"{shot.name}-1280.jpg"}
        for shot in screenshots.SHOTS
    }

    screenshots.Command()._index(tmp_path, written, [390, 1280])

    index = (tmp_path / "README.md").read_text()
    assert "| page | 390 px | 1280 px |" in index
    for shot in screenshots.SHOTS:
        assert (
            f"| {shot.title} | [{shot.name}-390]({shot.name}-390.png) | "
            f"[{shot.name}-1280]({shot.name}-1280.jpg) |" in index
        )
