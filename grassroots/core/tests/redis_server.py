"""A Redis server of the tests' own, which they may stop and start (never the machine's)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from grassroots.conftest import require

# One port per pytest-xdist worker (6391, 6392, ...), so workers never stop each other's Redis;
# a lock file serialises anyone else's run that uses the same port.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
PORT = int(os.environ.get("TEST_REDIS_STOPPABLE_PORT", "6391")) + (
    int(_WORKER) if _WORKER.isdigit() else 0
)
URL = f"redis://127.0.0.1:{PORT}/0"
QUEUE_URL = f"redis://127.0.0.1:{PORT}/1"


class RedisServer:
    """`redis-server` on PORT, its data in `directory`: `stop()` and `start()` it at will."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.url = URL
        self.queue_url = QUEUE_URL

    def client(self, url: str = URL) -> redis.Redis:
        return redis.Redis.from_url(url, socket_connect_timeout=0.5)

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        if self.answers():
            return
        subprocess.run(  # noqa: S603 - the machine's redis-server with fixed arguments
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--daemonize",
                "yes",
            ],
            check=True,
            capture_output=True,
        )
        for _ in range(100):
            if self.answers():
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {PORT}")

    def stop(self, *, keep_data: bool = False) -> None:
        """Stop the server; with `keep_data` it writes its data first and loads it on start."""
        if not self.answers():
            return
        with contextlib.suppress(redis.ConnectionError):  # it hangs up as it stops
            self.client().shutdown(save=keep_data, nosave=not keep_data)
        for _ in range(100):
            if not self.answers():
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {PORT} did not stop")


@pytest.fixture
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    lock_path = Path(tempfile.gettempdir()) / f"grassroots-test-redis-{PORT}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        server = RedisServer(tmp_path_factory.mktemp("redis"))
        server.stop()  # a server left over from an interrupted run
        server.start()
        server.client().flushall()
        try:
            yield server
        finally:
            server.start()
            server.client().flushall()
