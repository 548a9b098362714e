"""Hostile-input benchmark: how fast, and in how much memory, the GTFS import refuses a 2 MB
zip whose ``stop_times.txt`` unpacks to one line of 2 GiB, and a feed with one badly
compressible line of 8 MiB.

    python bench/hostile_bench.py

Each file is imported with ``regiokarte transit import`` (through the CLI runner) in a fresh
process on an empty SQLite database; printed per file: the exit code, seconds, bytes
unpacked and the growth of the process's peak memory. Nothing is asserted (the tests bound
the bytes read and the memory instead).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.security.hostile_files import long_line_feed, one_line_feed  # noqa: E402

SCRIPT = """
import json, resource, sys, time, zipfile
sys.path.insert(0, {root!r})
unpacked = [0]
original = zipfile.ZipExtFile.read
def read(member, n=-1):
    data = original(member, n)
    unpacked[0] += len(data)
    return data
zipfile.ZipExtFile.read = read
from webapp.app import create_app
from webapp.cli import cli
app = create_app({{"portal": {{"database_url": "sqlite:///{db}"}},
                   "plugins": {{"enabled": ["transit"]}}}})
app.extensions["regiokarte"].upgrade_database()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
result = app.test_cli_runner().invoke(cli, ["transit", "import", {feed!r}])
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"exit": result.exit_code, "seconds": seconds, "unpacked": unpacked[0],
                   "growth_mib": (after - before) / 1024, "output": result.output}}))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        files = {
            "2 MB zip, one line of 2 GiB": one_line_feed(base / "one-line.zip"),
            "zip with one random line of 8 MiB": long_line_feed(base / "long-line.zip"),
        }
        print("| file | zip size | exit | seconds | unpacked | peak memory growth |")
        print("|---|---|---|---|---|---|")
        for n, (label, feed) in enumerate(files.items()):
            script = SCRIPT.format(root=str(ROOT), db=str(base / f"b{n}.db"), feed=str(feed))
            done = subprocess.run(
                [sys.executable, "-c", script], capture_output=True, text=True, check=True
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"| {label} | {feed.stat().st_size / 1e6:.1f} MB | {result['exit']} | "
                f"{result['seconds']:.2f} | {result['unpacked'] / 2**20:.1f} MiB | "
                f"{result['growth_mib']:.1f} MiB |"
            )
            print(f"|  | {result['output'].strip().splitlines()[-1][:150]} |||||")


if __name__ == "__main__":
    main()
