"""The portal installs like an app: manifest, icons, a service worker that caches the shell."""

from __future__ import annotations

import struct
from typing import Any

from browser_support import new_page, wait_for_search


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_manifest_and_icons(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    href = page.get_attribute("link[rel=manifest]", "href")
    manifest = page.request.get(live_server.url + href)
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    data = manifest.json()
    assert data["display"] == "standalone" and data["start_url"] == "/"
    sizes = set()
    for icon in data["icons"]:
        response = page.request.get(live_server.url + icon["src"])
        assert response.ok, icon
        if icon["type"] == "image/png":
            size = _png_size(response.body())
            assert f"{size[0]}x{size[1]}" == icon["sizes"]
            sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert any(i.get("purpose") == "maskable" for i in data["icons"])


def test_service_worker_caches_the_shell_and_starts_offline(browser: Any, live_server: Any) -> None:
    page = new_page(browser, live_server, service_workers="allow")
    try:
        page.goto(live_server.url + "/")
        wait_for_search(page)
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_function(
            "() => caches.keys().then(k => k.some(n => n.startsWith('regiokarte-shell-')))"
        )
        cached = page.evaluate(
            """async () => {
                 const k = (await caches.keys()).find(n => n.startsWith('regiokarte-shell-'));
                 const c = await caches.open(k);
                 return (await c.keys()).map(r => new URL(r.url).pathname); }"""
        )
        assert "/" in cached and "/offline" in cached
        assert any(p.endswith("/leaflet.js") for p in cached)
        page.context.set_offline(True)
        page.reload()
        assert page.locator("h1").count() == 1
        assert page.locator(".site-header").is_visible()
    finally:
        page.context.close()
