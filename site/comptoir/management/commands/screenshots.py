"""python manage.py screenshots: pictures of the main pages, for anyone who wants to
see the site without running it (`make screenshots`).

It serves the site as the browser tests do (tests/e2e/conftest.py): a database file
of its own in a temporary folder, filled by the real `demo` command, Daphne on a free
127.0.0.1 port. Debian's Chromium then opens each page as a visitor, as the demo
member or as the demo moderator, at each width, and writes a full-page picture and
an index, docs/screenshots/README.md. The developer's own database is never read.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The flags of the browser tests (tests/e2e/conftest.py): no sandbox in containers,
# nothing fetched from the network behind the page's back.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WIDTHS = (390, 1280)
HEIGHT = 800
# Above this a full-page PNG is written again as a JPEG (a long page of photos
# compresses badly as PNG); the index links whichever was kept.
MAX_PNG_BYTES = 400_000
JPEG_QUALITY = 80

# The demo's accounts (README, "Demo accounts").
MEMBER = ("camille.martin@exemple.fr", "Jardin-demo-2026")
MODERATOR = ("moderation@comptoir.example", "Jardin-demo-2026")


@dataclass(frozen=True)
class Shot:
    name: str  # file name stem
    title: str  # the index's row
    path: str  # a URL path, or "{product}"-like placeholder found on the site
    who: str = "visitor"  # "visitor", "member" or "moderator"


SHOTS = [
    Shot("home", "Home", "/"),
    Shot("article", "An article", "{article}"),
    Shot("products", "Product list", "/products/"),
    Shot("product", "A product page", "{product}"),
    Shot("store", "A store", "{store}"),
    Shot("ideas", "Product ideas", "/ideas/"),
    Shot("idea", "An idea", "{idea}"),
    Shot("forum", "Forum", "/forum/"),
    Shot("forum-category", "A forum category", "/forum/c/potager/"),
    Shot("forum-topic", "A long forum topic, first of its pages", "{forum_long}"),
    Shot(
        "forum-question",
        "A product question and its accepted answer",
        "{forum_question}",
    ),
    Shot("my-forum", "My forum (demo member)", "/me/forum/", "member"),
    Shot("my-reviews", "My reviews (demo member)", "/me/reviews/", "member"),
    Shot("wallet", "Wallet (demo member)", "/me/wallet/", "member"),
    Shot(
        "reservations", "My reservations (demo member)", "/me/reservations/", "member"
    ),
    Shot(
        "notifications",
        "Notifications (demo member)",
        "/me/notifications/",
        "member",
    ),
    Shot(
        "moderation-queue",
        "Moderation queue (demo moderator, admin)",
        "/admin/moderation/",
        "moderator",
    ),
]

# Where each placeholder's example is found: a list page and its first link. The
# product is one with reviews, so its page shows them.
EXAMPLES = {
    "article": ("/articles/", ".article-card-title a"),
    "product": ("/products/", ".product-card:has(.card-rating) a[href^='/products/']"),
    "store": ("/stores/", "main a[href^='/stores/'][href$='/']"),
    "idea": ("/ideas/", ".idea-card-title a"),
    # The demo's harvest thread (comptoir/demo/forum_data.py), by its slug.
    "forum_long": (
        "/forum/c/potager/",
        ".forum-topic-title > "
        "a[href$='-le-fil-des-recoltes-2026-vos-paniers-de-la-semaine/']",
    ),
    "forum_question": (
        "/forum/c/jardinage/",
        ".forum-topic:has(.badge-verified) .forum-topic-title > a[href^='/forum/t/']",
    ),
}

# Lazy images below the fold would be blank in a full-page picture: load them all.
LOAD_IMAGES = """async () => {
  document.querySelectorAll('img[loading=lazy]').forEach(img => {
    img.loading = 'eager';
  });
  await Promise.all(Array.from(document.images).filter(img => !img.complete).map(
    img => new Promise(done => { img.onload = img.onerror = done; })));
  await document.fonts.ready;
}"""


# The admin scrolls inside a panel, not the document: the height its content needs
# (0 when the document scrolls), which a full-page picture would cut at the viewport.
INNER_HEIGHT = """() => {
  if (document.documentElement.scrollHeight > innerHeight + 1) return 0;
  const panels = Array.from(document.querySelectorAll('body *')).filter(el =>
    ['auto', 'scroll'].includes(getComputedStyle(el).overflowY)
    && el.scrollHeight > el.clientHeight + 1);
  return Math.max(0, ...panels.map(
    el => Math.ceil(el.scrollHeight + el.getBoundingClientRect().top)));
}"""
MAX_HEIGHT = 16_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Command(BaseCommand):
    help = (
        "Serve the demo site on a fresh database and write full-page screenshots "
        "of the main pages at 390 and 1280 px into docs/screenshots/."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(settings.BASE_DIR / "docs" / "screenshots"),
            help="the folder of the pictures and their README.md "
            "(default: docs/screenshots)",
        )
        parser.add_argument(
            "--widths",
            default=",".join(str(width) for width in WIDTHS),
            help="viewport widths in pixels, comma-separated (default: 390,1280)",
        )

    def handle(self, *args, output: str, widths: str, **options):
        try:
            width_list = [int(width) for width in widths.split(",") if width.strip()]
        except ValueError:
            raise CommandError(
                f"--widths takes pixel widths such as 390,1280, not {widths!r}."
            ) from None
        if not width_list or any(not 200 <= width <= 4000 for width in width_list):
            raise CommandError("--widths: each width between 200 and 4000 pixels.")
        if not os.access(CHROMIUM, os.X_OK):
            raise CommandError(
                f"Chromium is not at {CHROMIUM}: install Debian's package "
                "(sudo apt-get install chromium) or set CHROMIUM=/path/to/chromium. "
                "Nothing is downloaded."
            )
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise CommandError(
                "Playwright is not installed: `make install` installs the dev extras."
            ) from None

        out = Path(output)
        out.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix="comptoir-screenshots-"))
        server = None
        started = time.monotonic()
        try:
            env = self._environment(workdir)
            self._step("1/3", "a fresh database, filled by the demo command")
            self._manage(env, "migrate", "--noinput")
            self._manage(env, "demo", "--quiet")
            self._step("2/3", "serving it with Daphne")
            server, url = self._serve(env, workdir)
            self._step("3/3", f"{len(SHOTS)} pages × {len(width_list)} widths")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                try:
                    written = self._shoot(browser, url, out, width_list)
                finally:
                    browser.close()
            self._index(out, written, width_list)
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
            shutil.rmtree(workdir, ignore_errors=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"{sum(len(row) for row in written.values())} screenshots and "
                f"{out / 'README.md'} written in {time.monotonic() - started:.0f} s."
            )
        )

    # --- the served site -------------------------------------------------------

    def _step(self, number: str, what: str) -> None:
        self.stdout.write(f"[{number}] {what}…")
        self.stdout.flush()

    def _environment(self, workdir: Path) -> dict[str, str]:
        env = {
            **os.environ,
            "PYTHONPATH": str(settings.SITE_DIR),
            "DJANGO_SETTINGS_MODULE": "comptoir.settings.dev",
            # As `make run` serves it. Django serves the uploaded images only with
            # DEBUG on: django.conf.urls.static() gives no route without it.
            "DJANGO_DEBUG": "true",
            "SQLITE_PATH": str(workdir / "site.sqlite3"),
            "MEDIA_ROOT": str(workdir / "media"),
            "PRIVATE_MEDIA_ROOT": str(workdir / "private_media"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(workdir / "mail"),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        # A fresh SQLite file, never the developer's database.
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        return env

    def _manage(self, env: dict[str, str], *args: str) -> None:
        result = subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            raise CommandError(
                f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}"
            )

    def _serve(self, env: dict[str, str], workdir: Path):
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**env, "SITE_BASE_URL": url}
        log_path = workdir / "daphne.log"
        with open(log_path, "wb") as log:
            server = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "daphne"),
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "comptoir.asgi:application",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                return server, url
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    raise CommandError(
                        "Daphne did not start:\n"
                        + log_path.read_text(errors="replace")[-3000:]
                    ) from None
                time.sleep(0.3)

    # --- the pictures ----------------------------------------------------------

    def _context(self, browser, url: str, who: str):
        context = browser.new_context(
            base_url=url, locale="fr-FR", device_scale_factor=1
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        if who != "visitor":
            email, password = MEMBER if who == "member" else MODERATOR
            page.goto("/accounts/login/")
            page.locator("input[name=login]").fill(email)
            page.locator("input[name=password]").fill(password)
            page.locator("form.account-form button[type=submit]").click()
            page.wait_for_load_state()
            if "/login/" in page.url:
                raise CommandError(f"The demo account {email} could not log in.")
        return context, page

    def _examples(self, page) -> dict[str, str]:
        found = {}
        for key, (list_path, selector) in EXAMPLES.items():
            page.goto(list_path)
            link = page.locator(selector).first
            if not link.count():
                raise CommandError(f"No {key} on {list_path} to take a picture of.")
            found[key] = link.get_attribute("href")
        return found

    def _shoot(self, browser, url: str, out: Path, widths: list[int]):
        pages = {}
        contexts = []
        written: dict[str, dict[int, str]] = {}
        try:
            for who in ("visitor", "member", "moderator"):
                context, page = self._context(browser, url, who)
                contexts.append(context)
                pages[who] = page
            examples = self._examples(pages["visitor"])
            total = len(SHOTS) * len(widths)
            done = 0
            for shot in SHOTS:
                page = pages[shot.who]
                path = shot.path.format(**examples)
                for width in widths:
                    done += 1
                    page.set_viewport_size({"width": width, "height": HEIGHT})
                    response = page.goto(path, wait_until="load")
                    if response is None or response.status >= 400:
                        status = response.status if response else "no answer"
                        raise CommandError(f"{path} answered {status}.")
                    page.evaluate(LOAD_IMAGES)
                    name = self._save(page, out, f"{shot.name}-{width}")
                    written.setdefault(shot.name, {})[width] = name
                    size = (out / name).stat().st_size // 1000
                    self.stdout.write(
                        f"  {done:>2}/{total} {path} at {width} px → {name} ({size} KB)"
                    )
                    self.stdout.flush()
        finally:
            for context in contexts:
                context.close()
        return written

    def _save(self, page, out: Path, stem: str) -> str:
        """A full-page PNG, or a JPEG if the PNG would be too heavy; the other
        format's file of an earlier run is removed. Returns the file's name."""
        from PIL import Image

        inner = page.evaluate(INNER_HEIGHT)
        if inner > page.viewport_size["height"]:
            # A viewport as tall as the panel's content lets the panel show it all.
            viewport = page.viewport_size
            page.set_viewport_size(
                {"width": viewport["width"], "height": min(inner, MAX_HEIGHT)}
            )
            png = page.screenshot(animations="disabled", caret="hide")
            page.set_viewport_size(viewport)
        else:
            png = page.screenshot(full_page=True, animations="disabled", caret="hide")
        image = Image.open(io.BytesIO(png))
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        if buffer.tell() <= MAX_PNG_BYTES:
            name, stale = f"{stem}.png", f"{stem}.jpg"
        else:
            buffer = io.BytesIO()
            image.convert("RGB").save(
                buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
            )
            name, stale = f"{stem}.jpg", f"{stem}.png"
        (out / name).write_bytes(buffer.getvalue())
        (out / stale).unlink(missing_ok=True)
        return name

    def _index(self, out: Path, written: dict[str, dict[int, str]], widths) -> None:
        header = "| page | " + " | ".join(f"{width} px" for width in widths) + " |"
        rule = "| --- |" + " --- |" * len(widths)
        rows = []
        for shot in SHOTS:
            cells = [
                f"[{shot.name}-{width}]({written[shot.name][width]})"
                for width in widths
            ]
            rows.append(f"| {shot.title} | " + " | ".join(cells) + " |")
        text = "\n".join(
            [
                "# Screenshots",
                "",
                "The main pages of the demo site (`manage.py demo`), in French, "
                "full page, in Chromium:",
                "as a visitor, as the demo member (`camille.martin@exemple.fr`) "
                "or as the demo moderator",
                "(`moderation@comptoir.example`). Last taken on "
                f"{datetime.date.today():%Y-%m-%d} by `make screenshots`, which "
                "serves",
                "the demo on a fresh database of its own; run it again after a "
                "change to the pages",
                "(`manage.py screenshots --widths 360,768` for other widths). "
                "Pictures heavier than",
                "400 KB as PNG are JPEGs.",
                "",
                header,
                rule,
                *rows,
                "",
            ]
        )
        (out / "README.md").write_text(text)
