"""``ctkg serve`` on the project's own build, started once on loopback for these tests, and
headless Chromium (Debian's ``chromium`` + ``chromium-driver``, driven by selenium).

The site is written into a temporary folder (``--site``), never into the checkout. Tests
that need the browser are skipped with the reason when Chromium, its driver or selenium is
missing (``.ci/run`` installs them); the content-negotiation tests need only the server.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctkg.store.server import free_port
from tests import serving
from tests.paths import ROOT

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1280,1000"]


class Served:
    def __init__(self, base: str, site: Path) -> None:
        self.base = base
        self.site = site


def start_serve(root: Path, site: Path, tmp: Path) -> tuple[subprocess.Popen[str], str]:
    """``ctkg serve`` with its site in ``site``; (process, base URL). Writing the site
    first takes longer than the endpoint alone, hence the longer wait."""
    port = free_port()
    proc, _endpoint = serving.start_serve(root, port, tmp, "--site", str(site), wait=120)
    return proc, f"http://127.0.0.1:{port}"


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate(timeout=10)


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The project's build served with its site, on a free loopback port."""
    tmp = tmp_path_factory.mktemp("serve")
    proc, base = start_serve(ROOT, tmp / "site", tmp)
    try:
        yield Served(base, tmp / "site")
    finally:
        stop(proc)


def chromium_driver(tmp: Path, width: int = 1280, height: int = 1000) -> Any:
    """A headless Chromium under selenium, or skip with the reason."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed")
    from selenium.webdriver.chrome.service import Service

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not browser or not driver_path:
        pytest.skip("Debian's chromium and chromium-driver are not installed "
                    "(.ci/run installs them: apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in [*CHROMIUM_FLAGS[:-1], f"--window-size={width},{height}"]:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp / 'chromium-profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=driver_path))


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    driver = chromium_driver(tmp_path_factory.mktemp("chromium"))
    try:
        yield driver
    finally:
        driver.quit()
