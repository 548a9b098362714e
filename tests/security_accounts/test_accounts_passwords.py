"""Operator passwords (OWASP ASVS 2.1): 12 to 128 characters, not a common password, not the
user name; for ``regiokarte accounts create`` and password changes alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from accounts_security_support import ADMIN, AppMaker, platform_of, post_login

from core.errors import ValidationError
from core.portal import accounts
from webapp.cli import cli

LIST = Path(__file__).resolve().parents[2] / "core" / "data" / "common-passwords.txt"


def _listed() -> list[str]:
    return LIST.read_text(encoding="utf-8").split("\n")[:-1]


def test_the_shipped_list_is_the_documented_one() -> None:
    listed = _listed()
    assert len(listed) == len(set(listed)) == 30_000
    assert listed[:4] == ["123456", "password", "12345678", "qwerty"]
    assert all(p == p.strip() and p == p.lower() and p for p in listed)
    source = (LIST.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert "`common-passwords.txt`" in source and "zxcvbn" in source and "MIT" in source


#: every listed password that the length rule alone would let through
LONG_COMMON = [p for p in _listed() if 12 <= len(p) <= 128]


def test_long_common_passwords_are_refused_in_any_case() -> None:
    assert len(LONG_COMMON) > 100
    policy = accounts.PasswordPolicy()
    for password in (*LONG_COMMON, LONG_COMMON[0].upper(), LONG_COMMON[-1].title()):
        assert policy.problems(password) == [
            "The password is one of the most common passwords, which are tried first; "
            "choose another."
        ], password


@pytest.mark.parametrize(
    ("password", "username", "rule"),
    [
        ("elf-zeichen", "jana", "has 11 characters; use at least 12"),
        ("x" * 129, "jana", "has 129 characters; use at most 128"),
        ("qwertyuiop123", "jana", "one of the most common passwords"),
        ("JANA-und-ihr-Fahrrad", "jana", "contains the user name"),
        ("fahrrad-von-jana-7", " Jana ", "contains the user name"),
    ],
)
def test_each_broken_rule_is_named(password: str, username: str, rule: str) -> None:
    with pytest.raises(ValidationError) as raised:
        accounts.check_password(password, username)
    assert rule in raised.value.message
    assert len(raised.value.errors["password"]) == 1


@pytest.mark.parametrize(
    "password",
    [
        "Kaffeetasse-Fahrrad-Nordsee",
        "z" * 12,
        "ü" * 128,  # 128 characters, whatever their bytes
        "ein langer Satz mit Leerzeichen",
        "jan-und-ana-im-zug",  # shares letters with the name, but not the name
    ],
)
def test_good_passwords_pass(password: str) -> None:
    assert accounts.PasswordPolicy().problems(password, "janA") == []


def test_several_broken_rules_are_all_named() -> None:
    with pytest.raises(ValidationError) as raised:
        accounts.check_password("Jana", "jana")
    assert raised.value.errors["password"] == [
        "The password has 4 characters; use at least 12 (a few words in a row are easy to "
        "remember).",
        "The password contains the user name; choose one that does not.",
    ]


def _create(app: Any, name: str, password: str) -> Any:
    return app.test_cli_runner().invoke(
        cli, ["accounts", "create", name, "--password-stdin"], input=password + "\n"
    )


def _names(app: Any) -> list[str]:
    with platform_of(app).session() as session:
        return [o.username for o in accounts.list_operators(session)]


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("zu-kurz", "use at least 12"),
        ("1qaz2wsx3edc", "one of the most common passwords"),
        ("pruefer-passwort-2026", "contains the user name"),
        ("p" * 129, "use at most 128"),
    ],
)
def test_accounts_create_refuses_a_bad_password(app: Any, password: str, rule: str) -> None:
    result = _create(app, "pruefer", password)
    assert result.exit_code != 0
    assert isinstance(result.exception, ValidationError) and rule in result.exception.message
    assert _names(app) == [ADMIN[0]]


def test_accounts_create_follows_the_length_settings(make_app: AppMaker) -> None:
    app = make_app(accounts={"min_password_length": 16, "max_password_length": 64})
    assert "use at least 16" in _create(app, "pruefer", "fuenfzehn-zeich").exception.message
    assert "use at most 64" in _create(app, "pruefer", "w" * 65).exception.message
    result = _create(app, "pruefer", "sechzehn-zeichen")
    assert result.exit_code == 0, result.output
    assert "Created operator 'pruefer'" in result.output
    assert post_login(app.test_client(), "pruefer", "sechzehn-zeichen").status_code == 303


def test_the_prompt_names_the_rules(app: Any) -> None:
    result = app.test_cli_runner().invoke(
        cli, ["accounts", "create", "pruefer"], input="Regenschirm-Zugspitze\n" * 2
    )
    assert result.exit_code == 0, result.output
    assert (
        "Password (12 to 128 characters, not a common password, not containing the user name)"
        in result.output
    )


def test_a_password_change_is_checked_against_the_same_rules(platform: Any) -> None:
    with platform.session(write=True) as session:
        admin = accounts.list_operators(session)[0]
        for bad, rule in (
            ("leitung-2026-neu", "contains the user name"),
            ("qazwsxedcrfv", "most common"),
            ("kurz", "at least 12"),
        ):
            with pytest.raises(ValidationError, match=rule):
                accounts.set_password(session, admin.id, bad)
        with pytest.raises(ValidationError, match="at least 20"):
            accounts.set_password(
                session,
                admin.id,
                "Neunzehn-Zeichen-19",
                policy=accounts.PasswordPolicy(min_length=20),
            )
        accounts.set_password(session, admin.id, "Laternenumzug-im-Herbst")
    with platform.session(write=True) as session:
        assert accounts.authenticate(session, ADMIN[0], ADMIN[1]) is None
        assert accounts.authenticate(session, ADMIN[0], "Laternenumzug-im-Herbst") is not None


def test_set_password_command_checks_the_rules_and_ends_a_lockout(app: Any) -> None:
    client = app.test_client()
    for _ in range(6):
        post_login(client, ADMIN[0], "falsch-falsch-falsch")
    # locked: even the right password is refused
    assert post_login(client, ADMIN[0], ADMIN[1]).status_code == 429
    runner = app.test_cli_runner()
    weak = runner.invoke(
        cli, ["accounts", "set-password", ADMIN[0], "--password-stdin"], input="qazwsxedcrfv\n"
    )
    assert weak.exit_code != 0 and "most common" in weak.exception.message
    unknown = runner.invoke(
        cli, ["accounts", "set-password", "niemand", "--password-stdin"], input="x\n"
    )
    assert unknown.exit_code != 0 and "There is no operator 'niemand'" in unknown.output
    new = "Sonnenblume-Ostsee-Fahrrad"
    done = runner.invoke(
        cli, ["accounts", "set-password", ADMIN[0], "--password-stdin"], input=new + "\n"
    )
    assert done.exit_code == 0, done.output
    assert post_login(client, ADMIN[0], ADMIN[1]).status_code != 303
    assert post_login(app.test_client(), ADMIN[0], new).status_code == 303
