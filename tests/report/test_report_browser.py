"""The report in a real browser: every chart draws, nothing is fetched from the network.

Runs in CI (`make test` installs Debian's chromium + chromium-driver via `make browser-deps`).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kvalitativ.report import build_figures, render_report

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
LOCAL_SCHEMES = {"file", "data", "blob", "about"}


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("chromium and chromedriver are not installed (run `make browser-deps`)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
                "--disable-dev-shm-usage", "--window-size=1280,1600"):
        opts.add_argument(arg)
    opts.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chrome-profile')}")
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    drv.set_page_load_timeout(120)
    yield drv
    drv.quit()


def _open(driver, path: Path) -> list[dict]:
    """Load the file and return the network requests the page made (from the performance log)."""
    driver.get("about:blank")
    driver.get_log("performance")  # drain what the browser did before the page
    driver.get(path.resolve().as_uri())
    deadline = time.time() + 60
    while time.time() < deadline:
        ready = driver.execute_script(
            "return document.readyState === 'complete' && window.Plotly !== undefined && "
            "Array.from(document.querySelectorAll('.js-plotly-plot')).every(d => d._fullLayout !== undefined)")
        if ready:
            break
        time.sleep(0.25)
    time.sleep(1.0)  # let late requests (fonts, images) show up in the log
    requests = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            p = msg["params"]
            requests.append({"url": p["request"]["url"], "document": p.get("documentURL", "")})
    return requests


def _assert_offline(requests: list[dict], page: Path) -> None:
    assert requests, "the performance log recorded nothing: network logging is not working"
    assert any(r["url"].startswith("file://") for r in requests)
    for r in requests:
        scheme = urlparse(r["url"]).scheme
        assert scheme not in {"http", "https", "ws", "wss", "ftp"}, f"request left the machine: {r['url']}"
        if r["document"].startswith("file://"):
            assert scheme in LOCAL_SCHEMES, f"the report requested {r['url']}"


def _assert_charts_drawn(driver, expected: int) -> None:
    charts = driver.execute_script("""
        return Array.from(document.querySelectorAll('.js-plotly-plot')).map(d => {
          const r = d.getBoundingClientRect();
          return {id: d.id, w: r.width, h: r.height,
                  svg: d.querySelectorAll('svg.main-svg').length,
                  traces: d.querySelectorAll('g.trace').length,
                  marks: d.querySelectorAll('g.trace path, g.trace .point').length};
        });""")
    assert len(charts) == expected, charts
    assert int(driver.execute_script("return document.body.dataset.nFigures")) == expected
    for c in charts:
        assert c["w"] > 200 and c["h"] > 150, c
        assert c["svg"] >= 1 and c["traces"] >= 1 and c["marks"] >= 1, c


def _assert_no_errors(driver) -> None:
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not severe, severe
    # a Content-Security-Policy violation means something tried to reach out
    assert not [e for e in severe if "Content Security Policy" in e.get("message", "")]


def test_report_renders_offline(driver, report_tables, meta, tmp_path):
    page = render_report(report_tables, tmp_path / "report.html", meta=meta)
    requests = _open(driver, page)
    _assert_offline(requests, page)
    _assert_charts_drawn(driver, len(build_figures(report_tables)))
    _assert_no_errors(driver)
    assert driver.title == meta["title"]
    assert "Nordskolen" in driver.find_element("id", "enheder").text
    driver.set_window_size(1280, 1600)
    shot = tmp_path / "report.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


def test_unit_brief_renders_offline(driver, report_tables, meta, tmp_path):
    page = render_report(report_tables, tmp_path / "nordskolen.html", unit="Nordskolen", meta=meta)
    requests = _open(driver, page)
    _assert_offline(requests, page)
    _assert_charts_drawn(driver, len(build_figures(report_tables, unit="Nordskolen")))
    _assert_no_errors(driver)
    assert driver.save_screenshot(str(tmp_path / "nordskolen.png"))
