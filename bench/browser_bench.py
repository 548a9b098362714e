"""How fast the start page is usable in headless Chromium on loopback (prints, asserts nothing).

For each data size: time from navigation until the first map symbols are in the page and
until the result count is shown, and the most marker elements in one view over a zoom sweep.
Run ``python bench/browser_bench.py [--companies 50000 ...]``; target: usable within 2 s at
50,000 companies, never more than 2,000 marker elements.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from portal_server import DemoServer, launch_chromium, local_only  # noqa: E402


def measure(server: DemoServer, browser: object, runs: int) -> None:
    symbols, counts = [], []
    for _ in range(runs):
        context = browser.new_context(
            viewport={"width": 1440, "height": 900},  # type: ignore[attr-defined]
            service_workers="block",
        )
        local_only(context, server.url)
        page = context.new_page()
        started = time.perf_counter()
        page.goto(server.url + "/")
        page.wait_for_selector(".leaflet-marker-icon.rk-symbol")
        symbols.append(time.perf_counter() - started)
        page.wait_for_selector("#result-count[data-total]")
        counts.append(time.perf_counter() - started)
        context.close()
    print(f"  first symbols: median {statistics.median(symbols):.2f} s, max {max(symbols):.2f} s")
    print(f"  result count:  median {statistics.median(counts):.2f} s, max {max(counts):.2f} s")

    context = browser.new_context(
        viewport={"width": 1440, "height": 900},  # type: ignore[attr-defined]
        service_workers="block",
    )
    local_only(context, server.url)
    page = context.new_page()
    index = server.platform.engine.index
    lat, lon = float(index.lat[0]), float(index.lon[0])
    worst = (0, 0)
    for zoom in range(8, 19):
        page.goto(f"{server.url}/?map={zoom}/{lat}/{lon}")
        page.wait_for_selector("#result-count[data-total]")
        page.wait_for_load_state("networkidle")
        n = page.locator(".leaflet-marker-icon").count()
        worst = max(worst, (n, zoom))
    context.close()
    print(f"  most marker elements in a view: {worst[0]} (zoom {worst[1]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, nargs="+", default=[5000, 50_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for n in args.companies:
            with DemoServer(n) as server:
                print(f"{n:,} companies (set-up {server.setup_seconds:.1f} s):")
                measure(server, browser, args.runs)
        browser.close()


if __name__ == "__main__":
    main()
