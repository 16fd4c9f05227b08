"""Browser tests: the real site served by Daphne, driven in Debian's Chromium.

The site runs in its own process on a database file of its own, filled by the real
`demo` command, exactly as `make run` would serve it; the tests talk to it only over
HTTP and websockets, like a shopper and the retailer's systems would.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            # Under xdist, one worker serves the site and drives the browser.
            item.add_marker(pytest.mark.xdist_group("e2e"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveSite:
    """The served site: its address, its API token and the e-mails it sent."""

    def __init__(self, url: str, token: str, mail_dir: Path, env: dict):
        self.url = url
        self.token = token
        self.mail_dir = mail_dir
        self.env = env

    def api_post(self, path: str, payload: dict) -> dict:
        import json

        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def manage(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout

    def member_create(
        self, *, email: str, display_name: str, password: str, trust_level: int = 0
    ) -> None:
        """A member with a confirmed e-mail, made in the served site's database."""
        code = (
            "from allauth.account.models import EmailAddress\n"
            "from django.utils.text import slugify\n"
            "from community.members.models import User\n"
            f"u = User.objects.create_user(email={email!r}, password={password!r}, "
            f"display_name={display_name!r}, slug=slugify({display_name!r}), "
            f"trust_level={trust_level})\n"
            "EmailAddress.objects.create(user=u, email=u.email, verified=True, "
            "primary=True)\n"
        )
        self.manage("shell", "-c", code)

    def last_link_sent_to(self, email: str, pattern: str) -> str:
        """The first link matching `pattern` in the newest e-mail to this address."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for path in sorted(self.mail_dir.glob("*.log"), reverse=True):
                text = path.read_text(errors="replace")
                if email in text:
                    match = re.search(pattern, text)
                    if match:
                        return match.group(0)
            time.sleep(0.2)
        raise AssertionError(f"no e-mail with a link to {pattern!r} reached {email}")


@pytest.fixture(scope="package")
def live_site():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    workdir = Path(tempfile.mkdtemp(prefix="comptoir-e2e-"))
    mail_dir = workdir / "mail"
    env = {
        **os.environ,
        "PYTHONPATH": "site",
        "DJANGO_SETTINGS_MODULE": "comptoir.settings.dev",
        "DJANGO_DEBUG": "false",
        "SQLITE_PATH": str(workdir / "site.sqlite3"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private_media"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    # The browser tests run against a real database file; never the developer's.
    env.pop("DATABASE_URL", None)
    site = LiveSite("", "", mail_dir, env)
    site.manage("migrate", "--noinput")
    site.manage("demo", "--quiet")
    output = site.manage(
        "api_client", "create", "e2e", "--scopes", "catalog:write,sales:write"
    )
    token = re.search(r"[A-Za-z0-9_\-]{30,}", output)
    assert token, f"api_client printed no token: {output!r}"
    site.token = token.group(0)

    port = _free_port()
    site.url = f"http://127.0.0.1:{port}"
    log = open(workdir / "daphne.log", "wb")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "comptoir.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(site.url + "/", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(
                        "Daphne did not start:\n"
                        + (workdir / "daphne.log").read_text(errors="replace")[-3000:]
                    ) from None
                time.sleep(0.3)
        yield site
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="package")
def browser(live_site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def log_in(page, email: str, password: str) -> None:
    """Log in through the site's own form, as a person would."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/me/$"))


@pytest.fixture
def page(browser, live_site):
    context = browser.new_context(base_url=live_site.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
