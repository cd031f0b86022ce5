"""Take the README's screenshots of the analysts' pages from a running tracker, in Debian's Chromium.

    make screenshots        # or: .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8000

The tracker should hold the seed's data (``make run``). Each page is shot at 1366 px wide (the visible top
of the page, 1366 x 900, so the image shows what a reader sees first, or from the anchor the path names);
files go to ``docs/screenshots/``. Nothing leaves the machine: requests to other hosts are refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

# (file name, path, viewport width, full page)
SHOTS = [
    ("home.png", "/", 1366, False),
    ("country-china.png", "/countries/CN/", 1366, False),
    ("country-russia-as-of-2022.png", "/countries/RU/?as_of=2022-01-01", 1366, False),
    (
        "designations-glomag-sorted.png",
        "/designations/?filtered=1&program=GLOMAG&sort=-listed#designations-status",
        1366,
        False,
    ),
    ("changes.png", "/changes/?period=90#changes-status", 1366, False),
    ("compare-china-russia-iran.png", "/compare/?country=CN&country=RU&country=IR#compare-figures", 1366, False),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--only", nargs="*", help="file names to take (default: all)")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    host = urlsplit(args.base_url).netloc
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium)
        for name, path, width, full_page in SHOTS:
            if args.only and name not in args.only:
                continue
            context = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 844})
            page = context.new_page()
            page.route(
                "**/*",
                lambda route: route.continue_() if urlsplit(route.request.url).netloc in (host, "") else route.abort(),
            )
            response = page.goto(args.base_url + path, wait_until="networkidle")
            if response is None or response.status != 200:
                print(f"{path}: HTTP {response.status if response else '?'}", file=sys.stderr)
                context.close()
                return 1
            page.wait_for_timeout(500)  # chart animations
            page.screenshot(path=str(OUT / name), full_page=full_page)
            print(f"{OUT / name}: {path} at {width} px")
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
