"""Helpers of the reliability tests: a real app with plugins and data, and what to compare.

``build_app`` makes the real app (core plus the childcare, housing, training and events
plugins) on a given database; ``fill`` puts demo companies, plugin data (Kitas, flats,
courses, events), an operator account and questionnaire submissions (one with a logo) into it
through the same commands and pages operators and companies use. ``observe`` is what a
restore must reproduce: the row count of every table, the results and facet counts of a set of
searches, and the exported companies.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import MetaData, func, select

from core.io import exporting
from core.platform import Platform
from core.portal import accounts, submissions
from webapp.app import create_app
from webapp.cli import cli

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ["childcare", "housing", "training", "events"]
ADMIN = ("betrieb", "ein-sehr-langes-passwort")
SECRET = "reliability-secret"

#: Searches whose results and facet counts a restored database must reproduce.
QUERIES: list[dict[str, list[str]]] = [
    {},
    {"q": ["bäckerei"]},
    {"industry": ["C", "F"]},
    {"near_town": ["Marl"], "radius_km": ["10"]},
    {"family": ["part_time"], "sort": ["name"]},
    {"childcare_kita": ["2km"]},
    {"childcare_kita_km": ["..2"], "housing_km": ["..20"], "housing_rent": ["2000"]},
    {"training_dual_study": ["true"]},
    {"q": ["Morgenrot"]},
]

#: Answers of a complete questionnaire (core sections), as the web form sends them.
ANSWERS: dict[str, dict[str, Any]] = {
    "unternehmen": {"name": "Bäckerei Morgenrot", "industry": "C", "employees": "10"},
    "standort": {"street": "Kirchstraße 3", "postcode": "45699", "town": ""},
    "ueber-uns": {
        "description": "Wir backen Brot und Brötchen für Herten.",
        "attractive": "Kleines Team, feste Schichten.",
        "typical_day": "Um 5 Uhr geht es los.",
        "learn": "Alles vom Sauerteig bis zur Torte.",
    },
    "angebote": {"offers": ["ausbildung", "praktikum"], "professions": ["29"], "benefits": []},
    "familie": {"family": ["part_time"], "certificates": []},
    "kontakt": {
        "contact_name": "Erika Mustermann",
        "contact_email": "erika@morgenrot.example",
        "contact_phone": "02366 12345",
        "publish_contact": "true",
    },
    "training": {"trains_apprentices": "false"},
    "housing_staff": {"offers_housing": "false"},
}


def build_app(
    url: str, folder: Path, *, plugins: list[str] | None = None, operator_token: str = ""
) -> Flask:
    """The real app on ``url`` with the plugins (the environment's REGIOKARTE_* ignored)."""
    folder.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "portal": {"database_url": url, "secret_key": SECRET, "operator_token": operator_token},
        "search": {"refresh_interval": 0.0},
        "mail": {"outbox_folder": str(folder / "outbox"), "operator_address": "ops@example.org"},
        "limits": {"enabled": False},
        "plugins": {"enabled": list(PLUGINS if plugins is None else plugins)},
    }
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    try:
        app = create_app(config)
    finally:
        os.environ.update(saved)
    app.config["TESTING"] = True
    return app


def platform_of(app: Flask) -> Platform:
    platform: Platform = app.extensions["regiokarte"]
    return platform


def run(app: Flask, *args: str, ok: bool = True) -> Result:
    """Run a ``regiokarte`` command in ``app``; with ``ok`` it must succeed."""
    result = app.test_cli_runner().invoke(cli, list(args))
    if ok:
        assert result.exit_code == 0, (args, result.output, result.exception)
    return result


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 200), "orange").save(out, format="PNG")
    return out.getvalue()


def start_questionnaire(client: FlaskClient, email: str) -> str:
    """Start the questionnaire in ``client``'s session; the CSRF token of the first step."""
    token = csrf(client.get("/fragebogen/").get_data(as_text=True))
    response = client.post(
        "/fragebogen/", data={"csrf_token": token, "email": email, "consent": "yes"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return csrf(client.get(response.headers["Location"]).get_data(as_text=True))


def save_step(client: FlaskClient, token: str, key: str, values: dict[str, Any]) -> Any:
    return client.post(
        f"/fragebogen/schritt/{key}", data={"csrf_token": token, "action": "next", **values}
    )


def fill(app: Flask, *, companies: int = 300) -> None:
    """Demo companies, plugin data, an operator and questionnaire submissions."""
    platform = platform_of(app)
    platform.upgrade_database()
    run(app, "demo", "--companies", str(companies), "--seed", "5")
    run(app, "childcare", "import", str(ROOT / "tests/plugins/childcare/data/kitas_marl.osm"))
    run(app, "housing", "import", str(ROOT / "plugins/housing/examples/angebote_beispiel.csv"))
    run(app, "training", "demo", "--seed", "2", "--courses", "40")
    run(
        app,
        "events",
        "add-organisation",
        "--name",
        "IHK Nord Westfalen",
        "--type",
        "chamber",
        "--postcode",
        "45657",
    )
    run(app, "events", "import", str(ROOT / "tests/plugins/events/data/events.csv"))
    with platform.session(write=True) as session:
        accounts.create_operator(session, ADMIN[0], ADMIN[1], accounts.Role.ADMIN)
    # one submission sent off with a logo, one half done
    client = app.test_client()
    token = start_questionnaire(client, "inhaberin@morgenrot.example")
    for key, values in ANSWERS.items():
        extra: dict[str, Any] = {}
        if key == "ueber-uns":
            extra = {"logo": (io.BytesIO(png()), "logo.png")}
        response = save_step(client, token, key, {**values, **extra})
        assert response.status_code == 303, (key, response.get_data(as_text=True)[:300])
    client.post("/fragebogen/pruefen", data={"csrf_token": token})
    links = submissions.Links(editor=lambda secret: f"http://portal.example/link/{secret}")
    (sent,) = submissions.queue(platform)
    submissions.approve(platform, sent.id, actor="operator:1", links=links)
    other = app.test_client()
    token = start_questionnaire(other, "chef@halbfertig.example")
    assert save_step(other, token, "unternehmen", ANSWERS["unternehmen"]).status_code == 303


def row_counts(platform: Platform) -> dict[str, int]:
    """Rows of every table of the database (found by reflection)."""
    metadata = MetaData()
    with platform.db.connect() as connection:
        metadata.reflect(connection)
        return {
            table.name: int(connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in metadata.sorted_tables
        }


@attrs.frozen
class Observed:
    counts: dict[str, int]
    searches: list[Any]
    export: str


def observe(platform: Platform) -> Observed:
    platform.engine.refresh(force=True)
    searches = []
    for params in QUERIES:
        known = {k: v for k, v in params.items() if k in _parameters(platform)}
        result = platform.search(platform.parse_query(known))
        facets = {
            key: sorted((v.value, v.count) for v in values) for key, values in result.facets.items()
        }
        searches.append((known, result.total, [h.id for h in result.items], facets))
    out = io.StringIO()
    exporting.export_companies(platform, out, "csv", with_contact=True)
    counts = row_counts(platform)
    counts.pop("alembic_version", None)
    # a restore bumps the search index generation on purpose
    counts.pop("core_index_state", None)
    return Observed(counts, searches, out.getvalue())


def _parameters(platform: Platform) -> set[str]:
    return {
        "q",
        "near_town",
        "radius_km",
        "sort",
        "housing_rent",
        *(s.key for s in platform.filters),
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout:g} s: {what}")


def write_companies(
    url: str, *, transactions: int, per_transaction: int, tag: str, stop: str = ""
) -> int:
    """Write ``transactions`` transactions of ``per_transaction`` companies (each with a
    contact) through the platform's write path, or fewer when the file ``stop`` appears; the
    number of companies written."""
    from core.model import Company, Contact, Status
    from core.persistence import companies as repo
    from core.settings import load_settings

    platform = Platform(load_settings(env={}, overrides={"portal": {"database_url": url}}))
    written = 0
    try:
        for number in range(transactions):
            if stop and Path(stop).exists():
                break
            with platform.session(write=True) as session:
                for item in range(per_transaction):
                    name = f"Schreibprobe {tag} {number}-{item}"
                    repo.add_company(
                        session,
                        Company(
                            name=name,
                            status=Status.PUBLISHED,
                            contact=Contact(name, f"{tag}-{number}-{item}@example.org", ""),
                        ),
                    )
            written += per_transaction
    finally:
        platform.db.dispose()
    return written


def writer_command(
    url: str, *, transactions: int, per_transaction: int, tag: str, stop: str = ""
) -> list[str]:
    """A command line that runs ``write_companies`` in a new Python process."""
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import reliability_support as s; "
        "print(s.write_companies(sys.argv[3], transactions=int(sys.argv[4]), "
        "per_transaction=int(sys.argv[5]), tag=sys.argv[6], stop=sys.argv[7]))"
    )
    here = str(Path(__file__).resolve().parent)
    return [
        sys.executable,
        "-c",
        code,
        str(ROOT),
        here,
        url,
        str(transactions),
        str(per_transaction),
        tag,
        stop,
    ]


def children(pid: int) -> set[int]:
    """The processes ``pid`` started (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(p) for p in text)
    return found


def search_total(url: str) -> int:
    request = urllib.request.Request(f"{url}/api/v1/search?per_page=5&q=gmbh")
    with urllib.request.urlopen(request, timeout=20) as response:
        return int(json.load(response)["total"])


class Gunicorn:
    """``gunicorn -c python:webapp.gunicorn_conf webapp.wsgi:app``, two workers, loopback."""

    def __init__(self, database_url: str, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOKARTE_")}
        env |= {"REGIOKARTE_DATABASE_URL": database_url, "REGIOKARTE_LIMITS__ENABLED": "false"}
        # these servers are killed and cut off on purpose and count failed requests; on a busy
        # machine load shedding would answer some requests 503 as well (that has its own test,
        # test_reliability_overload.py)
        env["REGIOKARTE_OVERLOAD__ENABLED"] = "false"
        # a production server starts only with a strong session key
        env["REGIOKARTE_PORTAL__SECRET_KEY"] = secrets.token_urlsafe(48)
        self.log = log
        self._out = log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:webapp.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "webapp.wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def answers(self) -> bool:
        """Whether the search answers 200 (a stopped server fails the test)."""
        return self.status("/api/v1/search?per_page=1") == 200

    def status(self, path: str) -> int | None:
        """The status of GET ``path``; None while nothing answers."""
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn stopped: {self.log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{self.url}{path}", timeout=20) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            return None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()
