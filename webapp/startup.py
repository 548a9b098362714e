"""What a server needs before it may start: the session key and, for mail, the public address.

Production entry points (``webapp.wsgi``, ``webapp/gunicorn_conf.py``, ``make serve-prod``)
call ``check_production``: they refuse to start while ``portal.secret_key`` is empty or weak,
or while mail goes out through SMTP and ``portal.base_url`` is empty (links in mails would
otherwise have no trustworthy address). Each problem is named with the way to fix it.

Development (``regiokarte serve``, the other commands, tests) uses ``portal.secret_key`` when
it is set; otherwise a random key kept in the instance folder (``secret_key``, mode 0600),
made on first use and announced once. The fixed key that older versions used when the
setting was empty is refused everywhere: every cookie signed with it is worthless.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from core.errors import ConfigError
from core.settings import Settings

__all__ = [
    "KEY_FILE",
    "MIN_SECRET_KEY_LENGTH",
    "OLD_DEVELOPMENT_KEYS",
    "check_production",
    "development_secret_key",
    "instance_folder",
    "production_problems",
    "secret_key",
]

log = logging.getLogger(__name__)

#: Shortest ``portal.secret_key`` a production server accepts (``secrets.token_urlsafe(48)``
#: gives 64 characters).
MIN_SECRET_KEY_LENGTH = 32
#: Fewest different characters in it: a long run of one letter is no secret.
MIN_DISTINCT_CHARACTERS = 8
#: The file of the development key in the instance folder.
KEY_FILE = "secret_key"
#: Keys that are public: the fixed development key of older versions and placeholders from
#: examples. Never accepted, not even in development.
OLD_DEVELOPMENT_KEYS = frozenset({"dev-only-not-secret", "...", "change-me", "changeme", "secret"})

GENERATE = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
HOW_TO_SET = (
    f'set it in the environment, e.g. REGIOKARTE_PORTAL__SECRET_KEY="$({GENERATE})" (the same '
    "value on every server), or as secret_key in the [portal] table of the configuration file "
    "outside version control"
)


def _key_problem(key: str) -> str | None:
    """Why ``key`` cannot sign production sessions (None: it can)."""
    if not key:
        return f"portal.secret_key is empty: sessions could be forged; {HOW_TO_SET}."
    if key in OLD_DEVELOPMENT_KEYS:
        return (
            "portal.secret_key is a publicly known example value: sessions could be forged; "
            f"{HOW_TO_SET}."
        )
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return (
            f"portal.secret_key has {len(key)} characters ({len(set(key))} different); a "
            f"production key needs at least {MIN_SECRET_KEY_LENGTH} random characters "
            f"(at least {MIN_DISTINCT_CHARACTERS} different); {HOW_TO_SET}."
        )
    return None


def production_problems(settings: Settings) -> list[str]:
    """Everything that keeps a production server from starting, as sentences with the fix."""
    found = []
    problem = _key_problem(settings.portal.secret_key)
    if problem is not None:
        found.append(problem)
    if settings.mail.smtp_host and not settings.portal.base_url.strip():
        found.append(
            "portal.base_url is empty while mail.smtp_host is set: links in mails need the "
            "portal's public address and must never be taken from a request's Host header; "
            "set REGIOKARTE_PORTAL__BASE_URL=https://karte.example.org (your address)."
        )
    elif settings.portal.base_url and not settings.portal.base_url.startswith(
        ("https://", "http://")
    ):
        found.append(
            f"portal.base_url {settings.portal.base_url!r} is not a web address; write it "
            "with its scheme, e.g. https://karte.example.org."
        )
    return found


def check_production(settings: Settings) -> None:
    """Raise ConfigError naming every problem that keeps a production server from starting."""
    found = production_problems(settings)
    if found:
        raise ConfigError(
            "The server does not start: " + " ".join(found),
            {"settings": found},
        )


def instance_folder(settings: Settings) -> Path:
    """The folder of this installation's own files: the SQLite database's folder, otherwise
    ``instance`` in the working folder."""
    url = make_url(settings.portal.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent
    return Path("instance")


def development_secret_key(folder: Path) -> str:
    """The instance's development key from ``folder/secret_key``, made (mode 0600) and
    announced the first time; several processes starting at once all get the same key."""
    path = folder / KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    folder.mkdir(parents=True, exist_ok=True)
    made = secrets.token_urlsafe(48)
    # written to a private name first, then linked into place: a reader never sees half a
    # key, and when two processes race, the first link wins and both read its key
    scratch = folder / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(made + "\n")
        try:
            os.link(scratch, path)
        except FileExistsError:
            return path.read_text(encoding="ascii").strip()
    finally:
        scratch.unlink(missing_ok=True)
    log.warning(
        "portal.secret_key is not set: made a random development key and saved it in %s "
        "(readable by this user only). Production servers refuse to start without "
        "portal.secret_key.",
        path,
    )
    return made


def secret_key(settings: Settings, *, production: bool = False) -> str:
    """The key that signs this app's sessions.

    Production: ``portal.secret_key``, which must be strong (ConfigError otherwise).
    Development: ``portal.secret_key`` when set, else the instance's development key. The
    publicly known keys of ``OLD_DEVELOPMENT_KEYS`` are refused in both.
    """
    if production:
        check_production(settings)
        return settings.portal.secret_key
    configured = settings.portal.secret_key
    if configured in OLD_DEVELOPMENT_KEYS:
        raise ConfigError(
            "portal.secret_key is a publicly known example value: sessions could be forged; "
            f"leave it empty in development (a random key is made) or {HOW_TO_SET}."
        )
    return configured or development_secret_key(instance_folder(settings))
