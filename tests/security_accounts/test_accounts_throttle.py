"""Login throttling that cannot be turned against the operator (OWASP Authentication and
Credential Stuffing cheat sheets).

The attack: the lock was per user name, whatever the address, so anyone could keep an
operator out indefinitely by typing wrong passwords. Now failures lock one (name, address);
a ceiling per name slows addresses that never logged in to it; an address from which the
operator logged in before is never slowed, so the right password from there always works.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts_security_support import ADMIN, AppMaker, csrf, platform_of
from flask import Flask
from flask.testing import FlaskClient

from core.portal import accounts, audit
from core.portal.attempts import address_key

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
POLICY = accounts.LoginPolicy(
    max_failures=5,
    lockout=dt.timedelta(minutes=1),
    max_lockout=dt.timedelta(minutes=60),
    account_ceiling=20,
    slowdown=dt.timedelta(seconds=30),
)
WRONG = "falsches-passwort-123"
OFFICE = "192.0.2.10"  # where the operator logged in before
ATTACKER = "203.0.113.66"


def attempt(
    platform: Any, address: str, password: str, now: dt.datetime, name: str = ADMIN[0]
) -> accounts.LoginResult:
    with platform.session(write=True) as session:
        return accounts.log_in(session, name, password, address=address, now=now, policy=POLICY)


def botnet(platform: Any, count: int, now: dt.datetime, name: str = ADMIN[0]) -> None:
    """``count`` wrong passwords, each from another address (no address reaches its lock)."""
    for n in range(count):
        attempt(platform, f"198.51.{n // 250}.{n % 250 + 1}", WRONG, now, name)


def test_the_locked_out_operator_logs_in_from_a_known_address(platform: Any) -> None:
    assert attempt(platform, OFFICE, ADMIN[1], T0 - dt.timedelta(days=3)).operator is not None
    # one address hammers the name until it is locked for an hour ...
    now = T0
    for _ in range(12):  # each try as soon as the last lock ends: 1, 2, 4 ... 60 minutes
        result = attempt(platform, ATTACKER, WRONG, now)
        now = (result.locked_until or now) + dt.timedelta(seconds=1)
    assert result.retry_after == dt.timedelta(minutes=60)
    now -= dt.timedelta(minutes=30)  # in the middle of the last lock
    # ... and a thousand more addresses push the name far over its ceiling
    botnet(platform, 1000, now)
    # the attacker's own address is locked, even with the right password
    assert attempt(platform, ATTACKER, ADMIN[1], now).operator is None
    # the operator, from the office, gets in at once, as often as needed
    for _ in range(3):
        assert attempt(platform, OFFICE, ADMIN[1], now).operator is not None
    # a wrong password from the office counts for the office alone
    assert attempt(platform, OFFICE, WRONG, now).locked_until is None


def test_unknown_addresses_are_slowed_above_the_ceiling_never_locked(platform: Any) -> None:
    botnet(platform, 20, T0)  # at the ceiling
    new_place = "100.64.7.7"
    # over the ceiling: one attempt from unknown addresses per 30 s, all of them together
    first = attempt(platform, "198.51.200.1", WRONG, T0)
    assert first.operator is None and first.locked_until is None  # this one was checked
    slowed = attempt(platform, new_place, ADMIN[1], T0 + dt.timedelta(seconds=10))
    assert slowed.operator is None
    assert slowed.locked_until == T0 + dt.timedelta(seconds=30)
    assert slowed.retry_after_seconds == 20
    # after the wait the right password from the new address works (and the address is known)
    later = T0 + dt.timedelta(seconds=30)
    assert attempt(platform, new_place, ADMIN[1], later).operator is not None
    assert attempt(platform, new_place, ADMIN[1], later).operator is not None


def test_the_ceiling_bounds_how_many_passwords_a_distributed_attack_can_try(
    platform: Any,
) -> None:
    """One wrong password per second from a new address each time, for ten minutes: the
    passwords actually checked are the ceiling plus one per slowdown period."""
    seconds = 600
    for n in range(seconds):
        attempt(platform, f"198.18.{n // 250}.{n % 250 + 1}", WRONG, T0 + dt.timedelta(seconds=n))
    with platform.session() as session:
        entries = audit.recent_entries(session, limit=10_000)
    checked = sum(e.action == "operator.login_failed" for e in entries)
    slowed = sum(e.action == "operator.login_slowed" for e in entries)
    # independent count: attempts 0..19 reach the ceiling; from then on one attempt is let
    # through at 20 s, 50 s, 80 s, ... (every 30 s) until second 599
    let_through = len(range(POLICY.account_ceiling, seconds, 30))
    assert checked == POLICY.account_ceiling + let_through
    assert slowed == seconds - checked
    print(f"{checked} of {seconds} passwords checked in {seconds} s from {seconds} addresses")


def test_unknown_names_are_slowed_exactly_like_existing_ones(platform: Any) -> None:
    answers = {}
    for name in (ADMIN[0], "gibt-es-nicht"):
        botnet(platform, 21, T0, name)
        answers[name] = attempt(platform, "100.64.1.1", WRONG, T0, name).locked_until
    assert answers[ADMIN[0]] == answers["gibt-es-nicht"] == T0 + dt.timedelta(seconds=30)


def test_one_ipv6_network_counts_as_one_address(platform: Any) -> None:
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"
    for n in range(5):
        result = attempt(platform, f"2001:db8:1:2::{n + 1:x}", WRONG, T0)
    assert result.locked_until == T0 + dt.timedelta(minutes=1)
    assert attempt(platform, "2001:db8:1:2::99", ADMIN[1], T0).operator is None
    assert attempt(platform, "2001:db8:9:9::1", ADMIN[1], T0).operator is not None


def test_the_ceiling_is_forgotten_a_day_after_the_last_failure(platform: Any) -> None:
    botnet(platform, 25, T0)
    slowed = attempt(platform, "100.64.3.3", ADMIN[1], T0 + dt.timedelta(seconds=1))
    assert slowed.operator is None
    next_day = T0 + dt.timedelta(hours=24, seconds=1)
    assert attempt(platform, "100.64.3.3", ADMIN[1], next_day).operator is not None


# --- over the web: the client's address -----------------------------------------------------------


def login_from(app: Flask, address: str, password: str, client: FlaskClient | None = None) -> Any:
    client = client or app.test_client()
    environ = {"REMOTE_ADDR": address}
    page = client.get("/admin/anmelden", environ_base=environ).get_data(as_text=True)
    return client.post(
        "/admin/anmelden",
        data={"csrf_token": csrf(page), "username": ADMIN[0], "password": password},
        environ_base=environ,
    )


def test_the_login_page_throttles_per_address(make_app: AppMaker) -> None:
    app = make_app(accounts={"max_failed_logins": 3, "account_failure_ceiling": 10})
    assert login_from(app, OFFICE, ADMIN[1]).status_code == 303  # the office is known
    codes = [login_from(app, ATTACKER, WRONG).status_code for _ in range(4)]
    assert codes == [401, 401, 429, 429]
    assert login_from(app, ATTACKER, ADMIN[1]).status_code == 429
    for n in range(12):  # over the ceiling from many addresses
        login_from(app, f"198.51.100.{n + 1}", WRONG)
    slowed = login_from(app, "100.64.0.9", ADMIN[1])
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) <= 30
    office = app.test_client()
    assert login_from(app, OFFICE, ADMIN[1], office).status_code == 303
    assert office.get("/admin/", environ_base={"REMOTE_ADDR": OFFICE}).status_code == 200


def test_set_password_forgets_the_failures_of_every_address(app: Flask) -> None:
    platform = platform_of(app)
    for address in (ATTACKER, OFFICE):
        for _ in range(5):
            attempt(platform, address, WRONG, dt.datetime.now(dt.UTC))
    with platform.session(write=True) as session:
        assert accounts.unlock(session, ADMIN[0])
    assert attempt(platform, ATTACKER, ADMIN[1], dt.datetime.now(dt.UTC)).operator is not None
