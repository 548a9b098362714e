"""Plugins on the start page: the layer switcher draws the childcare and housing layers, the
housing filter (a dynamic one) works from the panel, the header links to the plugins' pages,
and axe-core finds no WCAG 2.1 AA violation with layers on."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import (
    LiveServer,
    Outside,
    describe,
    new_page,
    open_more_filters,
    open_start,
    run_axe,
    searches,
    shown_total,
    wait_for_search,
)

ROOT = Path(__file__).resolve().parents[2]
KITAS = ROOT / "tests" / "plugins" / "childcare" / "data" / "kitas_marl.osm"
OFFERS = ROOT / "plugins" / "housing" / "examples" / "angebote_beispiel.csv"
#: The sample offers expire from May 2026 on.
TODAY = dt.date(2026, 3, 1)
#: Marl, where the Kitas are: zoomed in enough for single markers.
MARL = "map=13/51.6550/7.0900"


@pytest.fixture(scope="module")
def plugin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from core.io.demo import demo_rows
    from core.persistence import companies as repo
    from plugins.housing.hooks import service_for
    from plugins.housing.importer import import_offers
    from webapp.app import create_app

    folder = tmp_path_factory.mktemp("layers-portal")
    app = create_app(
        {
            "portal": {"database_url": f"sqlite:///{folder / 'portal.db'}", "secret_key": "t"},
            "search": {"refresh_interval": 5.0},
            "plugins": {"enabled": ["childcare", "housing"]},
        }
    )
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 300, 1))
    result = app.test_cli_runner().invoke(args=["childcare", "import", str(KITAS)])
    assert result.exit_code == 0, result.output
    housing = service_for(platform)
    housing.clock = lambda: TODAY
    with platform.session(write=True) as session:
        import_offers(
            session,
            OFFERS.read_bytes(),
            file_name=OFFERS.name,
            today=TODAY,
            locate=housing.locate,
            source="beispiel",
        )
    platform.engine.refresh(force=True)
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture
def plugin_page(browser: Any, plugin_server: LiveServer) -> Iterator[Any]:
    errors: list[str] = []
    outside = Outside()
    page = new_page(browser, plugin_server, outside=outside, errors=errors, bypass_csp=True)
    yield page
    page.context.close()
    assert errors == [], "\n".join(errors)
    assert outside.hosts() <= {"tile.openstreetmap.org"}, sorted(outside.hosts())


def _layer_markers(page: Any, layer: str) -> Any:
    """The single symbols of a layer (not its groups, which zoom in instead of a popup)."""
    return page.locator(f'.rk-layer-marker:not(.rk-layer-group)[data-layer="{layer}"]')


def test_layer_switcher_draws_plugin_layers_and_the_url_keeps_them(
    plugin_page: Any, plugin_server: LiveServer
) -> None:
    page = plugin_page
    open_start(page, plugin_server, "?" + MARL)
    switcher = page.locator("#layer-switcher")
    switcher.locator("summary").click()
    labels = page.locator("#layer-list label").all_inner_texts()
    assert any("Kitas" in text for text in labels), labels
    assert any("Wohnungsangebote" in text for text in labels), labels
    assert page.locator('#layer-list input[value="companies"]').count() == 0

    kitas = page.get_by_role("checkbox", name="Kitas")
    kitas.focus()
    page.keyboard.press("Space")  # keyboard-operable
    markers = _layer_markers(page, "childcare_kitas")
    markers.first.wait_for(timeout=10_000)
    count = markers.count()
    assert count >= 3
    names = markers.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert all(name and "(Kitas)" in name for name in names), names
    assert "layers=childcare_kitas" in page.url
    note = page.locator('[data-layer-note="childcare_kitas"]').inner_text()
    assert "im Ausschnitt" in note
    # never more marker elements than the budget, company symbols included
    assert page.locator(".leaflet-marker-icon").count() <= 2000

    # a marker opens its popup: the Kita's name, its lines (age groups, hours ...) as the
    # layer's answer has them, and a link to its page
    markers.first.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".rk-layer-popup")
    popup.wait_for(timeout=5_000)
    assert popup.locator("a").get_attribute("href").startswith("/kitas/")
    title = popup.locator(".popup-title").inner_text()
    answer = page.request.get(f"{plugin_server.url}/api/v1/layers/childcare_kitas").json()
    popups = [f["properties"]["popup"] for f in answer["features"]]
    lines = popup.locator(".popup-lines li").all_inner_texts()
    assert lines, "a Kita's popup says more than its name"
    assert lines in [p["lines"] for p in popups if p["title"] == title]

    # the URL restores the ticked layer
    again = page.context.new_page()
    again.goto(page.url)
    _layer_markers(again, "childcare_kitas").first.wait_for(timeout=10_000)
    # closed at first: the button counts the ticked layer, the legend names it
    assert again.locator("#layer-switcher").get_attribute("open") is None
    assert again.locator("#layer-count").inner_text() == "1"
    assert again.locator('.rk-legend-item[data-layer="childcare_kitas"]').inner_text() == "Kitas"
    again.locator("#layer-switcher > summary").click()
    assert again.get_by_role("checkbox", name="Kitas").is_checked()
    again.close()

    # unticking removes the markers and the parameter says "none"
    kitas.uncheck()
    page.wait_for_function(
        "() => !document.querySelector('.rk-layer-marker[data-layer=\"childcare_kitas\"]')"
    )
    assert parse_qs(urlsplit(page.url).query, keep_blank_values=True)["layers"] == [""]
    # no layer shown: no legend over the map
    assert page.locator("#map .rk-legend").is_hidden()


def test_housing_filter_needs_its_rent_cap_and_shows_distances(
    plugin_page: Any, plugin_server: LiveServer
) -> None:
    page = plugin_page
    open_start(page, plugin_server, "?in_view=0")
    everyone = shown_total(page)
    open_more_filters(page)
    page.locator('#filter-panel details[data-key="housing_km"] summary').click()
    # a distance without a rent cap: a hint, no failing search
    page.fill("#f-housing_km-hi", "5")
    before = searches(page)
    page.locator('#filter-panel [data-range="housing_km"] button[type="submit"]').click()
    wait_for_search(page, before)
    hint = page.locator("#error-housing_km")
    assert hint.is_visible() and "Warmmiete" in hint.inner_text()
    assert shown_total(page) == everyone
    # with the cap: fewer results, each with its distance, sorted by it
    page.get_by_label("Warmmiete bis (Euro)").fill("900")
    before = searches(page)
    page.locator('#filter-panel [data-range="housing_km"] button[type="submit"]').click()
    wait_for_search(page, before)
    assert hint.is_hidden()
    assert 0 < shown_total(page) < everyone
    values = page.locator('#result-list [data-dynamic="housing_km"]').all_inner_texts()
    assert values and all(v.endswith(" km") for v in values), values
    assert page.locator("#sort").input_value() == "housing_km"
    query = parse_qs(urlsplit(page.url).query)
    assert query["housing_rent"] == ["900"] and query["housing_km"] == ["..5"]
    api = page.request.get(f"{plugin_server.url}/api/v1/search?housing_km=..5&housing_rent=900")
    assert api.json()["total"] == shown_total(page)


def test_header_links_the_plugin_pages(plugin_page: Any, plugin_server: LiveServer) -> None:
    page = plugin_page
    page.goto(plugin_server.url + "/")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    assert nav.get_by_role("link", name="Kitas").get_attribute("href") == "/kitas/"
    assert nav.get_by_role("link", name="Wohnen").get_attribute("href") == "/wohnen"
    page.goto(plugin_server.url + "/?lang=en")
    nav = page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="Childcare").get_attribute("href") == "/kitas/?lang=en"
    page.goto(plugin_server.url + "/kitas/")
    current = page.locator('.site-nav a[aria-current="page"]')
    assert current.inner_text() == "Kitas"


def test_no_accessibility_violations_with_layers_on(
    plugin_page: Any, plugin_server: LiveServer
) -> None:
    page = plugin_page
    open_start(page, plugin_server, f"?{MARL}&layers=childcare_kitas,housing_offers")
    _layer_markers(page, "childcare_kitas").first.wait_for(timeout=10_000)
    page.locator("#layer-switcher > summary").click()
    page.locator("#layer-switcher[open]").wait_for()
    violations = run_axe(page)
    assert violations == [], describe(violations)


# --- one symbol per layer on every map, with a legend ------------------------------------------

#: What a drawn symbol is made of: its style entry, shape, colour (as given and as painted) and
#: its outline's path.
SYMBOL = """el => { const s = el.querySelector('.rk-sym');
  const p = s.querySelector('.rk-sym-shape');
  return {key: s.dataset.style, shape: s.dataset.shape, colour: s.dataset.colour,
          fill: getComputedStyle(p).fill, d: p.getAttribute('d')}; }"""


def _rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _styles(page: Any, server: LiveServer) -> dict[str, dict[str, Any]]:
    answer = page.request.get(f"{server.url}/api/v1/layers").json()
    return {d["id"]: {**d["style"], "label": d["label"]} for d in answer["layers"]}


def test_the_kita_symbol_is_the_same_on_the_start_page_and_the_kita_page(
    plugin_page: Any, plugin_server: LiveServer
) -> None:
    page = plugin_page
    style = _styles(page, plugin_server)["childcare_kitas"]
    seen = {}
    open_start(page, plugin_server, f"?{MARL}&layers=childcare_kitas")
    start = page.locator('#map .rk-layer-marker[data-layer="childcare_kitas"]')
    start.first.wait_for(timeout=10_000)
    seen["start"] = start.first.evaluate(SYMBOL)
    seen["start legend"] = page.locator(
        '#map .rk-legend-item[data-layer="childcare_kitas"]'
    ).evaluate(SYMBOL)
    page.goto(plugin_server.url + "/kitas/")
    kita = page.locator('#kita-map .rk-layer-marker[data-layer="childcare_kitas"]')
    kita.first.wait_for(timeout=10_000)
    seen["kita page"] = kita.first.evaluate(SYMBOL)
    seen["kita legend"] = page.locator(
        '#kita-map .rk-legend-item[data-layer="childcare_kitas"]'
    ).evaluate(SYMBOL)
    # the Kita page's switcher offers the same symbol next to the layer's name
    page.locator("#kita-map .layer-switcher > summary").click()
    seen["kita switcher"] = page.locator(
        '#kita-map .layer-item:has(input[value="childcare_kitas"])'
    ).evaluate(SYMBOL)
    expected = {
        "key": style["key"],
        "shape": style["shape"],
        "colour": style["colour"],
        "fill": _rgb(style["colour"]),
        "d": seen["start"]["d"],
    }
    assert seen == dict.fromkeys(seen, expected)
    # and it is not the housing layer's
    assert _styles(page, plugin_server)["housing_offers"]["colour"] != style["colour"]


@pytest.fixture(scope="module")
def all_layers_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    sys.path.insert(0, str(ROOT / "tests" / "webapp"))
    from layer_portal import build_layer_app, seed_layers

    folder = tmp_path_factory.mktemp("all-layers")
    app = build_layer_app(f"sqlite:///{folder / 'portal.db'}")
    seed_layers(app, folder, companies=400)
    server = LiveServer(app)
    yield server
    server.stop()


LAYERS = [
    "childcare_kitas",
    "housing_offers",
    "transit_stops",
    "training_courses",
    "events",
    "events_actors",
]


def _boxes(locator: Any) -> list[list[float]]:
    return locator.evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })"
    )


@pytest.mark.parametrize("size", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_legend_names_every_ticked_layer_and_no_two_layers_look_alike(
    browser: Any, all_layers_server: LiveServer, size: tuple[int, int]
) -> None:
    server = all_layers_server
    page = new_page(browser, server, width=size[0], height=size[1], bypass_csp=True)
    try:
        styles = _styles(page, server)
        # the region: the layers' symbols would pile up here without their groups
        open_start(page, server, f"?layers={','.join(LAYERS)}")
        for layer in LAYERS:
            page.locator(f'#map .rk-layer-marker[data-layer="{layer}"]').first.wait_for(
                timeout=15_000
            )
        # the switcher stays closed over the map; its button counts the ticked layers
        assert page.locator("#layer-switcher").get_attribute("open") is None
        assert page.locator("#layer-count").inner_text() == str(len(LAYERS))

        legend = page.locator("#map .rk-legend")
        assert legend.is_visible()
        items = legend.locator(".rk-legend-item")
        # the companies first, then every ticked layer in the switcher's order
        assert items.evaluate_all("els => els.map(e => e.dataset.layer)") == [
            "companies",
            *LAYERS,
        ]
        for index, layer in enumerate(["companies", *LAYERS]):
            item = items.nth(index)
            assert item.inner_text().strip() == styles[layer]["label"]
            got = item.evaluate(SYMBOL)
            assert (got["key"], got["shape"], got["fill"]) == (
                styles[layer]["key"],
                styles[layer]["shape"],
                _rgb(styles[layer]["colour"]),
            ), layer
        # the legend lies inside the map
        (map_box,) = _boxes(page.locator("#map"))
        (legend_box,) = _boxes(legend)
        assert map_box[0] <= legend_box[0] and legend_box[2] <= map_box[2]
        assert map_box[1] <= legend_box[1] and legend_box[3] <= map_box[3]

        # every drawn symbol of a layer has the layer's style, and no two layers share one
        drawn: dict[str, set[tuple[str, str, str]]] = {}
        for layer in LAYERS:
            symbols = page.locator(f'#map .rk-layer-marker[data-layer="{layer}"]')
            found = symbols.evaluate_all(
                "els => els.map(e => { const s = e.querySelector('.rk-sym');"
                " return [s.dataset.style, s.dataset.shape,"
                " getComputedStyle(s.querySelector('.rk-sym-shape')).fill]; })"
            )
            drawn[layer] = {tuple(f) for f in found}
            assert drawn[layer] == {
                (styles[layer]["key"], styles[layer]["shape"], _rgb(styles[layer]["colour"]))
            }, layer
            # a layer's symbols (single ones and groups) never cover each other
            boxes = _boxes(symbols)
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    covered = (
                        a[0] < b[2] - 0.5
                        and b[0] < a[2] - 0.5
                        and a[1] < b[3] - 0.5
                        and b[1] < a[3] - 0.5
                    )
                    assert not covered, (layer, a, b)
        looks = [next(iter(v))[1:] for v in drawn.values()]
        assert len(set(looks)) == len(looks), drawn
    finally:
        page.context.close()


def test_a_kitas_page_shows_its_own_symbol_larger_and_never_in_a_group(
    plugin_page: Any, plugin_server: LiveServer
) -> None:
    page = plugin_page
    kitas = page.request.get(f"{plugin_server.url}/api/v1/childcare/kitas?per_page=5").json()
    kita = kitas["items"][0]
    page.goto(f"{plugin_server.url}/kitas/{kita['id']}")
    marked = page.locator('#kita-map .rk-layer-marker.selected[data-layer="childcare_kitas"]')
    marked.wait_for(timeout=10_000)
    assert marked.count() == 1
    assert marked.get_attribute("aria-label") == f"{kita['name']} (Kitas)"
    others = page.locator("#kita-map .rk-layer-marker:not(.selected) .rk-sym")
    if others.count():
        size = marked.locator(".rk-sym").bounding_box()
        assert size["width"] > others.first.bounding_box()["width"]
