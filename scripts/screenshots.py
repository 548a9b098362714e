"""Screenshots of the portal (desktop and a 390 px phone) into screenshots/ (ignored by git).

``make screenshots``; ``--companies N`` for another data size. Tiles are not reachable here,
so the pictures show the map as it looks without a tile server: outline, towns, results.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from portal_server import DemoServer, launch_chromium, local_only  # noqa: E402

SHOTS = [
    # name, width, height, path, full page
    ("start-desktop", 1440, 900, "/", False),
    ("start-phone-390", 390, 844, "/", False),
    ("start-phone-390-full", 390, 844, "/", True),
    (
        "start-desktop-filtered",
        1440,
        900,
        "/?industry=F&family=flexible_hours&near_town=Marl&radius_km=10&sort=distance",
        False,
    ),
    ("start-desktop-en", 1440, 900, "/?lang=en", False),
    ("profile-desktop", 1440, 900, "PROFILE", True),
    ("profile-phone-390", 390, 844, "PROFILE", True),
    ("accessibility-phone-390", 390, 844, "/barrierefreiheit", False),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(exist_ok=True)
    from playwright.sync_api import sync_playwright

    with DemoServer(args.companies) as server, sync_playwright() as playwright:
        index = server.platform.engine.index
        profile = "/unternehmen/" + index.slugs[int(index.name_order[0])]
        browser = launch_chromium(playwright)
        for name, width, height, path, full in SHOTS:
            mobile = width < 600
            context = browser.new_context(
                viewport={"width": width, "height": height},
                device_scale_factor=2 if mobile else 1,
                is_mobile=mobile,
                has_touch=mobile,
                locale="de-DE",
                service_workers="block",
            )
            local_only(context, server.url)
            page = context.new_page()
            page.goto(server.url + (profile if path == "PROFILE" else path))
            if path != "PROFILE" and path.startswith("/") and "barrierefreiheit" not in path:
                page.wait_for_selector("body[data-search-done]")
                page.wait_for_selector("#filter-panel .filter", state="attached")
                page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            target = args.out / f"{name}.png"
            page.screenshot(path=str(target), full_page=full)
            print(target.relative_to(ROOT))
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
