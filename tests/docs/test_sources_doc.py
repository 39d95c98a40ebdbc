"""Scenario comments cite public sources, and docs/sources.md lists every one of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES_DOC = ROOT / "docs" / "sources.md"
URL = re.compile(r"https?://[^\s)\]>]+")
# Documents on the machine this project was built on, which users do not have.
PRIVATE = ("shared/reference", "/work/shared", "domain-sources.md", "design.md")
USER_FILES = sorted(
    path
    for folder in ("scenarios", "docs", "notebooks")
    for path in (ROOT / folder).rglob("*")
    if path.is_file() and path.suffix in {".yaml", ".md", ".ipynb", ".py", ".txt"}
)


def cited_urls() -> set[str]:
    found = set()
    for path in (ROOT / "scenarios").rglob("*.yaml"):
        found |= {url.rstrip(".,;") for url in URL.findall(path.read_text(encoding="utf-8"))}
    return found


@pytest.mark.parametrize("path", USER_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_user_file_points_to_a_private_document(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    named = [private for private in PRIVATE if private in text]
    assert not named, f"{path.relative_to(ROOT)} names {named}: cite the public source itself"


def test_every_cited_source_is_in_the_bibliography() -> None:
    listed = set(URL.findall(SOURCES_DOC.read_text(encoding="utf-8")))
    missing = sorted(cited_urls() - listed)
    assert not missing, f"add these sources to docs/sources.md: {missing}"


def test_the_bibliography_lists_only_cited_sources() -> None:
    background = {"csis.org", "csis-website-prod", "web.archive.org"}
    listed = set(URL.findall(SOURCES_DOC.read_text(encoding="utf-8")))
    extra = sorted(u for u in listed - cited_urls() if not any(b in u for b in background))
    assert not extra, f"docs/sources.md lists sources no scenario cites: {extra}"
