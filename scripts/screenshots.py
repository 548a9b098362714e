"""Screenshots of the portal at 1280x900 and on a 390x844 phone, with every bundled plugin.

``make screenshots`` regenerates the README's pictures in ``docs/screenshots/`` (committed,
palette PNGs to keep them small) and, with ``--all``, more pages and states into
``screenshots/`` (ignored by git). Tiles are not reachable here, so the pictures show the map
as it looks without a tile server: outline, towns and results.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from portal_server import DemoServer, launch_chromium, local_only  # noqa: E402

PLUGINS = ("childcare", "housing", "transit", "training", "events", "jobs")
DESKTOP = (1280, 900)
PHONE = (390, 844)

# name, size, path, steps (clicks before the picture)
README_SHOTS: list[tuple[str, tuple[int, int], str, list[str]]] = [
    ("start-desktop", DESKTOP, "/", []),
    ("start-phone", PHONE, "/", []),
    ("filters-phone", PHONE, "/?family=flexible_hours", ["#filter-toggle"]),
    ("list-phone", PHONE, "/?industry=F", ["#view-list"]),
    # the plugins' pages, on the same page kit
    ("kitas-desktop", DESKTOP, "/kitas/", []),
    ("kitas-phone", PHONE, "/kitas/", []),
    ("housing-desktop", DESKTOP, "/wohnen", []),
    ("housing-phone", PHONE, "/wohnen", []),
    ("training-desktop", DESKTOP, "/weiterbildung", []),
    ("training-phone", PHONE, "/weiterbildung", []),
    ("events-desktop", DESKTOP, "/veranstaltungen", []),
    ("events-phone", PHONE, "/veranstaltungen", []),
    ("jobs-desktop", DESKTOP, "/stellen", []),
    ("jobs-phone", PHONE, "/stellen", []),
    ("hiring-desktop", DESKTOP, "/?jobs_hiring=true&profession=26", []),
    ("hiring-phone", PHONE, "/?jobs_hiring=true&profession=26", ["#view-list"]),
]
MORE_SHOTS: list[tuple[str, tuple[int, int], str, list[str]]] = [
    (
        "start-desktop-filtered",
        DESKTOP,
        "/?industry=F&family=flexible_hours&near_town=Marl&radius_km=10&sort=distance",
        [],
    ),
    ("start-desktop-en", DESKTOP, "/?lang=en", []),
    ("more-filters-phone", PHONE, "/", ["#filter-toggle", "#more-filters > summary"]),
    ("layers-phone", PHONE, "/", ["#layer-switcher > summary"]),
    ("menu-phone", PHONE, "/", ["#menu-toggle"]),
    ("embed-desktop", DESKTOP, "/embed", []),
    ("embed-phone", PHONE, "/embed", []),
    ("profile-desktop", DESKTOP, "PROFILE", []),
    ("profile-phone", PHONE, "PROFILE", []),
    ("accessibility-phone", PHONE, "/barrierefreiheit", []),
    ("leichte-sprache-phone", PHONE, "/leichte-sprache", []),
    # right to left: the mirror image of the German pages
    ("start-desktop-ar", DESKTOP, "/?lang=ar", []),
    ("start-phone-ar", PHONE, "/?lang=ar", []),
    ("filters-phone-ar", PHONE, "/?lang=ar", ["#filter-toggle"]),
    ("profile-desktop-ar", DESKTOP, "PROFILE?lang=ar", []),
    ("kitas-phone-ar", PHONE, "/kitas/?lang=ar", []),
]


def shrink(path: Path) -> None:
    """Rewrite a screenshot as a palette PNG (a third of the bytes, no visible loss)."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def take(browser: Any, server: DemoServer, shot: tuple[Any, ...], target: Path) -> None:
    name, (width, height), path, steps = shot
    mobile = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=mobile,
        has_touch=mobile,
        locale="de-DE",
        service_workers="block",
    )
    local_only(context, server.url)
    page = context.new_page()
    if path.startswith("PROFILE"):
        index = server.platform.engine.index
        path = "/unternehmen/" + index.slugs[int(index.name_order[0])] + path[len("PROFILE") :]
    page.goto(server.url + path)
    if page.locator("#rk-config").count():
        page.wait_for_selector("body[data-search-done]")
        if page.locator("#filter-panel").count():
            page.wait_for_selector("#filter-panel .filter", state="attached")
    page.wait_for_load_state("networkidle")
    for selector in steps:
        page.click(selector)
        page.wait_for_timeout(300)
    page.wait_for_timeout(300)
    page.screenshot(path=str(target))
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=5000)
    parser.add_argument("--all", action="store_true", help="also the other pages and states")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    readme = ROOT / "docs" / "screenshots"
    readme.mkdir(parents=True, exist_ok=True)
    jobs = [(shot, readme / f"{shot[0]}.png") for shot in README_SHOTS]
    if args.all:
        extra = ROOT / "screenshots"
        extra.mkdir(exist_ok=True)
        jobs += [(shot, extra / f"{shot[0]}.png") for shot in MORE_SHOTS]
    with DemoServer(args.companies, plugins=PLUGINS) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for shot, target in jobs:
            take(browser, server, shot, target)
            shrink(target)
            print(f"{target.relative_to(ROOT)} ({target.stat().st_size // 1024} KiB)")
        browser.close()


if __name__ == "__main__":
    main()
