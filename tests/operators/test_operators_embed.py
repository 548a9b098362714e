"""The embeddable map widget: framing allowed for the configured origins, on /embed only."""

from __future__ import annotations

import html
from typing import Any

import pytest

from core.errors import ConfigError

ORIGINS = ["https://www.example-stadt.de", "http://localhost:8123"]


def _frame_ancestors(response: Any) -> str:
    policy = response.headers["Content-Security-Policy"]
    return next(p.strip() for p in policy.split(";") if "frame-ancestors" in p)


def test_widget_may_be_framed_by_exactly_the_allowed_origins(make_app: Any) -> None:
    client = make_app(None, companies=5, embed={"allowed_origins": ORIGINS}).test_client()
    response = client.get("/embed?town=05562032")
    assert response.status_code == 200
    assert _frame_ancestors(response) == "frame-ancestors " + " ".join(ORIGINS)
    assert "X-Frame-Options" not in response.headers
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/", "/impressum", "/embed/snippet", "/api/v1/filters"])
def test_other_pages_stay_unframeable(make_app: Any, path: str) -> None:
    client = make_app(None, companies=1, embed={"allowed_origins": ORIGINS}).test_client()
    assert _frame_ancestors(client.get(path)) == "frame-ancestors 'none'"


def test_without_allowed_origins_nobody_may_frame_the_widget(make_app: Any) -> None:
    response = make_app(None, companies=1).test_client().get("/embed")
    assert _frame_ancestors(response) == "frame-ancestors 'none'"


def test_widget_reuses_the_start_page_in_a_compact_layout(client: Any) -> None:
    text = client.get("/embed?town=05515000&industry=C").get_data(as_text=True)
    assert 'id="rk-config"' in text and "js/portal.js" in text
    assert "page-embed" in text and '<base target="_blank">' in text
    assert 'class="site-header"' not in text
    assert "/?town=05515000&amp;industry=C" in text  # the link to the full map keeps the preset


def test_snippet_page_builds_the_iframe_code(client: Any) -> None:
    text = client.get("/embed/snippet?town=05711000&industry=C&width=400").get_data(as_text=True)
    code = html.unescape(text.split('id="embed-code"')[1].split("</textarea>")[0])
    assert '<iframe src="http://localhost/embed?town=05711000&amp;industry=C"' in code
    assert 'width="400"' in code
    assert "https://www.example-stadt.de" in text


def test_a_malformed_origin_is_refused_at_start(make_app: Any) -> None:
    with pytest.raises(ConfigError, match="allowed_origins"):
        make_app(None, companies=0, embed={"allowed_origins": ["www.example.de/karte"]})


def test_embed_routes_are_declared_public(client: Any) -> None:
    from webapp.security import Role, access_table

    table = access_table(client.application)
    assert table[("/embed", "embed.widget", "GET")] == Role.PUBLIC
    assert table[("/embed/snippet", "embed.snippet", "GET")] == Role.PUBLIC
    assert table[("/api/v1/opendata/companies.csv", "opendata.CompaniesCSV", "GET")] == Role.PUBLIC


def test_the_region_is_named_once_in_headers(make_app: Any) -> None:
    """A title that names the region is not followed by the region again: not in the
    widget's header, not in the iframe's title, not in the site header's brand."""
    for title, name in [
        ("Arbeitgeberkarte Emscher-Lippe (Demo)", "Arbeitgeberkarte Emscher-Lippe (Demo)"),
        ("Arbeitgeberkarte", "Arbeitgeberkarte Emscher-Lippe"),
    ]:
        client = make_app(None, companies=1, portal={"title": title}).test_client()
        widget = client.get("/embed").get_data(as_text=True)
        header = widget.split('<header class="embed-header">')[1].split("</header>")[0]
        assert html.unescape(header.split('rel="noopener">')[1].split("</a>")[0]) == name
        snippet = html.unescape(client.get("/embed/snippet").get_data(as_text=True))
        assert f'title="{name}"' in snippet.split('id="embed-code"')[1]
        page = client.get("/impressum").get_data(as_text=True)
        brand = page.split('class="brand"')[1].split("</a>")[0]
        assert brand.count("Emscher-Lippe") == 1
