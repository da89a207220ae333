"""The topology's proxy (scripts/topology.py) routes around a web instance that stops.

The real nginx runs the exact configuration `scripts/topology.sh up` writes, in front of two
small HTTP servers standing in for the gunicorn instances (the site itself is not needed to
test the proxy, and the full topology with its drills is `scripts/topology.sh drill`). One of
them is shut down; every request after that must still be answered, by the other, and the
site's own 503 (a database that is down) must pass through untouched rather than being taken
for a broken instance.
"""

from __future__ import annotations

import http.client
import importlib.util
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

from grassroots.conftest import require
from grassroots.core.tests.test_healthz import REPO, _free_port

pytestmark = pytest.mark.proxy


def _topology() -> ModuleType:
    spec = importlib.util.spec_from_file_location("topology", REPO / "scripts" / "topology.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["topology"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


class Instance(ThreadingHTTPServer):
    """A web instance that names itself, answering `status` to every GET."""

    daemon_threads = True

    def __init__(self, name: str) -> None:
        self.name = name
        self.status = 200
        self.stopped = False
        super().__init__(("127.0.0.1", _free_port()), Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop as a crashed instance does: refuse new connections, and drop the proxy's open
        keep-alive ones without an answer."""
        self.stopped = True
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Instance

    def do_GET(self) -> None:
        if self.server.stopped:
            self.close_connection = True
            return
        body = self.server.name.encode()
        self.send_response(self.server.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[int, Instance, Instance]]:
    topology = _topology()
    nginx = Path(topology.NGINX)
    require(nginx.exists(), f"nginx not found at {nginx}")
    first, second = Instance("first"), Instance("second")
    port = _free_port()
    (tmp_path / "temp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        topology.nginx_conf(port, (first.server_port, second.server_port), tmp_path, tmp_path)
    )
    base = [str(nginx), "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)]
    subprocess.run(base, check=True, capture_output=True)  # noqa: S603 - fixed arguments
    try:
        deadline = time.monotonic() + 10
        while not topology.listening(port):
            assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
            time.sleep(0.1)
        yield port, first, second
    finally:
        subprocess.run([*base, "-s", "stop"], check=False, capture_output=True)  # noqa: S603
        for instance in (first, second):
            if not instance.stopped:
                instance.stop()


def _get(port: int) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def test_the_proxy_spreads_requests_and_routes_around_a_stopped_instance(
    proxy: tuple[int, Instance, Instance],
) -> None:
    port, _first, second = proxy
    answers = [_get(port) for _ in range(10)]
    assert {status for status, _ in answers} == {200}
    assert {name for _, name in answers} == {"first", "second"}

    second.stop()
    answers = [_get(port) for _ in range(10)]
    assert answers == [(200, "first")] * 10


def test_the_sites_own_503_reaches_the_visitor(proxy: tuple[int, Instance, Instance]) -> None:
    port, first, second = proxy
    first.status = second.status = 503
    # Both instances answer 503 (the database is down): nginx passes the site's page on every
    # time instead of marking the instances down and answering with its own 502.
    answers = [_get(port) for _ in range(6)]
    assert [status for status, _ in answers] == [503] * 6
    assert {name for _, name in answers} <= {"first", "second"}
