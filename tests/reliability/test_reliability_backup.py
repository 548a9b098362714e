"""``regiokarte backup`` and ``restore``: nothing lost, on either engine and across them.

A database with demo companies, plugin data (Kitas, flats, courses, events), questionnaire
submissions (one with a logo) and an operator is backed up and restored into an empty
database: every table has the same rows, searches give the same results and facet counts, the
export is the same, and running processes follow. Damaged files and full databases are
refused without writing anything.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_support import (
    build_app,
    fill,
    observe,
    platform_of,
    row_counts,
    run,
    wait_until,
    write_companies,
    writer_command,
)
from sqlalchemy import text

from core.errors import ConfigError, Conflict
from core.io.backup import BackupError, create_backup, read_manifest, restore_backup
from core.model import Company, Status

ENGINE_PAIRS = [
    pytest.param("sqlite", "sqlite", id="sqlite-to-sqlite"),
    pytest.param(
        "postgresql", "postgresql", id="postgresql-to-postgresql", marks=pytest.mark.postgres
    ),
    pytest.param("sqlite", "postgresql", id="sqlite-to-postgresql", marks=pytest.mark.postgres),
    pytest.param("postgresql", "sqlite", id="postgresql-to-sqlite", marks=pytest.mark.postgres),
]


@pytest.mark.parametrize(("source", "target"), ENGINE_PAIRS)
def test_a_restore_reproduces_every_table_search_and_export(
    database_of: Callable[[str], str], tmp_path: Path, source: str, target: str
) -> None:
    original = build_app(database_of(source), tmp_path / "a")
    fill(original)
    before = observe(platform_of(original))
    assert before.counts["core_logos"] and before.counts["childcare_kitas"]
    assert before.counts["training_courses"] and before.counts["events_events"]
    backup = tmp_path / "region.zip"
    assert "Backed up" in run(original, "backup", str(backup)).output
    assert backup.stat().st_mode & 0o077 == 0, "personal data: readable by its owner only"

    restored = build_app(database_of(target), tmp_path / "b")
    platform = platform_of(restored)
    platform.upgrade_database()  # an initialised, empty database counts as empty
    # this process has built its index (empty) before the restore: it must follow
    assert platform.search(platform.parse_query({})).total == 0
    assert "Restored" in run(restored, "restore", str(backup)).output
    assert platform.search(platform.parse_query({})).total == before.searches[0][1]

    after = observe(platform)
    assert after.counts == before.counts
    assert after.searches == before.searches
    assert after.export == before.export
    manifest = read_manifest(backup)
    assert manifest.row_counts == {**before.counts, "core_index_state": 1}
    assert manifest.engine == source

    # new rows get fresh ids (PostgreSQL: the sequences were moved past the restored ids)
    highest = max(int(line.split(",", 1)[0]) for line in after.export.splitlines()[1:])
    saved = platform.save_company(
        Company(name="Nach der Wiederherstellung", status=Status.PUBLISHED)
    )
    assert saved.id is not None and saved.id > highest
    original_platform = platform_of(original)
    original_platform.db.dispose()
    platform.db.dispose()


def test_restore_refuses_a_database_with_data_unless_replace(
    database_of: Callable[[str], str], tmp_path: Path
) -> None:
    original = build_app(database_of("sqlite"), tmp_path / "a")
    fill(original, companies=50)
    backup = tmp_path / "region.zip"
    run(original, "backup", str(backup))
    expected = observe(platform_of(original))

    busy = build_app(database_of("sqlite"), tmp_path / "b", plugins=[*platform_plugins(original)])
    run(busy, "demo", "--companies", "7", "--seed", "9")
    counts = row_counts(platform_of(busy))
    with pytest.raises(Conflict, match="--replace"):
        restore_backup(platform_of(busy), backup)
    assert row_counts(platform_of(busy)) == counts

    result = run(busy, "restore", str(backup), ok=False)
    assert result.exit_code != 0 and isinstance(result.exception, Conflict)
    run(busy, "restore", "--replace", str(backup))
    assert observe(platform_of(busy)) == expected


def platform_plugins(app: object) -> list[str]:
    return [p.name for p in platform_of(app).plugins if p.name != "core"]  # type: ignore[arg-type]


def _damaged(backup: Path, target: Path, how: str) -> Path:
    data = backup.read_bytes()
    if how == "truncated":
        target.write_bytes(data[: len(data) * 2 // 3])
        return target
    with zipfile.ZipFile(backup) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if how == "changed-row" and item.filename == "data/core_companies.jsonl":
                content = content.replace(b"GmbH", b"GmbX", 1)
            if how == "missing-table" and item.filename == "data/core_companies.jsonl":
                continue
            out.writestr(item, content)
    return target


@pytest.mark.parametrize("how", ["truncated", "changed-row", "missing-table"])
def test_a_damaged_backup_is_refused_and_nothing_is_written(
    database_of: Callable[[str], str], tmp_path: Path, how: str
) -> None:
    original = build_app(database_of("sqlite"), tmp_path / "a")
    fill(original, companies=40)
    backup = tmp_path / "region.zip"
    create_backup(platform_of(original), backup)
    damaged = _damaged(backup, tmp_path / "damaged.zip", how)

    target = build_app(database_of("sqlite"), tmp_path / "b")
    with pytest.raises(BackupError, match="damaged|lacks") as caught:
        restore_backup(platform_of(target), damaged)
    assert "nothing was restored" in caught.value.message or "lacks" in caught.value.message
    assert row_counts(platform_of(target)) == {}  # not even the tables were created
    result = run(target, "restore", str(damaged), ok=False)
    assert result.exit_code != 0


def _edited_manifest(backup: Path, target: Path, change: Callable[[dict], None]) -> Path:  # type: ignore[type-arg]
    with zipfile.ZipFile(backup) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "manifest.json":
                manifest = json.loads(content)
                change(manifest)
                content = json.dumps(manifest).encode()
            out.writestr(item, content)
    return target


@pytest.mark.parametrize(
    ("change", "error", "fix"),
    [
        (lambda m: m.update(format_version=99), BackupError, "format version 99"),
        (
            lambda m: (m["schema"].update(core="core_9999"), m.update(heads=["core_9999"])),
            ConfigError,
            "upgrade regiokarte",
        ),
        (lambda m: m["plugins"].update(doctors="1.0"), ConfigError, "plugins.enabled"),
    ],
    ids=["unknown-format", "newer-schema", "plugin-missing"],
)
def test_a_backup_this_installation_cannot_take_is_refused_with_the_fix(
    database_of: Callable[[str], str],
    tmp_path: Path,
    change: Callable[[dict], None],  # type: ignore[type-arg]
    error: type[Exception],
    fix: str,
) -> None:
    original = build_app(database_of("sqlite"), tmp_path / "a", plugins=[])
    run(original, "demo", "--companies", "20")
    backup = create_backup_file(original, tmp_path)
    edited = _edited_manifest(backup, tmp_path / "edited.zip", change)
    target = build_app(database_of("sqlite"), tmp_path / "b", plugins=[])
    with pytest.raises(error, match=fix):
        restore_backup(platform_of(target), edited)
    assert row_counts(platform_of(target)) == {}


def create_backup_file(app: object, folder: Path) -> Path:
    backup = folder / "region.zip"
    create_backup(platform_of(app), backup)  # type: ignore[arg-type]
    return backup


@pytest.mark.slow
@pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_a_backup_taken_while_another_process_writes_is_consistent(
    database_of: Callable[[str], str], tmp_path: Path, engine: str
) -> None:
    """Each writer transaction adds five companies, each with a contact: a consistent
    snapshot holds a multiple of five of both, and as many contacts as companies."""
    url = database_of(engine)
    app = build_app(url, tmp_path / "a", plugins=[])
    platform_of(app).upgrade_database()
    write_companies(url, transactions=2, per_transaction=5, tag="start")
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        writer_command(url, transactions=5000, per_transaction=5, tag="during", stop=str(stop)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    manifests = []
    try:
        wait_until(
            lambda: row_counts(platform_of(app))["core_companies"] > 10,
            timeout=120,
            what="the writer process has started writing",
        )
        for number in range(4):
            backup = tmp_path / f"during-{number}.zip"
            manifests.append((backup, create_backup(platform_of(app), backup)))
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    written = int(out)
    assert written < 5000 * 5, "the writer was still writing while the backups were taken"
    assert row_counts(platform_of(app))["core_companies"] == 10 + written
    for _, manifest in manifests:
        companies = manifest.row_counts["core_companies"]
        assert 10 < companies <= 10 + written
        assert companies % 5 == 0
        assert manifest.row_counts["core_company_contacts"] == companies

    backup, manifest = manifests[-1]
    target = build_app(database_of(engine), tmp_path / "b", plugins=[])
    restore_backup(platform_of(target), backup)
    with platform_of(target).db.connect() as connection:
        restored = connection.scalar(text("SELECT count(*) FROM core_companies"))
    assert restored == manifest.row_counts["core_companies"]
    platform_of(app).db.dispose()
    platform_of(target).db.dispose()
