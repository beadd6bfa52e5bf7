"""Headless Chromium against the Prefect UI: the rendered page's DOM, or a screenshot.

The Prefect UI is a client-side app, so the HTML the server sends holds no runs; Chromium's
virtual time budget lets the app fetch and render before the DOM is dumped or the picture
taken. Used by the UI test and by `make screenshot` (the picture in the README). Debian's
`chromium` package is enough (`make chromium` installs it); every call gets a fresh profile.

    python -m flows.browser http://127.0.0.1:4200/runs docs/prefect-ui-runs.png
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
WINDOW = (1400, 900)
BUDGET_MS = 15000


class BrowserError(RuntimeError):
    """Chromium is missing, or did not produce what was asked of it."""


def find_chromium() -> str | None:
    """The Chromium binary to use, or None when none is installed."""
    for name in CANDIDATES:
        if Path(name).is_file():
            return name
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(url: str, action: list[str], budget_ms: int, window: tuple[int, int],
         timeout: float) -> subprocess.CompletedProcess[str]:
    binary = find_chromium()
    if binary is None:
        raise BrowserError("no Chromium found (install it with `make chromium`)")
    with tempfile.TemporaryDirectory(prefix="sitrep-chromium-") as profile:
        args = [binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}",
                f"--window-size={window[0]},{window[1]}", *action, url]
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                                  cwd=profile, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(f"Chromium did not finish within {timeout:.0f} s") from exc


def dump_dom(url: str, budget_ms: int = BUDGET_MS, window: tuple[int, int] = WINDOW,
             timeout: float = 120.0) -> str:
    """The page's DOM after its scripts have run for `budget_ms` of virtual time."""
    done = _run(url, ["--dump-dom"], budget_ms, window, timeout)
    if done.returncode != 0 or not done.stdout.strip():
        raise BrowserError(f"Chromium exited {done.returncode}: {done.stderr[-800:]}")
    return done.stdout


def screenshot(url: str, out: Path | str, budget_ms: int = BUDGET_MS,
               window: tuple[int, int] = WINDOW, timeout: float = 120.0) -> Path:
    """Save a PNG of the page after its scripts have run for `budget_ms` of virtual time."""
    target = Path(out).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    done = _run(url, [f"--screenshot={target}"], budget_ms, window, timeout)
    if done.returncode != 0 or not target.is_file():
        raise BrowserError(f"Chromium exited {done.returncode} without a screenshot: "
                           f"{done.stderr[-800:]}")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.browser",
                                     description="Screenshot (or DOM) of a page, headless.")
    parser.add_argument("url")
    parser.add_argument("out", nargs="?", type=Path, help="PNG to write; omit to print the DOM")
    parser.add_argument("--budget-ms", type=int, default=BUDGET_MS)
    parser.add_argument("--window", default=f"{WINDOW[0]},{WINDOW[1]}", metavar="W,H")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.window.split(","))
    try:
        if args.out is None:
            print(dump_dom(args.url, args.budget_ms, (width, height)))
        else:
            print(screenshot(args.url, args.out, args.budget_ms, (width, height)))
    except BrowserError as exc:
        print(f"flows.browser: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
