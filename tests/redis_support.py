"""A throwaway Redis server for tests: Debian's ``redis-server`` on a free loopback port, run
in a temporary folder with nothing kept on disk; it can be stopped and started again on the
same port (a Redis outage and its end)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from checks import wait_for
from pg_cluster import free_port

__all__ = ["RedisServer", "redis_server"]


class RedisServer:
    """``redis-server`` on 127.0.0.1 in ``folder`` (log there too); ``url`` is its address."""

    def __init__(self, binary: str, folder: Path) -> None:
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.folder),
            "--save", "",
            "--appendonly", "no",
            "--logfile", str(self.folder / "redis.log"),
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command, cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for(self.accepts, timeout=10, what=f"redis-server accepts connections on {self.port}")

    def stop(self) -> None:
        """Stop the server (idempotent); its counts are gone, as nothing is saved."""
        if self._process is None:
            return
        self._process.terminate()
        self._process.wait(timeout=10)
        self._process = None

    def accepts(self) -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", self.port)) == 0


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    """A running server for the block; the test is skipped, with the reason shown, when
    ``redis-server`` or the ``redis`` client library is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not on PATH (Debian: apt-get install redis-server)")
    pytest.importorskip("redis", reason="the Redis client is not installed (extra 'redis')")
    folder.mkdir(parents=True, exist_ok=True)
    server = RedisServer(binary, folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()
