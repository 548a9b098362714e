"""The life cycle through core's service functions: drafts, moderation, edits of published
profiles, links, consents, export and erasure."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fake_plugins.fake import FakePlugin
from PIL import Image
from questionnaire_support import ANSWERS, make_app, png

from core.errors import Conflict, NotFound, ValidationError
from core.persistence.tables import EditorTokenRow
from core.portal import accounts, audit
from core.portal import submissions as flow

LINKS = flow.Links(
    lambda token: f"http://test/fragebogen/link/{token}", lambda s: f"http://test/u/{s}"
)


def _answers() -> dict[str, dict[str, Any]]:
    return json.loads(json.dumps(ANSWERS))


def published(
    platform: Any,
    answers: dict[str, dict[str, Any]] | None = None,
    email: str = "chef@example.org",
) -> tuple[Any, Any]:
    """A company through the whole flow: (approved company, started)."""
    started = flow.start(platform, email=email, lang="de", consent=True, links=LINKS)
    for key, values in (answers or _answers()).items():
        assert flow.save_section(platform, started.submission.id, key, values, actor="t") == {}
    flow.submit(platform, started.submission.id, actor="t", links=LINKS)
    company = flow.approve(platform, started.submission.id, actor="operator:1", links=LINKS)
    return company, started


def found(platform: Any, text: str) -> list[str]:
    return [hit.name for hit in platform.search(platform.parse_query({"q": [text]})).items]


def test_nothing_is_public_before_approval(platform: Any) -> None:
    started = flow.start(platform, email="a@example.org", lang="de", consent=True, links=LINKS)
    for key, values in _answers().items():
        flow.save_section(platform, started.submission.id, key, values, actor="t")
    flow.submit(platform, started.submission.id, actor="t", links=LINKS)
    assert found(platform, "Morgenrot") == []
    company = flow.approve(platform, started.submission.id, actor="operator:1", links=LINKS)
    assert found(platform, "Morgenrot") == ["Bäckerei Morgenrot"]
    assert company.address.town == "Herten" and company.location is not None


def test_an_edit_waits_for_review_while_the_old_version_stays(platform: Any) -> None:
    company, started = published(platform)
    with platform.session(write=True) as session:
        token = accounts.resolve_token(session, started.token)
    edit = flow.start_edit(platform, token)
    assert edit.company_id == company.id and edit.answers["unternehmen"]["name"] == company.name
    assert edit.answers["kontakt"]["publish_contact"] is True
    renamed = {**edit.answers["unternehmen"], "name": "Bäckerei Abendrot"}
    flow.save_section(platform, edit.id, "unternehmen", renamed, actor=token.actor)
    flow.submit(platform, edit.id, actor=token.actor)
    assert found(platform, "Morgenrot") == ["Bäckerei Morgenrot"]
    assert found(platform, "Abendrot") == []
    changes = {c.field: (c.old, c.new) for c in flow.changes(platform, flow.get(platform, edit.id))}
    assert changes == {"name": ("Bäckerei Morgenrot", "Bäckerei Abendrot")}
    flow.approve(platform, edit.id, actor="operator:1", links=LINKS)
    assert found(platform, "Abendrot") == ["Bäckerei Abendrot"]
    assert found(platform, "Morgenrot") == []


def test_rejection_and_change_requests_are_mailed_with_the_reason(platform: Any) -> None:
    started = flow.start(platform, email="b@example.org", lang="en", consent=True, links=LINKS)
    for key, values in _answers().items():
        flow.save_section(platform, started.submission.id, key, values, actor="t")
    flow.submit(platform, started.submission.id, actor="t")
    flow.request_changes(
        platform, started.submission.id, actor="operator:1", message="Add a photo.", links=LINKS
    )
    with pytest.raises(Conflict):
        flow.approve(platform, started.submission.id, actor="operator:1", links=LINKS)
    flow.submit(platform, started.submission.id, actor="t")
    flow.reject(platform, started.submission.id, actor="operator:1", reason="Not in the region.")
    bodies = [m.body for m in platform.outbox.messages() if m.to == "b@example.org"]
    assert any("Add a photo." in b and "/fragebogen/link/" in b for b in bodies)
    assert any("Not in the region." in b for b in bodies)
    assert flow.get(platform, started.submission.id).status is flow.SubmissionStatus.REJECTED


def test_submitting_needs_every_required_answer(platform: Any) -> None:
    started = flow.start(platform, email="c@example.org", lang="de", consent=True, links=LINKS)
    flow.save_section(platform, started.submission.id, "unternehmen", {"name": "X"}, actor="t")
    with pytest.raises(flow.SubmissionInvalid) as caught:
        flow.submit(platform, started.submission.id, actor="t")
    assert {"unternehmen.industry", "standort.postcode", "ueber-uns.description"} <= set(
        caught.value.errors
    )
    with pytest.raises(ValidationError):
        flow.start(platform, email="c@example.org", lang="de", consent=False, links=LINKS)


def test_links_expire_and_can_be_revoked(platform: Any) -> None:
    started = flow.start(platform, email="d@example.org", lang="de", consent=True, links=LINKS)
    assert platform.outbox.messages()[0].body.count(started.token) == 1
    with platform.session(write=True) as session:
        assert accounts.resolve_token(session, started.token).submission_id == started.submission.id
        session.execute(
            sa.update(EditorTokenRow).values(
                expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            )
        )
    with platform.session(write=True) as session, pytest.raises(NotFound, match="expired"):
        accounts.resolve_token(session, started.token)
    with platform.session(write=True) as session:
        fresh = accounts.issue_token(session, submission_id=started.submission.id)
        assert accounts.revoke_tokens(session, submission_id=started.submission.id) == 2
    with platform.session(write=True) as session, pytest.raises(NotFound):
        accounts.resolve_token(session, fresh)


def test_passwords_are_hashed_and_checked(platform: Any) -> None:
    with platform.session(write=True) as session:
        accounts.create_operator(session, "pruefer", "noch-ein-langes-passwort")
        row = session.execute(
            sa.text("SELECT password_hash FROM core_operators WHERE username='pruefer'")
        ).scalar()
        assert row.startswith("$argon2id$") and "noch-ein" not in row
        assert accounts.authenticate(session, "pruefer", "noch-ein-langes-passwort") is not None
        assert accounts.authenticate(session, "pruefer", "falsch") is None
        assert accounts.authenticate(session, "niemand", "noch-ein-langes-passwort") is None
        with pytest.raises(ValidationError):
            accounts.create_operator(session, "kurz", "zu-kurz")


def test_consents_are_stored_with_version_and_time(platform: Any) -> None:
    company, _ = published(platform)
    data = flow.export_data(platform, company_id=company.id)
    kinds = {(c["kind"], c["version"], c["given"]) for c in data["consents"]}
    assert ("processing", "2026-11-01", True) in kinds
    assert ("publish_contact", "2026-11-01", True) in kinds
    assert all(c["at"] and c["text_de"] for c in data["consents"])


def test_logos_are_checked_shrunk_and_reencoded(platform: Any) -> None:
    started = flow.start(platform, email="e@example.org", lang="de", consent=True, links=LINKS)
    flow.save_logo(platform, started.submission.id, png((1600, 800)), actor="t")
    data = flow.logo_of(platform, submission_id=started.submission.id)
    assert data is not None and data.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(data)).size == (512, 256)
    for bad in (b"<svg onload=alert(1)>", b"GIF89a" + b"\0" * 100, b"x" * 900_000):
        with pytest.raises(ValidationError):
            flow.save_logo(platform, started.submission.id, bad, actor="t")


@pytest.fixture
def fake_app(tmp_path: Path) -> Any:
    plugin = FakePlugin()
    app = make_app(tmp_path / "fake", plugins={"fake": plugin})
    yield app, plugin
    app.extensions["regiokarte"].db.dispose()


def _with_plugin_data(platform: Any) -> tuple[Any, Any, dict[str, Any]]:
    answers = _answers()
    answers["fake_care"] = {"nearby": True, "kind": "kita", "note": "Frau Kita-Leitung Sommer"}
    company, started = published(platform, answers)
    with platform.db.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO fake_places (company_id, name, lat, lon) VALUES (:c, :n, 51.6, 7.1)"
            ),
            {"c": company.id, "n": "Kita Sonnenblume (Ansprechpartner Herr Winter)"},
        )
    # a pending edit with new personal data, and a logo
    with platform.session(write=True) as session:
        token = accounts.resolve_token(session, started.token)
    edit = flow.start_edit(platform, token)
    contact = {**edit.answers["kontakt"], "contact_phone": "0171 9876543"}
    flow.save_section(platform, edit.id, "kontakt", contact, actor=token.actor)
    flow.save_logo(platform, edit.id, png(), actor=token.actor)
    personal = {
        "Erika Mustermann",
        "erika@morgenrot.example",
        "02366 12345",
        "0171 9876543",
        "chef@example.org",
        "Frau Kita-Leitung Sommer",
        "Kita Sonnenblume (Ansprechpartner Herr Winter)",
        "Bäckerei Morgenrot",
        "Kleines Team, feste Schichten.",
    }
    return company, edit, personal


def test_export_holds_every_personal_field_of_core_and_plugins(fake_app: Any) -> None:
    app, _ = fake_app
    platform = app.extensions["regiokarte"]
    company, edit, personal = _with_plugin_data(platform)
    data = flow.export_data(platform, submission_id=edit.id)
    text = json.dumps(data, ensure_ascii=False)
    for value in personal:
        assert value in text, value
    assert data["company"]["contact"] == {
        "name": "Erika Mustermann",
        "email": "erika@morgenrot.example",
        "phone": "02366 12345",
    }
    assert {s["email"] for s in data["submissions"]} == {"chef@example.org"}
    assert data["plugins"]["fake"]["places"][0]["name"].startswith("Kita Sonnenblume")
    assert data["company"]["extensions"]["fake"]["note"] == "Frau Kita-Leitung Sommer"
    assert data["logos"] and data["editor_links"] and data["history"]
    # every column core declares personal is in the export
    from core.portal.privacy import PERSONAL_FIELDS

    assert set(PERSONAL_FIELDS) == {"core_company_contacts", "core_submissions"}


def _database_text(platform: Any) -> str:
    """Every value of every table, as one text."""
    parts = []
    with platform.db.connect() as connection:
        for table in sa.inspect(platform.db).get_table_names():
            for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')):
                parts.extend(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row)
    return "\n".join(parts)


def test_erasure_leaves_no_personal_data_in_any_table_or_index(fake_app: Any) -> None:
    app, plugin = fake_app
    platform = app.extensions["regiokarte"]
    company, edit, personal = _with_plugin_data(platform)
    neighbour = {
        "unternehmen": {"name": "Nachbar GmbH", "industry": "F", "employees": "3"},
        "standort": {"postcode": "45657"},
        "ueber-uns": {"description": "Wir bauen."},
    }
    other, _ = published(platform, neighbour, email="nachbar@example.org")
    with platform.session(write=True) as session:  # a plugin's mail to the company, waiting
        platform.queue_mail(session, "Chef@example.org", "Einladung", "Kommen Sie?", plugin="fake")
        platform.queue_mail(session, "nachbar@example.org", "Einladung", "Auch Sie?", plugin="fake")
    before = _database_text(platform)
    assert all(value in before for value in personal)
    flow.erase(platform, submission_id=edit.id, actor="editor:1")
    after = _database_text(platform)
    for value in personal:
        assert value not in after, value
    assert plugin.erased == [company.id]
    index = platform.engine.index
    indexed = " ".join([*index.names, *index.slugs, *map(str, index.ids[index.alive])])
    assert "Morgenrot" not in indexed and "Nachbar GmbH" in indexed
    assert found(platform, "Morgenrot") == []
    assert not any(m.to == "chef@example.org" for m in platform.outbox.messages())
    assert [m.recipient for m in platform.queued_mail()] == ["nachbar@example.org"]
    # the audit log keeps the erasure, without anything personal
    with platform.session() as session:
        entries = audit.recent_entries(session, subject=f"company:{company.id}")
    assert entries[0].action == "company.erase"
    with pytest.raises(NotFound):
        flow.get(platform, edit.id)
    assert other.id != company.id
