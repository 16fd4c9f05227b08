"""Two server processes share what must be the same everywhere (issue 11).

Rate limits live in Redis when it is configured: ten wrong passwords sent to one
gunicorn process are counted by the other, which refuses the eleventh. Real
processes, production settings, a database of their own on PostgreSQL and the
suite's Redis (skipped without them, like `make serve-prod`'s own test).
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid

import pytest

from .test_serving import (  # noqa: F401  (a fixture)
    REDIS_URL,
    ROOT,
    START_SECONDS,
    STOP_SECONDS,
    answers,
    free_port_pair,
    needs_postgres_and_redis,
    serving_database,
)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def gunicorn(env: dict, port: int, log) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "comptoir.wsgi",
            "--pythonpath",
            "site",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wrong_login(port: int, n: int) -> str:
    """One failed login through a fresh browser session; the page it answers."""
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    browser.addheaders = [("Accept-Language", "en")]
    url = f"http://127.0.0.1:{port}/accounts/login/"
    with browser.open(url, timeout=20) as response:
        token = CSRF_INPUT.search(response.read().decode()).group(1)
    form = urllib.parse.urlencode(
        {
            "login": f"guess{n}@example.com",
            "password": "wrong",
            "csrfmiddlewaretoken": token,
        }
    ).encode()
    request = urllib.request.Request(url, data=form, headers={"Referer": url})
    try:
        with browser.open(request, timeout=20) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:  # 429 once the limit is reached
        return error.read().decode()


@needs_postgres_and_redis
@pytest.mark.xdist_group("serve_prod")
@pytest.mark.django_db(transaction=True)
def test_a_login_limit_reached_on_one_process_holds_on_the_other(
    serving_database,  # noqa: F811  (the fixture imported above)
    tmp_path,
):
    first = free_port_pair()
    second = first + 1
    prefix = f"shared-test-{uuid.uuid4().hex[:8]}"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_", "PROMETHEUS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="comptoir.settings.production",
        DJANGO_SECRET_KEY="shared-test-" + uuid.uuid4().hex * 2,
        DATABASE_URL=serving_database,
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        CHANNELS_PREFIX=prefix,
        SECURE_SSL_REDIRECT="false",
        PYTHONPATH="site",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    log = open(tmp_path / "servers.log", "w+")
    servers = [gunicorn(env, first, log), gunicorn(env, second, log)]
    try:
        deadline = time.monotonic() + START_SECONDS
        while not (answers(first) and answers(second)):
            assert all(s.poll() is None for s in servers), (
                tmp_path / "servers.log"
            ).read_text()
            assert time.monotonic() < deadline, (tmp_path / "servers.log").read_text()
            time.sleep(0.5)

        # given ten wrong passwords from one address, all sent to the first process
        answered_first = [wrong_login(first, n) for n in range(10)]
        # when the eleventh goes to the second process
        answered_second = wrong_login(second, 10)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                server.kill()
        output = (tmp_path / "servers.log").read_text()
        log.close()

    refusal = "Too many failed login attempts"
    assert not [page for page in answered_first if refusal in page], output
    # then it is refused there too: the count is in Redis, not in a process
    assert refusal in answered_second, output
