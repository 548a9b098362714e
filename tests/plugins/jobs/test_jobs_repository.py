"""Storing positions (SQLite here, PostgreSQL with REGIOKARTE_TEST_ENGINE=postgresql): every
read of the repository compared with the rule applied to every stored position, uniqueness per
source, and what happens to positions when their company goes."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from jobs_support import TODAY, is_open, position

from core import Conflict, NotFound, Platform, ValidationError
from plugins.jobs.hooks import service_for
from plugins.jobs.repository import PositionRepository


def _random_positions(count: int, seed: int = 3) -> list:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        published = TODAY + dt.timedelta(days=rng.randint(-60, 5))
        valid = rng.choice([None, published + dt.timedelta(days=rng.randint(0, 70))])
        filled = rng.choice([None, None, None, published + dt.timedelta(days=rng.randint(0, 40))])
        match = rng.choice(["matched", "review", "unmatched", "manual"])
        company = rng.randint(1, 6) if match in ("matched", "manual") else None
        candidates = tuple(rng.sample(range(1, 7), rng.randint(0, 3))) if match == "review" else ()
        out.append(
            position(
                external_id=f"R-{i}",
                employer_name=f"Firma {rng.choice('ABCDE')}",
                published=published,
                valid_through=valid,
                filled_on=filled,
                match=match,
                company_id=company,
                match_candidates=candidates,
                kind=rng.choice(["apprenticeship", "full_time", "minijob"]),
            )
        )
    return out


@pytest.fixture
def stored(fresh):
    platform = fresh()
    with platform.session(write=True) as session:
        repo = PositionRepository(session)
        saved = [repo.add(p, bump=False) for p in _random_positions(120)]
        repo.changed()
    return platform, saved


def test_added_positions_come_back_as_they_went_in(stored):
    platform, saved = stored
    originals = _random_positions(120)
    with platform.session() as session:
        again = PositionRepository(session).all()
    assert again == saved
    for original, back in zip(originals, again, strict=True):
        assert back.id is not None and back.created_at is not None
        assert back.created_at.tzinfo is not None
        assert back.evolve(id=None, created_at=None, updated_at=None) == original


def test_open_on_equals_the_rule_over_every_position_on_every_day(stored):
    platform, saved = stored
    with platform.session() as session:
        repo = PositionRepository(session)
        for delta in range(-70, 80, 7):
            day = TODAY + dt.timedelta(days=delta)
            expected = [p.id for p in saved if is_open(p, day)]
            assert [p.id for p in repo.open_on(day)] == expected, day


def test_of_company_and_by_external(stored):
    platform, saved = stored
    with platform.session() as session:
        repo = PositionRepository(session)
        for company in range(1, 7):
            expected = [p.id for p in saved if p.company_id == company]
            assert [p.id for p in repo.of_company(company)] == expected
        assert repo.by_external("import", "R-7") == saved[7]
        assert repo.by_external("ba", "R-7") is None
        assert repo.ids_by_external("import", ["R-1", "R-2", "nope"]) == {
            "R-1": saved[1].id, "R-2": saved[2].id,
        }  # fmt: skip


def test_review_list_holds_uncertain_then_unmatched_employers(stored):
    platform, saved = stored
    with platform.session() as session:
        listed = PositionRepository(session).review_list()
    expected = sorted(
        (p for p in saved if p.match in ("review", "unmatched")),
        key=lambda p: (p.match != "review", p.employer_name, p.employer_postcode, p.id),
    )
    assert [p.id for p in listed] == [p.id for p in expected]
    assert listed[0].match == "review" and listed[-1].match == "unmatched"


def test_update_get_delete(stored):
    platform, saved = stored
    first = saved[0]
    with platform.session(write=True) as session:
        repo = PositionRepository(session)
        changed = repo.update(first.evolve(title="Neuer <b>Titel</b>", filled_on=None))
        assert changed.title == "Neuer Titel"
        assert changed.updated_at >= first.updated_at and changed.created_at == first.created_at
        repo.delete(saved[1].id)
    with platform.session() as session:
        repo = PositionRepository(session)
        assert repo.get(first.id).title == "Neuer Titel"
        with pytest.raises(NotFound, match=str(saved[1].id)):
            repo.get(saved[1].id)
        with pytest.raises(NotFound):
            repo.delete(saved[1].id)
        with pytest.raises(NotFound):
            repo.update(position())


def test_an_external_id_is_unique_per_source(fresh):
    platform = fresh()
    with platform.session(write=True) as session:
        repo = PositionRepository(session)
        repo.add(position(external_id="X"))
        repo.add(position(external_id="X", source="ba"))
        with pytest.raises(Conflict, match="'X'"):
            repo.add(position(external_id="X"))
        hand = repo.add(position(source="editor", match="manual", company_id=1, external_id=""))
        other = repo.add(position(source="editor", match="manual", company_id=1, external_id=""))
        assert hand.external_id and other.external_id and hand.external_id != other.external_id


def test_an_invalid_position_is_not_stored(fresh):
    platform = fresh()
    with pytest.raises(ValidationError, match="kind"):
        with platform.session(write=True) as session:
            repo = PositionRepository(session)
            repo.add(position(external_id="ok"))
            repo.add(position(external_id="bad", kind="tagesjob"))
    with platform.session() as session:
        assert PositionRepository(session).all() == []


def test_a_gone_company_loses_its_own_positions_and_imported_ones_become_unmatched(fresh):
    platform = fresh()
    with platform.session(write=True) as session:
        repo = PositionRepository(session)
        own = repo.add(position(source="editor", match="manual", company_id=5, external_id=""))
        imported = repo.add(position(external_id="I", match="matched", company_id=5))
        review = repo.add(position(external_id="R", match="review", match_candidates=(5, 8)))
        only = repo.add(position(external_id="O", match="review", match_candidates=(5,)))
        other = repo.add(position(external_id="K", match="matched", company_id=8))
    for _ in range(2):  # a second call changes nothing more
        with platform.session(write=True) as session:
            PositionRepository(session).forget_company(5)
        with platform.session() as session:
            repo = PositionRepository(session)
            with pytest.raises(NotFound):
                repo.get(own.id)
            assert repo.get(imported.id).company_id is None
            assert repo.get(imported.id).match == "unmatched"
            assert repo.get(review.id).match_candidates == (8,)
            assert repo.get(only.id).match == "unmatched"
            assert repo.get(other.id) == other
            assert repo.of_company(5) == []


def test_every_process_sees_positions_another_one_wrote(fresh):
    writer = fresh()
    reader = Platform(writer.settings)
    try:
        service = service_for(reader)
        assert service.open_positions() == ()
        with writer.session(write=True) as session:
            a = PositionRepository(session).add(
                position(external_id="A", match="matched", company_id=2)
            )
            PositionRepository(session).add(
                position(external_id="B", valid_through=TODAY - dt.timedelta(days=1))
            )
        assert [p.id for p in service.open_positions()] == [a.id]
        assert service.positions_of(2) == (a,)
        assert service.position(a.id) == a
        assert service.today() == TODAY
        with writer.session(write=True) as session:
            PositionRepository(session).update(a.evolve(filled_on=TODAY))
        assert service.open_positions() == ()
        assert service.positions_of(2) == ()
        with pytest.raises(NotFound):
            service.position(a.id)
        assert service.position(a.id, include_closed=True).filled_on == TODAY
    finally:
        reader.db.dispose()


def test_the_clock_decides_day_by_day_without_a_write(fresh):
    platform = fresh()
    with platform.session(write=True) as session:
        p = PositionRepository(session).add(position(external_id="T", valid_through=TODAY))
    service = service_for(platform)
    assert [x.id for x in service.open_positions()] == [p.id]
    service.clock = lambda: TODAY + dt.timedelta(days=1)
    assert service.open_positions() == ()
    assert service.version()[1] == TODAY + dt.timedelta(days=1)


def test_upsert_adds_then_updates_in_place_by_source_and_external_id(fresh):
    platform = fresh()
    batch = _random_positions(30)
    with platform.session(write=True) as session:
        assert PositionRepository(session).upsert(batch[:20]) == (20, 0)
    with platform.session() as session:
        first = {p.external_id: p for p in PositionRepository(session).all()}
    changed = [p.evolve(title=f"{p.title} <i>neu</i>") for p in batch[10:]]
    with platform.session(write=True) as session:
        assert PositionRepository(session).upsert(changed) == (10, 10)
    with platform.session() as session:
        after = {p.external_id: p for p in PositionRepository(session).all()}
    assert len(after) == 30
    for key, old in first.items():
        new = after[key]
        assert new.id == old.id and new.created_at == old.created_at
        assert new.title == (f"{old.title} neu" if int(key[2:]) >= 10 else old.title)
    assert service_for(platform).positions(force=True).version > 0


def test_upsert_stores_nothing_when_one_position_is_bad(fresh):
    platform = fresh()
    batch = _random_positions(10)
    bad = [*batch, batch[3], position(external_id="K", kind="tagesjob", title="")]
    with pytest.raises(ValidationError) as caught:
        with platform.session(write=True) as session:
            PositionRepository(session).upsert(bad)
    assert set(caught.value.errors) == {"import:R-3", "import:K"}
    assert "none was stored" in str(caught.value) and "tagesjob" in str(caught.value)
    with platform.session() as session:
        assert PositionRepository(session).all() == []
