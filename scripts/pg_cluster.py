"""A throwaway PostgreSQL cluster on loopback, for the tests, the benchmarks and CI.

    python scripts/pg_cluster.py start FOLDER    # prints the admin URL
    python scripts/pg_cluster.py stop FOLDER     # stops the cluster and removes FOLDER
    python scripts/pg_cluster.py available       # exit status 0 when PostgreSQL is installed

``initdb`` and ``pg_ctl`` come from PATH or Debian's /usr/lib/postgresql/<version>/bin. initdb
refuses to run as root: as root the cluster runs as the ``postgres`` user (Debian's package
creates it). The cluster trades durability for speed (fsync off): it is for data that may be
lost, never for production.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["Cluster", "find_pg_bin"]

#: Settings for a cluster that only tests and benchmarks use.
FAST_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
)


def find_pg_bin(name: str) -> str | None:
    """The PostgreSQL program ``name``: from PATH, else the newest Debian server package's."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    return str(candidates[0]) if candidates else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """A PostgreSQL cluster in ``folder`` (a new temporary folder by default), on 127.0.0.1."""

    def __init__(self, folder: Path | None = None, *, port: int | None = None) -> None:
        self.initdb = find_pg_bin("initdb")
        self.pg_ctl = find_pg_bin("pg_ctl")
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="regiokarte-pg-"))
        else:
            folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.data = folder / "data"
        self.port = port or free_port()
        # initdb refuses to run as root: then the cluster runs as the postgres user
        self.prefix: list[str] = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.started = False

    @property
    def url(self) -> str:
        """The admin URL (user ``regiokarte``, trusted on loopback, may create databases)."""
        return f"postgresql+psycopg://regiokarte@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [*self.prefix, *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "LC_ALL": "C"},
            # runuser checks that the current folder is readable by the target user
            cwd=self.folder,
        )
        if result.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed: {result.stderr}{result.stdout}{tail}")

    def start(self) -> str:
        """initdb and start; the admin URL. LookupError when PostgreSQL is not installed."""
        if self.initdb is None or self.pg_ctl is None:
            raise LookupError(
                "initdb/pg_ctl are not installed (Debian: apt-get install postgresql)"
            )
        if self.prefix:
            import pwd

            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise LookupError("running as root and there is no 'postgres' user") from None
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self._run(
            self.initdb,
            "-D",
            str(self.data),
            "-U",
            "regiokarte",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 {FAST_OPTIONS}"
        self._run(
            self.pg_ctl,
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        self.started = True
        return self.url

    def stop(self) -> None:
        """Stop the server (if it runs) and remove the folder."""
        try:
            if self.started or (self.data / "postmaster.pid").exists():
                self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            self.started = False
            shutil.rmtree(self.folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "available"])
    parser.add_argument("folder", type=Path, nargs="?")
    args = parser.parse_args(argv)
    if args.action == "available":
        return 0 if find_pg_bin("initdb") and find_pg_bin("pg_ctl") else 1
    if args.folder is None:
        parser.error("start and stop need the cluster's folder")
    if args.action == "start":
        cluster = Cluster(args.folder.resolve())
        try:
            print(cluster.start())
        except (LookupError, RuntimeError) as exc:
            cluster.stop()
            print(f"PostgreSQL could not be started: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.folder.exists():
        Cluster(args.folder.resolve()).stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
