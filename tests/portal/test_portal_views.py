"""The portal's pages as the server renders them (the browser tests cover the scripts)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

from webapp.portal.outline import convex_hull, region_outline
from webapp.portal.views import content_security_policy, json_ld


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/", 'id="rk-config"'),
        ("/barrierefreiheit", "Erklärung zur Barrierefreiheit"),
        ("/impressum", "Regionalagentur Test"),
        ("/datenschutz", "Datenschutz"),
        ("/merkliste", "Merkliste"),
        ("/offline", "Keine Verbindung"),
    ],
)
def test_pages_render_with_footer_links_and_csp(client: Any, path: str, marker: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert marker in text
    for link in ("/barrierefreiheit", "/impressum", "/datenschutz"):
        assert f'href="{link}"' in text
    assert "<script>" not in text and " onclick=" not in text, "no inline scripts (CSP)"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "'unsafe-inline'" not in csp
    assert "https://tile.openstreetmap.org" in csp


def test_english_pages(client: Any) -> None:
    text = client.get("/barrierefreiheit?lang=en").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in text and "Accessibility statement" in text
    assert 'href="/impressum?lang=en"' in text
    assert "hilfe@example.org" in text


def test_profile_page(client: Any, slug: str) -> None:
    response = client.get(f"/unternehmen/{slug}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', text, re.S).group(1))
    assert data["@type"] == "Organization" and data["address"]["addressCountry"] == "DE"
    assert "Fiktives Demo-Unternehmen" in text
    # plugin sections in their order, after the core sections
    positions = [text.index(f'id="section-{s}"') for s in ("professions", "early", "late")]
    assert positions == sorted(positions)
    assert "<p>eins</p>" in text


def test_unknown_company_is_an_html_404(client: Any) -> None:
    response = client.get("/unternehmen/gibt-es-nicht")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_shared_watchlist_skips_unknown_slugs(client: Any, slug: str) -> None:
    text = client.get(f"/merkliste?u={slug},gibt-es-nicht").get_data(as_text=True)
    assert text.count('class="card"') == 1
    assert "1 Unternehmen der Liste sind nicht mehr veröffentlicht" in text


def test_a_shared_list_is_headed_shared_and_the_own_list_is_not(client: Any, slug: str) -> None:
    shared = client.get(f"/merkliste?u={slug}").get_data(as_text=True)
    assert '<h1 id="watchlist-heading">Geteilte Merkliste</h1>' in shared
    assert "Geteilte Merkliste mit 1 Unternehmen." in shared
    # the page's script loads the browser's own list with mine=1
    own = _main(client.get(f"/merkliste?u={slug}&mine=1").get_data(as_text=True))
    assert '<h1 id="watchlist-heading">Merkliste</h1>' in own
    assert "Ihre Merkliste mit 1 Unternehmen." in own and "Geteilte" not in own
    english = _main(client.get(f"/merkliste?u={slug}&mine=1&lang=en").get_data(as_text=True))
    assert "Companies on your watch list: 1." in english and "Shared" not in english
    # no list: nothing to call shared or own
    empty = _main(client.get("/merkliste?mine=1").get_data(as_text=True))
    assert '<h1 id="watchlist-heading">Merkliste</h1>' in empty and "Geteilte" not in empty


def _main(page: str) -> str:
    """What a page shows in its main part (the texts for its scripts lie outside)."""
    return page[page.index("<main") : page.index("</main>")]


def test_card_fragment_and_place_lookup(client: Any, slug: str) -> None:
    card = client.get(f"/unternehmen/{slug}/kurz")
    assert card.status_code == 200 and 'data-lat="' in card.get_data(as_text=True)
    assert client.get("/unternehmen/nope/kurz").status_code == 404
    marl = client.get("/portal/ort?q=Marl").get_json()
    assert marl["label"] == "Marl" and 51.6 < marl["lat"] < 51.7
    assert client.get("/portal/ort?q=45657").get_json()["label"] == "45657 Recklinghausen"
    assert client.get("/portal/ort?q=Atlantis").status_code == 404
    buer = client.get("/portal/ort?q=Gelsenkirchen-Buer").get_json()
    assert buer["label"] == "Buer (Gelsenkirchen)"
    missing = client.get("/portal/ort?q=Gelsenkirchn")
    assert missing.status_code == 404
    assert missing.get_json()["suggestions"][0] == "Gelsenkirchen"
    assert "nicht gefunden" in missing.get_json()["message"]


def test_manifest_and_service_worker(client: Any) -> None:
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    icons = manifest.get_json()["icons"]
    for icon in icons:
        response = client.get(icon["src"])
        assert response.status_code == 200
        response.close()
    worker = client.get("/sw.js")
    assert worker.mimetype == "text/javascript"
    body = worker.get_data(as_text=True)
    assert body.startswith("const VERSION = ") and '"/offline"' in body


def test_json_ld_cannot_end_its_script_element(portal_app: Any, slug: str) -> None:
    from core.model import Company

    company = Company(name="</script><script>alert(1)</script>", slug="x")
    text = str(json_ld(company, "http://x/", "de"))
    assert "</script>" not in text and json.loads(text)["name"] == company.name


def test_outline_encloses_every_town(portal_app: Any) -> None:
    region = portal_app.extensions["regiokarte"].region
    ring = region_outline(region)
    hull = convex_hull([(lon, lat) for lat, lon in ring])
    assert len(hull) == len(ring) >= 3
    for town in region.towns:
        assert _inside(town.center.lat, town.center.lon, ring), town.name


def _inside(lat: float, lon: float, ring: list[list[float]]) -> bool:
    inside = False
    for (a_lat, a_lon), (b_lat, b_lon) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (a_lat > lat) != (b_lat > lat):
            cross = a_lon + (lat - a_lat) * (b_lon - a_lon) / (b_lat - a_lat)
            if lon < cross:
                inside = not inside
    return inside


def test_csp_allows_the_tile_server_only() -> None:
    assert "img-src 'self' data: https://*.tile.example.org;" in content_security_policy(
        "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    )
    assert "img-src 'self' data:;" in content_security_policy("/tiles/{z}/{x}/{y}.png")


def test_privacy_page_names_the_usage_figures_and_alerts_as_configured(
    client: Any, new_module_database: Any
) -> None:
    from webapp.app import create_app

    text = client.get("/datenschutz").get_data(as_text=True)
    assert "Nutzungszahlen" in text and "Such-Benachrichtigungen" in text
    english = client.get("/datenschutz?lang=en").get_data(as_text=True)
    assert "Usage figures" in english and "Search alerts" in english
    quiet = create_app(
        {
            "portal": {"database_url": new_module_database("privacy-off")},
            "statistics": {"usage_counting": False},
            "alerts": {"enabled": False},
        }
    )
    quiet.extensions["regiokarte"].upgrade_database()
    text = quiet.test_client().get("/datenschutz").get_data(as_text=True)
    assert "Datenschutz" in text
    assert "Nutzungszahlen" not in text and "Such-Benachrichtigungen" not in text
    quiet.extensions["regiokarte"].db.dispose()


@pytest.mark.parametrize(
    ("lang", "credit"),
    [("de", "OpenStreetMap</a>-Mitwirkende"), ("en", "OpenStreetMap</a> contributors")],
)
def test_map_credit_in_the_page_language(client: Any, slug: str, lang: str, credit: str) -> None:
    """The default OpenStreetMap credit on the start page's map, a profile's map and the
    imprint speaks the page's language (not "contributors" on a German page)."""
    start = client.get(f"/?lang={lang}").get_data(as_text=True)
    config = json.loads(start.split('id="rk-config">')[1].split("</script>")[0])
    assert credit in config["map"]["attribution"]
    profile = client.get(f"/unternehmen/{slug}?lang={lang}").get_data(as_text=True)
    assert credit.replace("</a>", "") in re.sub(r"<[^>]+>", "", html.unescape(profile))
    imprint = client.get(f"/impressum?lang={lang}").get_data(as_text=True)
    assert credit.split("</a>")[1].strip("-") in imprint
    if lang == "de":
        assert "contributors" not in start + profile + imprint
