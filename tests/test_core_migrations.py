"""Creating and upgrading the database: core's branch plus one branch per enabled plugin."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fake_plugins.fake import FakePlugin

from core import (
    Company,
    ConfigError,
    Location,
    Platform,
    PluginManifest,
    SearchQuery,
    Status,
    hookimpl,
)
from core.io.demo import demo_companies
from core.persistence import companies as repo
from core.persistence.migrate import current_heads, upgrade
from core.plugins import hookspecs
from core.region import Region

CORE_TABLES = {"core_companies", "core_company_contacts", "core_changes", "core_index_state"}


def tables(platform: Platform) -> set[str]:
    return set(sa.inspect(platform.db).get_table_names())


def with_fake(make_platform: Callable[..., Platform], **kwargs: Any) -> Platform:
    return make_platform(
        extra_plugins={"fake": FakePlugin(blueprint=object())},
        plugins={"enabled": ["fake"]},
        **kwargs,
    )


def test_upgrade_creates_core_and_plugin_tables(make_platform: Callable[..., Platform]) -> None:
    platform = with_fake(make_platform, upgrade=False)
    assert not platform.database_is_current()
    platform.upgrade_database()
    assert CORE_TABLES | {"fake_places"} <= tables(platform)
    assert platform.database_is_current()


def test_upgrade_twice_changes_nothing(make_platform: Callable[..., Platform]) -> None:
    platform = with_fake(make_platform)
    saved = platform.save_company(
        Company(name="Bleibt GmbH", status=Status.PUBLISHED, location=Location(51.6, 7.1))
    )
    platform.upgrade_database()
    assert platform.database_is_current()
    assert [h.id for h in platform.search(SearchQuery(text="Bleibt")).items] == [saved.id]


def test_plugin_enabled_later_gets_its_tables(make_platform: Callable[..., Platform]) -> None:
    plain = make_platform()
    assert plain.database_is_current()
    url = plain.settings.portal.database_url
    later = with_fake(make_platform, url=url, upgrade=False)
    assert not later.database_is_current()
    later.upgrade_database()
    assert "fake_places" in tables(later)
    assert later.database_is_current()


def test_plugin_table_refers_to_core(make_platform: Callable[..., Platform]) -> None:
    platform = with_fake(make_platform)
    saved = platform.save_company(Company(name="Träger e.V.", status=Status.PUBLISHED))
    with platform.db.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO fake_places (company_id, name, lat, lon) "
                "VALUES (:c, 'Kita', 51.6, 7.1)"
            ),
            {"c": saved.id},
        )
        with pytest.raises(sa.exc.IntegrityError):
            with connection.begin_nested():
                connection.execute(
                    sa.text(
                        "INSERT INTO fake_places (company_id, name, lat, lon)"
                        " VALUES (999999, 'Waise', 51.6, 7.1)"
                    )
                )


def test_disabling_a_plugin_keeps_its_data_and_init_still_works(
    make_platform: Callable[..., Platform],
) -> None:
    """ARCHITECTURE.md: disabling a plugin never deletes its data; `regiokarte init` must keep
    working for the remaining plugins."""
    platform = with_fake(make_platform)
    saved = platform.save_company(Company(name="Träger e.V.", status=Status.PUBLISHED))
    with platform.db.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO fake_places (company_id, name, lat, lon) "
                "VALUES (:c, 'Kita', 51.6, 7.1)"
            ),
            {"c": saved.id},
        )
    # still installed (here: offered as an extra plugin), no longer enabled
    without = make_platform(
        url=platform.settings.portal.database_url,
        upgrade=False,
        extra_plugins={"fake": FakePlugin(blueprint=object())},
    )
    without.upgrade_database()
    assert without.database_is_current()
    with without.db.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM fake_places")).scalar() == 1
    # enabled again: the data is still there and the branch is current
    again = with_fake(make_platform, url=platform.settings.portal.database_url, upgrade=False)
    again.upgrade_database()
    assert again.database_is_current()
    with again.db.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM fake_places")).scalar() == 1


def test_a_revision_of_an_uninstalled_plugin_gives_a_clear_error(
    make_platform: Callable[..., Platform],
) -> None:
    platform = with_fake(make_platform)
    gone = make_platform(url=platform.settings.portal.database_url, upgrade=False)
    with pytest.raises(ConfigError, match="fake_0001.*install the plugin again"):
        gone.upgrade_database()


def _documented_depends_on() -> str:
    doc = hookspecs.register_migrations.__doc__ or ""
    found = re.search(r'depends_on = "([^"]+)"', doc)
    assert found, "register_migrations documents how to depend on core"
    return found.group(1)


class DocumentedPlugin:
    """A plugin whose migration follows the register_migrations documentation to the letter."""

    MANIFEST = PluginManifest(name="fake_doc", title_de="Doku", title_en="Docs", version="1.0")

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def register_migrations(self, platform: Any) -> list[str]:
        return [str(self.folder)]


def test_the_documented_dependency_on_core_works(
    make_platform: Callable[..., Platform], tmp_path: Path
) -> None:
    folder = tmp_path / "fake_doc_migrations"
    folder.mkdir()
    (folder / "fake_doc_0001.py").write_text(
        textwrap.dedent(f'''
        import sqlalchemy as sa
        from alembic import op

        revision = "fake_doc_0001"
        down_revision = None
        branch_labels = ("fake_doc",)
        depends_on = "{_documented_depends_on()}"


        def upgrade():
            op.create_table("fake_doc_notes", sa.Column("id", sa.Integer(), primary_key=True))


        def downgrade():
            op.drop_table("fake_doc_notes")
    '''),
        encoding="utf-8",
    )
    platform = make_platform(
        extra_plugins={"fake_doc": DocumentedPlugin(folder)},
        plugins={"enabled": ["fake_doc"]},
        upgrade=False,
    )
    platform.upgrade_database()
    assert CORE_TABLES | {"fake_doc_notes"} <= tables(platform)


def test_search_before_init_says_what_to_do(make_platform: Callable[..., Platform]) -> None:
    platform = make_platform(upgrade=False)
    with pytest.raises(ConfigError) as caught:
        platform.search(SearchQuery())
    assert "regiokarte init" in caught.value.message


# --- every branch of the installed plugins, on the engine under test ----------------------------

#: The installed plugins (entry points), so a new plugin's branch is tested without a change here.
INSTALLED = sorted(e.name for e in entry_points(group="regiokarte.plugins"))


def test_every_branch_upgrades_an_empty_database(make_platform: Callable[..., Platform]) -> None:
    platform = make_platform(upgrade=False, plugins={"enabled": INSTALLED})
    assert not platform.database_is_current()
    platform.upgrade_database()
    assert platform.database_is_current()
    found = tables(platform)
    assert CORE_TABLES <= found
    for plugin in INSTALLED:
        assert any(t.startswith(f"{plugin}_") for t in found), f"no table of {plugin}"
    platform.upgrade_database()  # again: nothing to do
    assert platform.database_is_current()


def test_every_branch_upgrades_an_existing_database(
    make_platform: Callable[..., Platform], region: Region
) -> None:
    """A database of the first release (core's first revision, no plugin) with companies in it
    reaches every head; the companies stay and are found."""
    old = make_platform(upgrade=False)
    upgrade(old.db, targets=["core_0001"])
    assert current_heads(old.db) == {"core_0001"}
    companies = list(demo_companies(region, 120, 3))
    with old.session(write=True) as session:
        repo.bulk_insert_companies(session, companies)
    before = old.search(SearchQuery(per_page=1)).total
    assert before > 0

    platform = make_platform(
        url=old.settings.portal.database_url, upgrade=False, plugins={"enabled": INSTALLED}
    )
    assert not platform.database_is_current()
    platform.upgrade_database()
    assert platform.database_is_current()
    with platform.session() as session:
        assert repo.count_companies(session) == len(companies)
    assert platform.search(SearchQuery(per_page=1)).total == before
