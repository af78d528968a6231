"""Screenshots of the served site for the README (``docs/img/*.png``), never made by hand.

Starts ``ctkg serve`` on a free loopback port with its site in a temporary folder, opens the
pages in headless Chromium (Debian's ``chromium`` + ``chromium-driver`` through selenium, the
same flags as tests/browser) and saves each page at a fixed width, as tall as its content up
to a limit::

    .venv/bin/python tools/screenshots.py            # writes docs/img/entity-page.png, ...
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOTS = {  # file in docs/img -> page (path on the server)
    "entity-page.png": "/id/person/vladimir-voronkov",
    "timeline.png": "/timeline.html",
}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(tmp: Path) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ctkg", "serve", "--root", str(ROOT),
                             "--port", str(port), "--site", str(tmp / "site")],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("SPARQL query endpoint: "):
            return proc, f"http://127.0.0.1:{port}"
    raise SystemExit("ctkg serve stopped before it answered")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--max-height", type=int, default=1800)
    args = parser.parse_args()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not browser or not driver:
        raise SystemExit("needs Debian's chromium and chromium-driver (apt-get install)")
    tmp = Path(tempfile.mkdtemp(prefix="ctkg-shots-"))
    proc, base = serve(tmp)
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in [*FLAGS, f"--user-data-dir={tmp / 'profile'}"]:
        options.add_argument(flag)
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, path in SHOTS.items():
            chrome.set_window_size(args.width, args.max_height)
            chrome.get(base + path)
            time.sleep(0.3)
            height = chrome.execute_script(
                "return Math.ceil(document.querySelector('footer').getBoundingClientRect()"
                ".bottom + window.scrollY)")
            # the window's height includes the browser's own bars (about 143 px headless)
            chrome.set_window_size(args.width, min(int(height) + 160, args.max_height))
            chrome.save_screenshot(str(args.out / name))
            print(f"{args.out / name}: {base}{path}")
    finally:
        chrome.quit()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
