"""Screenshot an HTML file with headless Chromium (for the README image and the render test)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """The first headless-capable browser on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot_html(
    page: Path, png: Path, size: tuple[int, int] = (1200, 2000), timeout_s: float = 90.0
) -> Path:
    """Render ``page`` offline and save a PNG of its top ``size`` pixels.

    The browser runs in its own process group with a throwaway profile, and is killed
    (the whole group) if it passes ``timeout_s``.
    """
    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError("no chromium on PATH: apt-get install chromium")
    png = Path(png).resolve()
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="scr-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",  # needed as root; the page is our own file and fetches nothing
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--proxy-server=127.0.0.1:9",  # nothing may be fetched: the page must stand alone
            "--proxy-bypass-list=<-loopback>",
            f"--user-data-dir={profile}",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={png}",
            Path(page).resolve().as_uri(),
        ]
        _run_group(command, timeout_s)
    if not png.exists():
        raise RuntimeError(f"chromium wrote no screenshot to {png}")
    return png


def _run_group(command: list[str], timeout_s: float) -> None:
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise TimeoutError(f"chromium took over {timeout_s:.0f}s") from None
    if process.returncode != 0:
        last = stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
        raise RuntimeError(f"chromium exited {process.returncode}: {last[0]}")
