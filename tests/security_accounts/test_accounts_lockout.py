"""Login lockout with back-off (OWASP ASVS 2.2.1): counted per (user name, address) in the
database, the same for names that do not exist, shared by every app instance on the database.
The ceiling per user name and known addresses: test_accounts_throttle.py."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from accounts_security_support import ADMIN, AppMaker, page_error, platform_of, post_login
from sqlalchemy import select, update

from core.persistence.tables import FailedAttemptRow, LoginFailureRow
from core.portal import accounts, audit

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
POLICY = accounts.LoginPolicy(
    max_failures=3,
    lockout=dt.timedelta(minutes=1),
    max_lockout=dt.timedelta(minutes=8),
    forget_after=dt.timedelta(hours=24),
)
WRONG = "falsches-passwort-123"


def attempt(
    platform: Any, name: str, password: str, now: dt.datetime, address: str = "192.0.2.10"
) -> accounts.LoginResult:
    with platform.session(write=True) as session:
        return accounts.log_in(session, name, password, address=address, now=now, policy=POLICY)


def expected_lock(failures: int) -> dt.timedelta | None:
    """The back-off the policy above promises, written out: 1, 2, 4, 8, 8, ... minutes."""
    table = {3: 1, 4: 2, 5: 4, 6: 8}
    if failures < 3:
        return None
    return dt.timedelta(minutes=table.get(failures, 8))


def test_failures_lock_the_name_from_that_address_with_a_doubling_back_off(
    platform: Any,
) -> None:
    now = T0
    for failures in range(1, 9):
        result = attempt(platform, ADMIN[0], WRONG, now)
        lock = expected_lock(failures)
        assert result.operator is None
        assert result.locked_until == (now + lock if lock else None), failures
        if lock is not None:
            # while locked even the right password is refused, and counts for nothing
            during = attempt(platform, ADMIN[0], ADMIN[1], now + lock - dt.timedelta(seconds=1))
            assert during.operator is None and during.locked_until == now + lock
            assert during.retry_after_seconds == 1
            now = now + lock
        now += dt.timedelta(seconds=5)
    # the lock is over: the right password works and starts the count again
    assert attempt(platform, ADMIN[0], ADMIN[1], now).operator is not None
    for _ in range(2):
        assert attempt(platform, ADMIN[0], WRONG, now).locked_until is None
    assert attempt(platform, ADMIN[0], WRONG, now).locked_until == now + dt.timedelta(minutes=1)


def test_an_unknown_name_is_counted_and_locked_exactly_alike(platform: Any) -> None:
    known = [attempt(platform, ADMIN[0], WRONG, T0) for _ in range(4)]
    unknown = [attempt(platform, "niemand-hier", WRONG, T0) for _ in range(4)]
    assert [r.locked_until for r in known] == [r.locked_until for r in unknown]
    assert [r.locked_until for r in unknown][2:] == [T0 + dt.timedelta(minutes=1)] * 2
    # counted per name: other names are untouched (case and spaces do not make a new name)
    assert attempt(platform, "  LEITUNG ", WRONG, T0).locked_until is not None
    assert attempt(platform, "jemand-anders", WRONG, T0).locked_until is None


def test_failures_are_forgotten_a_day_after_the_last_one(platform: Any) -> None:
    for _ in range(2):
        attempt(platform, ADMIN[0], WRONG, T0)
    later = T0 + dt.timedelta(hours=24, seconds=1)
    assert attempt(platform, ADMIN[0], WRONG, later).locked_until is None
    assert attempt(platform, ADMIN[0], WRONG, later).locked_until is None
    assert attempt(platform, ADMIN[0], WRONG, later).locked_until is not None


def test_the_audit_log_has_every_attempt_without_password_or_name(platform: Any) -> None:
    secret_wrong = "Geheimnis-das-niemand-liest-42"
    for _ in range(3):
        attempt(platform, ADMIN[0], secret_wrong, T0)
    attempt(platform, ADMIN[0], ADMIN[1], T0)  # locked
    attempt(platform, "unbekannte-person", secret_wrong, T0)
    attempt(platform, ADMIN[0], ADMIN[1], T0 + dt.timedelta(minutes=2))  # works
    with platform.session() as session:
        entries = audit.recent_entries(session)[::-1]
        admin_id = accounts.list_operators(session)[0].id
    assert [(e.action, e.subject) for e in entries] == [
        *[("operator.login_failed", f"operator:{admin_id}")] * 3,
        ("operator.login_locked", f"operator:{admin_id}"),
        ("operator.login_failed", entries[4].subject),
        ("operator.login", f"operator:{admin_id}"),
    ]
    assert entries[4].subject.startswith("login:")
    assert [e.details.get("failures") for e in entries[:3]] == [1, 2, 3]
    assert entries[2].details["locked_until"] == (T0 + dt.timedelta(minutes=1)).isoformat()
    written = repr([(e.actor, e.subject, dict(e.details)) for e in entries])
    for private in (secret_wrong, ADMIN[1], ADMIN[0], "unbekannte-person"):
        assert private not in written


def test_the_login_page_refuses_a_locked_name_the_same_way_whether_it_exists(
    make_app: AppMaker,
) -> None:
    app = make_app(accounts={"max_failed_logins": 3, "lockout_minutes": 2})
    answers: dict[str, list[Any]] = {}
    for name in (ADMIN[0], "gibt-es-nicht"):
        client = app.test_client()
        answers[name] = [post_login(client, name, WRONG) for _ in range(3)]
        answers[name].append(post_login(client, name, ADMIN[1]))
        english = post_login(client, name, ADMIN[1], lang="en")
        assert english.status_code == 429
        assert page_error(english.get_data(as_text=True)) == (
            "Too many failed logins with this user name. Please try again in 2 minutes."
        )
    for name, responses in answers.items():
        assert [r.status_code for r in responses] == [401, 401, 429, 429], name
        assert responses[2].headers["Retry-After"] == "120"
        # the lock runs on while the test runs: a second or more gone on a busy machine
        assert 100 <= int(responses[3].headers["Retry-After"]) <= 120
    known = [page_error(r.get_data(as_text=True)) for r in answers[ADMIN[0]]]
    unknown = [page_error(r.get_data(as_text=True)) for r in answers["gibt-es-nicht"]]
    assert known == unknown
    assert (
        known[0] == "Benutzername oder Passwort stimmen nicht. Bitte versuchen Sie es noch einmal."
    )
    assert known[3] == (
        "Zu viele fehlgeschlagene Anmeldungen mit diesem Benutzernamen. Bitte versuchen Sie es "
        "in 2 Minuten wieder."
    )
    # the locked operator really is not logged in
    client = app.test_client()
    post_login(client, ADMIN[0], ADMIN[1])
    assert client.get("/admin/").status_code == 303


def _let_the_lock_pass(app: Any) -> None:
    """Move the stored lock into the past, as the clock would after waiting."""
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with platform_of(app).session(write=True) as session:
        session.execute(update(FailedAttemptRow).values(locked_until=past))


def test_after_the_lock_the_right_password_logs_in_and_resets(make_app: AppMaker) -> None:
    app = make_app(accounts={"max_failed_logins": 2})
    client = app.test_client()
    assert [post_login(client, ADMIN[0], WRONG).status_code for _ in range(2)] == [401, 429]
    assert post_login(client, ADMIN[0], ADMIN[1]).status_code == 429
    _let_the_lock_pass(app)
    assert post_login(client, ADMIN[0], ADMIN[1]).status_code == 303
    assert client.get("/admin/").status_code == 200
    with platform_of(app).session() as session:
        # the address's count starts again; the name's count from all addresses stays
        assert session.scalars(select(FailedAttemptRow)).all() == []
        assert [row.failures for row in session.scalars(select(LoginFailureRow))] == [2]


def test_two_app_instances_on_one_database_share_the_count(make_app: AppMaker) -> None:
    # two servers: each its own app, engine and connection pool, one database between them
    first = make_app("shared", accounts={"max_failed_logins": 4})
    second = make_app("shared", accounts={"max_failed_logins": 4})
    assert platform_of(first).db is not platform_of(second).db
    codes = [
        post_login(server.test_client(), ADMIN[0], WRONG).status_code
        for server in (first, second, first, second)
    ]
    assert codes == [401, 401, 401, 429]
    for server in (first, second):
        assert post_login(server.test_client(), ADMIN[0], ADMIN[1]).status_code == 429


def test_concurrent_failures_from_two_instances_are_all_counted(make_app: AppMaker) -> None:
    first = make_app("shared")
    second = make_app("shared")
    policy = accounts.LoginPolicy(max_failures=1000)
    errors: list[Exception] = []

    def fail(app: Any) -> None:
        try:
            for _ in range(4):
                with platform_of(app).session(write=True) as session:
                    accounts.log_in(session, "angriffsziel", WRONG, now=T0, policy=policy)
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=fail, args=(app,)) for app in (first, second) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with platform_of(first).session() as session:
        rows = session.scalars(select(LoginFailureRow)).all()
    assert [row.failures for row in rows] == [16]


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"max_failed_logins": 0}, "accounts.max_failed_logins"),
        ({"lockout_minutes": 90, "max_lockout_minutes": 60}, "accounts.lockout_minutes"),
        ({"failed_logins_forgotten_hours": 0}, "accounts.failed_logins_forgotten_hours"),
    ],
)
def test_unusable_lockout_settings_are_named(settings: dict[str, int], problem: str) -> None:
    from core.errors import ConfigError
    from core.settings import load_settings

    loaded = load_settings(env={}, overrides={"accounts": settings})
    with pytest.raises(ConfigError, match=problem):
        accounts.LoginPolicy.from_settings(loaded.accounts)


def test_the_defaults_lock_after_five_failures_for_one_minute_up_to_an_hour() -> None:
    from core.settings import load_settings

    policy = accounts.LoginPolicy.from_settings(load_settings(env={}).accounts)
    minutes = [policy.lock_for(n) for n in range(1, 13)]
    assert minutes == [None] * 4 + [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)]
    assert policy.lock_for(10_000) == dt.timedelta(minutes=60)


def test_the_web_app_does_not_start_with_unusable_login_settings(tmp_path: Any) -> None:
    from core.errors import ConfigError
    from webapp.app import create_app

    database = f"sqlite:///{tmp_path / 'start.db'}"
    with pytest.raises(ConfigError, match="accounts.lockout_minutes"):
        create_app(
            {
                "portal": {"database_url": database},
                "accounts": {"lockout_minutes": 90, "max_lockout_minutes": 60},
            }
        )
    with pytest.raises(ConfigError, match="accounts.min_password_length is 4; use 8 or more"):
        create_app({"portal": {"database_url": database}, "accounts": {"min_password_length": 4}})


def test_login_works_while_the_rate_limit_store_is_unreachable(make_app: AppMaker) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = make_app(limits={"enabled": True, "storage_uri": f"redis://127.0.0.1:{port}"})
    client = app.test_client()
    assert post_login(client, ADMIN[0], "falsch-falsch-falsch").status_code == 401
    assert post_login(client, ADMIN[0], ADMIN[1]).status_code == 303
