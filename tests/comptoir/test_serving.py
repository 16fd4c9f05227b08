"""`make serve-prod`: gunicorn, Daphne and the task worker, started and stopped as one.

The real processes run against a database of their own on the PostgreSQL and the
Redis that the suite is given (CI runs it with both; production refuses anything
else, so without them the test is skipped).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django.db import connections

from comptoir.management.commands.serve_prod import serving_environment

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
START_SECONDS = 40
STOP_SECONDS = 15

needs_postgres_and_redis = pytest.mark.skipif(
    not (DATABASE_URL.startswith("postgres") and REDIS_URL.startswith("redis")),
    reason="production serving needs DATABASE_URL (PostgreSQL) and REDIS_URL",
)


def test_defaults_two_workers_a_core_and_sockets_on_the_next_port():
    env = serving_environment({"PATH": "/usr/bin"}, cores=3)

    assert env["PORT"] == "8000"
    assert env["WS_PORT"] == "8001"
    assert env["WEB_CONCURRENCY"] == "6"
    assert env["BIND_HOST"] == "127.0.0.1"
    assert env["LIVE_SOCKET_URL"] == ":8001"
    assert env["DJANGO_SETTINGS_MODULE"] == "comptoir.settings.production"


def test_what_is_given_wins_and_an_empty_socket_url_means_same_origin():
    given = {"PATH": "/usr/bin", "PORT": "9000", "WEB_CONCURRENCY": "3"}

    env = serving_environment({**given, "LIVE_SOCKET_URL": ""}, cores=8)

    assert (env["PORT"], env["WS_PORT"]) == ("9000", "9001")
    assert env["WEB_CONCURRENCY"] == "3"
    assert env["LIVE_SOCKET_URL"] == ""


def free_port_pair() -> int:
    """A port that is free on 127.0.0.1, and the next one too."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port < 65535 and port_is_free(port) and port_is_free(port + 1):
            return port
    raise RuntimeError("no two free ports in a row")


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def http_get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def websocket_handshake(port: int, path: str, origin: str) -> str:
    """The status line Daphne answers an Upgrade with (101 when accepted)."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request.encode())
        return conn.recv(1024).decode("latin1").split("\r\n", 1)[0]


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def serving_database(django_db_blocker):
    """A database of its own, copied from the suite's migrated test database."""
    source = connections["default"].settings_dict["NAME"]
    name = f"comptoir_serve_{uuid.uuid4().hex[:10]}"
    with django_db_blocker.unblock():
        # A template database must have no one connected to it.
        connections.close_all()
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    parts = dj_database_url.parse(DATABASE_URL)
    user = parts["USER"] or "postgres"
    password = f":{parts['PASSWORD']}" if parts["PASSWORD"] else ""
    yield f"postgres://{user}{password}@{parts['HOST']}:{parts['PORT'] or 5432}/{name}"
    with django_db_blocker.unblock():
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@needs_postgres_and_redis
@pytest.mark.xdist_group("serve_prod")
# Transactional: no transaction of the test holds the database being copied.
@pytest.mark.django_db(transaction=True)
def test_serve_prod_serves_pages_and_sockets_and_ctrl_c_stops_every_process(
    serving_database, tmp_path
):
    port = free_port_pair()
    prefix = f"serve-test-{uuid.uuid4().hex[:8]}"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_", "PROMETHEUS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="comptoir.settings.production",
        DJANGO_SECRET_KEY="serve-test-" + uuid.uuid4().hex * 2,
        DATABASE_URL=serving_database,
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        CHANNELS_PREFIX=prefix,
        SECURE_SSL_REDIRECT="false",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        PYTHONPATH="site",
        STATIC_ROOT=str(tmp_path / "static"),
        # Every process writes its figures where any web worker adds them up.
        METRICS_ENABLED="true",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    shop = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from tests.factories import ProductFactory; print(ProductFactory().pk)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shop.returncode == 0, shop.stderr
    product_id = int(shop.stdout.strip().splitlines()[-1])

    # What `make serve-prod` runs; the copied database is migrated already and
    # collecting static files takes half a minute, so both are left out here.
    log = open(tmp_path / "serve.log", "w+")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve_prod", "--skip-setup"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own process group, as a terminal's foreground job: Ctrl-C reaches it.
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not (answers(port) and answers(port + 1)):
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.5)

        status, page = http_get(f"http://127.0.0.1:{port}/products/")
        ready_status, ready = http_get(f"http://127.0.0.1:{port}/readyz")
        handshake = websocket_handshake(
            port + 1,
            f"/ws/products/{product_id}/stock/",
            origin=f"http://127.0.0.1:{port}",
        )
        foreign = websocket_handshake(
            port + 1, f"/ws/products/{product_id}/stock/", origin="http://evil.example"
        )
        metrics_status, scraped = http_get(f"http://127.0.0.1:{port}/metrics")
        processes = descendants(server.pid) | {server.pid}
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=STOP_SECONDS)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
        output = (tmp_path / "serve.log").read_text()
        log.close()

    assert status == 200, output
    # The pages' scripts are told where the sockets are: this host, the next port.
    assert f'<meta name="comptoir-live-socket" content=":{port + 1}">' in page
    assert ready_status == 200 and '"channels": "ok"' in ready, ready
    assert handshake.startswith("HTTP/1.1 101"), output
    assert not foreign.startswith("HTTP/1.1 101")
    assert metrics_status == 200, output
    assert "django_http_requests_total" in scraped
    # Daphne's gauge, read through gunicorn: the processes share their figures.
    assert "comptoir_websockets_open" in scraped
    # gunicorn's master and workers, Daphne, the task worker, honcho and shells.
    assert len(processes) >= 6, output
    time.sleep(0.5)
    assert not [pid for pid in processes if alive(pid)], output
    assert not answers(port) and not answers(port + 1)
    for name in ("web.1", "ws.1", "worker.1"):
        assert f"{name} started" in output and f"{name} stopped" in output


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["", ":8001"])
def test_pages_tell_their_scripts_where_the_sockets_are_only_when_elsewhere(
    client, settings, url
):
    settings.LIVE_SOCKET_URL = url

    html = client.get("/accounts/login/").content.decode()

    meta = f'<meta name="comptoir-live-socket" content="{url}">'
    assert (meta in html) is bool(url)
