"""The HTML report in a real headless browser (Debian's chromium): no errors, nothing cut off.

The report ships no script. The test injects its own probe into a copy of the page: it
records errors, and for every element whether its content is wider than its box, at a
desktop, a tablet and a phone width, and with the print style at the width of A4. A
print to PDF must then hold every column of the answer and KPI tables.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

import capsim

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
]  # fmt: skip

WIDTHS = (1440, 800, 400)
A4_PIXELS = 688
"""The printable width of A4 with the report's 14 mm margins, in CSS pixels (182 mm)."""

PROBE = """
(function () {
  var root = document.documentElement, errors = [];
  function note(text) {
    errors.push(String(text));
    root.setAttribute("data-errors", JSON.stringify(errors));
  }
  root.setAttribute("data-errors", "[]");
  window.addEventListener("error", function (e) { note(e.message || "resource error"); }, true);
  document.addEventListener("securitypolicyviolation", function (e) {
    if (e.violatedDirective.indexOf("script") !== 0) { note("blocked " + e.blockedURI); }
  });
  function name(element) {
    return element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
      (element.className && typeof element.className === "string" ?
        "." + element.className.split(" ").join(".") : "");
  }
  window.addEventListener("load", function () {
    var width = document.documentElement.clientWidth, found = [];
    if (document.documentElement.scrollWidth > width + 1) {
      found.push("page " + document.documentElement.scrollWidth + " > " + width);
    }
    document.querySelectorAll("body *").forEach(function (element) {
      if (element.closest("svg") && element.tagName.toLowerCase() !== "svg") { return; }
      if (element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1) {
        found.push(name(element) + " " + element.scrollWidth + " > " + element.clientWidth);
      }
      if (element.tagName === "TD" && getComputedStyle(element).display !== "none") {
        var box = element.getBoundingClientRect();
        if (box.width < 1 || box.right > width + 1) {
          found.push("cell " + name(element) + " at " + Math.round(box.right));
        }
      }
    });
    root.setAttribute("data-overflow", JSON.stringify(found));
    document.querySelectorAll("figure svg, table").forEach(function (element) {
      var box = element.getBoundingClientRect();
      element.setAttribute("data-drawn", Math.round(box.width) + "x" + Math.round(box.height));
    });
    root.setAttribute("data-loaded", "true");
  });
})();
"""


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


def probed(report: Path, folder: Path, print_style: bool = False) -> Path:
    """A copy of the report with the probe injected (and allowed), optionally styled for print."""
    text = report.read_text(encoding="utf-8")
    text = text.replace("img-src data:", "img-src data:; script-src 'unsafe-inline'", 1)
    text = text.replace("</head>", f"<script>{PROBE}</script></head>", 1)
    if print_style:
        text = text.replace("@media print {", "@media all {", 1)
    copy = folder / ("print.html" if print_style else "probed.html")
    copy.write_text(text, encoding="utf-8")
    return copy


def load(page: Path, width: int, profile: Path) -> tuple[dict[str, str], str]:
    """The <html> element's attributes and the page, after loading at ``width`` px."""
    dom = chromium(
        "--virtual-time-budget=5000", f"--window-size={width},2000", "--dump-dom",
        page.as_uri(), profile=profile,
    )  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE(" in line]
    assert console == [], console
    root = re.search(r"<html[^>]*>", dom.stdout)
    assert root is not None
    attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', root.group(0)))
    assert attributes.get("data-loaded") == "true", "the page did not finish loading"
    return attributes, dom.stdout


def listed(attribute: str) -> list[str]:
    return list(json.loads(attribute.replace("&quot;", '"')))


def test_report_is_self_contained_and_ships_no_script(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert "@import" not in text and "url(http" not in text
    assert "default-src 'none'" in text and "script-src" not in text
    assert "<script" not in text.lower()


def test_report_is_written_with_the_umask(report: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(report.stat().st_mode) == 0o666 & ~umask  # not 0600
    assert [path.name for path in report.parent.iterdir()] == ["report.html"]


def test_report_opens_with_the_answer(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    headings = re.findall(r"<h2>([^<]+)</h2>", text)
    assert headings == ["Answer", "Key results, KPI by KPI", "Figures", "Inputs", "Manifest"]
    answer = re.search(r'<table id="answer-us_army_stinger".*?</table>', text, re.S)
    assert answer is not None
    assert answer.group(0).count("<tr>") == 1 + 3  # the header and one row per scenario
    assert "chance back by the end" in answer.group(0) and "against the baseline" in text
    assert '<details id="inputs-diff">' in text and '<details id="manifest">' in text


@pytest.mark.parametrize("width", WIDTHS)
def test_report_in_headless_chromium_hides_and_clips_nothing(
    report: Path, tmp_path: Path, width: int
) -> None:
    attributes, page = load(probed(report, tmp_path), width, tmp_path / "profile")
    assert listed(attributes["data-errors"]) == []
    assert listed(attributes["data-overflow"]) == [], f"cut off at {width} px"
    drawn = re.findall(r'<svg[^>]*?data-drawn="(\d+)x(\d+)"', page)
    assert len(drawn) == 2, "a figure is missing"
    assert all(int(w) > 100 and int(h) > 100 for w, h in drawn), drawn
    assert 'id="kpi-recovery_date-table"' in page

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"compare_report_{width}.png"
    shot.unlink(missing_ok=True)
    done = chromium(
        f"--screenshot={shot}", f"--window-size={width},2000", report.as_uri(),
        profile=tmp_path / "shot",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_print_style_fits_a4(report: Path, tmp_path: Path) -> None:
    page = probed(report, tmp_path, print_style=True)
    attributes, _ = load(page, A4_PIXELS, tmp_path / "profile")
    assert listed(attributes["data-overflow"]) == [], "cut off on A4"


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext is not installed (poppler-utils)")
def test_report_printed_to_pdf_has_every_column(report: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    done = chromium(
        "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri(),
        profile=tmp_path / "profile",
    )  # fmt: skip
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    assert PDFTOTEXT is not None
    text = subprocess.run(
        [PDFTOTEXT, "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    squeezed = re.sub(r"\s+", "", text)
    html_text = report.read_text(encoding="utf-8")
    for table in re.findall(r'<table id="(?:answer|kpi)-[^"]*".*?</table>', html_text, re.S):
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table, re.S):
            words = re.sub(r"<[^>]+>", "", cell).replace("&amp;", "&")
            assert re.sub(r"\s+", "", words) in squeezed, f"{words!r} is not in the printed PDF"
    assert "sha256" in text, "the collapsed manifest is not printed"
