"""``regiokarte new-plugin NAME``: a package outside the project whose tests pass right away
and which the portal picks up once installed and enabled."""

from __future__ import annotations

import json
import sys
import textwrap
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from kit_support import (
    clean_env,
    engine_url,
    non_public_core_imports,
    plugin_entry_points,
    regiokarte_command,
    run,
    site_dir_hook,
)
from sqlalchemy import create_engine, inspect
from sqlalchemy import text as sql

from core import ConfigError
from core.plugins.scaffold import create_plugin, render_plugin, template_values

# --- the templates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Demo", "1demo", "d", "demo-layer", "demo__x", "demo_", "core", "class", "x" * 31]
)
def test_bad_plugin_names_are_refused_with_the_rule(name: str) -> None:
    with pytest.raises(ConfigError, match="plugin name|reserved"):
        template_values(name)


def test_names_follow_the_plugin_name() -> None:
    values = template_values("demo_layer")
    assert (values["package"], values["dist"], values["class"], values["title"]) == (
        "regiokarte_demo_layer",
        "regiokarte-demo-layer",
        "DemoLayer",
        "Demo Layer",
    )


def test_every_file_is_filled_in_and_valid() -> None:
    files = render_plugin("doctors", title="Arztpraxen")
    assert {
        "pyproject.toml",
        "README.md",
        "regiokarte_doctors/__init__.py",
        "regiokarte_doctors/settings.py",
        "regiokarte_doctors/hooks.py",
        "regiokarte_doctors/importer.py",
        "regiokarte_doctors/places.py",
        "regiokarte_doctors/migrations/doctors_0001_initial.py",
        "regiokarte_doctors/data/places.csv",
        "regiokarte_doctors/questionnaire.toml",
        "regiokarte_doctors/locale/messages.toml",
        "regiokarte_doctors/locale/en/LC_MESSAGES/doctors.po",
        "tests/conftest.py",
        "tests/test_doctors.py",
    } <= set(files)
    for path, text in files.items():
        assert "{{" not in text and "}}" not in text, path
        if path.endswith(".py"):
            compile(text, path, "exec")
    assert 'doctors = "regiokarte_doctors"' in files["pyproject.toml"]
    assert (
        'branch_labels = ("doctors",)'
        in files["regiokarte_doctors/migrations/doctors_0001_initial.py"]
    )
    # the texts are the plugin's catalog: German source, English translation of each key
    catalog = tomllib.loads(files["regiokarte_doctors/locale/messages.toml"])
    assert (catalog["plugin"]["title"], catalog["layer"]["title"]) == ("Arztpraxen", "Arztpraxen")
    english = files["regiokarte_doctors/locale/en/LC_MESSAGES/doctors.po"]
    assert 'msgctxt "filter.label"\nmsgid "Arztpraxen im Umkreis von {km} km"' in english
    assert 'msgstr "Arztpraxen within {km} km"' in english


def test_the_generated_plugin_uses_only_the_public_api(tmp_path: Path) -> None:
    project = create_plugin("doctors", tmp_path)
    assert non_public_core_imports(project) == []


def test_new_plugin_never_overwrites(tmp_path: Path) -> None:
    create_plugin("doctors", tmp_path)
    with pytest.raises(ConfigError, match="exists and is not empty"):
        create_plugin("doctors", tmp_path)


# --- the whole way: generate, test, install, enable, init, use -----------------------------------

WEB_CHECK = textwrap.dedent(
    """
    import json
    from webapp.app import create_app

    app = create_app()
    client = app.test_client()
    platform = app.extensions["regiokarte"]
    everything = client.get("/api/v1/search?per_page=1").get_json()
    near = client.get("/api/v1/search?per_page=1&demo_layer_near=true")
    filters = {f["key"]: f for f in client.get("/api/v1/filters").get_json()["filters"]}
    page = client.get("/fragebogen/")
    print(json.dumps({
        "plugins": [[p.name, p.origin] for p in platform.plugins],
        "layers": [layer["id"] for layer in client.get("/api/v1/layers").get_json()["layers"]],
        "features": len(client.get("/api/v1/layers/demo_layer_places").get_json()["features"]),
        "filter": filters.get("demo_layer_near"),
        "total": everything["total"],
        "facet": everything["facets"].get("demo_layer_near"),
        "near_status": near.status_code,
        "near_total": near.get_json()["total"],
        "sections": list(platform.questionnaire.keys),
        "questionnaire_status": page.status_code,
        "questionnaire_shows_it": "<li>Demo Layer</li>" in page.get_data(as_text=True),
    }))
    """
)


@pytest.mark.slow
def test_new_plugin_installed_and_enabled_works_in_the_portal(tmp_path: Path) -> None:
    # 1. generate it with the real command, in a folder of its own
    work = tmp_path / "work"
    work.mkdir()
    created = run([*regiokarte_command(), "new-plugin", "demo_layer"], cwd=work, env=clean_env())
    assert created.returncode == 0, created.stderr
    project = work / "regiokarte-demo-layer"
    assert (project / "pyproject.toml").is_file()

    # 2. its own tests pass right after generation (not installed yet; only the kit's pytest
    #    plugin is loaded, which saves seconds; the run after the installation loads all)
    tests = run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "regiokarte_testing.plugin",
        ],
        cwd=project,
        env=clean_env(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"),
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout and "failed" not in tests.stdout

    # 3. pip install -e, into a prefix of its own: the project's environment stays untouched;
    #    a sitecustomize makes that prefix a site directory for the subprocesses below
    prefix = tmp_path / "prefix"
    installed = run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--prefix",
            str(prefix),
            "-e",
            str(project),
        ],
        cwd=tmp_path,
        env=clean_env(),
        timeout=300,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    (site,) = prefix.glob("lib/python*/site-packages")
    hook = site_dir_hook(tmp_path / "hook", site)
    env = clean_env([hook])

    # ... and its tests pass installed, too (now through the entry point as well)
    tests = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=env
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr

    # 4. the portal: add it to the configuration, init (its migration runs), import, use
    database = engine_url(tmp_path)
    config = tmp_path / "regiokarte.toml"
    config.write_text(
        textwrap.dedent(
            f"""
            [portal]
            database_url = "{database}"
            [plugins]
            enabled = ["demo_layer"]
            [plugins.demo_layer]
            radius_km = 3.0
            """
        ),
        encoding="utf-8",
    )
    env["REGIOKARTE_CONFIG"] = str(config)
    rk = regiokarte_command()
    init = run([*rk, "init"], cwd=tmp_path, env=env)
    assert init.returncode == 0, init.stderr
    engine = create_engine(database)
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as db:
            versions = set(db.scalars(sql("SELECT version_num FROM alembic_version")))
    finally:
        engine.dispose()
    assert "demo_layer_places" in tables
    assert "demo_layer_0001" in versions

    listed = run([*rk, "plugins", "--verbose"], cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    assert "demo_layer   0.1.0    Demo Layer / Demo Layer (entry point)" in listed.stdout
    for line in (
        "filters: demo_layer_near",
        "layers: demo_layer_places",
        "sections: demo_layer",
        "radius_km = 3.0",
    ):
        assert line in listed.stdout, listed.stdout

    demo = run([*rk, "demo", "--companies", "400", "--seed", "5"], cwd=tmp_path, env=env)
    assert demo.returncode == 0, demo.stderr
    sample = project / "regiokarte_demo_layer" / "data" / "places.csv"
    imported = run([*rk, "demo_layer", "import", str(sample)], cwd=tmp_path, env=env)
    assert imported.returncode == 0, imported.stderr
    assert "Imported 8 places" in imported.stdout

    web = run([sys.executable, "-c", WEB_CHECK], cwd=tmp_path, env=env)
    assert web.returncode == 0, web.stderr
    seen = json.loads(web.stdout.strip().splitlines()[-1])
    assert ["demo_layer", "entry point"] in seen["plugins"]
    assert "demo_layer_places" in seen["layers"] and seen["features"] == 8
    assert seen["filter"]["available"] and seen["filter"]["plugin"] == "demo_layer"
    assert seen["filter"]["label"].endswith("3 km")  # the configured radius
    (facet,) = seen["facet"]
    assert seen["near_status"] == 200
    assert 0 < seen["near_total"] == facet["count"] < seen["total"]
    assert "demo_layer" in seen["sections"]
    assert seen["questionnaire_status"] == 200 and seen["questionnaire_shows_it"]

    # nothing of it reached this process or the project's environment
    assert "demo_layer" not in plugin_entry_points()
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.distribution("regiokarte-demo-layer")
