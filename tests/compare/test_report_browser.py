"""The HTML report in a real headless browser (Debian's chromium): no errors, all visible."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import capsim

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--enable-logging=stderr", "--v=0",
]  # fmt: skip


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = ROOT / "scenarios" / "stinger"
    files = [folder / f"{name}.yaml" for name in ("baseline", "second_shift", "nspa_2024")]
    comparison = capsim.compare(files, replications=5, seed=3)
    return comparison.to_html(tmp_path_factory.mktemp("report") / "report.html")


def test_report_is_self_contained(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert "@import" not in text and "url(http" not in text
    assert "default-src 'none'" in text


def test_report_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    url = report.as_uri()
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", url, profile=tmp_path / "a")
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = dom.stdout
    root = re.search(r"<html[^>]*>", page)
    assert root is not None
    attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', root.group(0)))
    assert attributes.get("data-loaded") == "true", "the page did not finish loading"
    errors = json.loads(attributes["data-errors"].replace("&quot;", '"'))
    assert errors == [], f"errors in the page: {errors}"
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE(" in line]
    assert console == [], console

    drawn = re.findall(r'<(svg|table)[^>]*?data-drawn="(\d+)x(\d+)"', page)
    kinds = [kind for kind, _, _ in drawn]
    assert kinds.count("table") == 1, "the KPI table is missing"
    assert kinds.count("svg") == 2, "a figure is missing"
    assert all(int(width) > 100 and int(height) > 100 for _, width, height in drawn), drawn
    assert 'id="kpi-table"' in page and "recovery_date" in page

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "compare_report.png"
    shot.unlink(missing_ok=True)
    done = chromium(f"--screenshot={shot}", "--window-size=1280,2000", url, profile=tmp_path / "b")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
