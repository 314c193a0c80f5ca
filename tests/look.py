"""Adaptive Cards as a reader meets them in Teams: drawn by Microsoft's renderer with Teams' light
and dark host configs in headless Chromium (``tests/look/render.js``), with axe-core's contrast
check. ``.ci/run`` installs Chromium and the npm packages; elsewhere the tests that look are
skipped with the command that installs them, unless ``LEIDRAAD_LOOK=1`` demands them (CI)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.adaptive_cards import nodes

HERE = Path(__file__).parent / "look"
# A warning of the renderer is a part of a card it could not read, so a reader would miss it; but
# for what Teams adds to Adaptive Cards, which Teams draws itself: the people picker is a choice
# list whose choices Teams finds as one types (``choices.data``, a ``Data.Query``).
TEAMS_EXTENSIONS = {"An Input.ChoiceSet must have at least one choice defined.": "choices.data"}
SEEN: dict[str, dict] = {}  # every card the fake Teams took in this process, by its hash
WIDTH = 450  # Teams' chat at its narrowest common width, in CSS pixels
INSTALL = "apt-get install chromium nodejs npm && npm ci --prefix tests/look"


@dataclass(frozen=True)
class Look:
    name: str
    theme: str
    height: int
    top: int | None  # where the text to find begins, below the top of the card
    contrast: list[str]
    warnings: list[str]


def chromium() -> str | None:
    return next((found for name in ("chromium", "chromium-browser", "google-chrome")
                 if (found := shutil.which(name))), None)


def missing() -> str | None:
    """What is missing to look at cards, or None."""
    if shutil.which("node") is None:
        return "node"
    if chromium() is None:
        return "chromium"
    if not (HERE / "node_modules" / "adaptivecards").is_dir():
        return "the npm packages of tests/look"
    return None


def require() -> None:
    """Skip (or, where ``LEIDRAAD_LOOK=1``, fail) when the tools to look are not here."""
    if lacking := missing():
        message = f"not installed: {lacking}; to look at the cards: {INSTALL}"
        if os.environ.get("LEIDRAAD_LOOK") == "1":
            pytest.fail(message)
        pytest.skip(message)


def seen(card: dict) -> None:
    """A card the fake Teams took: to be looked at when the suite ends (``sweep``)."""
    text = next((n.get("text") for n in nodes(card) if n.get("text")), "")  # to find it by
    digest = hashlib.sha1(json.dumps(card, sort_keys=True).encode()).hexdigest()[:10]
    SEEN.setdefault(f"‘{' '.join(str(text).split())[:40]}’ {digest}", card)


def faults(look: Look, card: dict | list) -> list[str]:
    """What a reader would miss in a card as drawn: text under WCAG's contrast, and parts the
    renderer could not read (but Teams' own extensions)."""
    keys = {key for node in nodes(card) for key in node}
    return look.contrast + [w for w in look.warnings if TEAMS_EXTENSIONS.get(w) not in keys]


def sweep(cards: dict[str, dict]) -> list[str] | None:
    """Every card the suite sent to the fake Teams, drawn in both themes: the faults found (None:
    the tools to look are not here, and nobody demands them)."""
    if missing():
        return [f"not installed: {missing()}"] if os.environ.get("LEIDRAAD_LOOK") == "1" else None
    return [f"{look.name} ({look.theme}): {fault}" for look in render(cards)
            for fault in faults(look, cards[look.name])]


def render(cards: dict[str, dict], screenshots: Path | None = None,
           find: dict[str, str] | None = None) -> list[Look]:
    """Each card in the light and the dark theme, ``WIDTH`` wide; for the cards named in ``find``,
    where in it that text begins."""
    require()
    if screenshots:
        screenshots.mkdir(parents=True, exist_ok=True)
    return [Look(**r) for r in _node("render.js", {
        "cards": cards, "width": WIDTH, "find": find or {}, "themes": ["light", "dark"],
        "screenshots": str(screenshots) if screenshots else None})]


def _node(script: str, job: dict) -> list[dict]:
    """What one of ``look/``'s scripts finds for ``job``, in headless Chromium."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as file:
        json.dump(job | {"chromium": chromium()}, file)
    try:
        done = subprocess.run(["node", str(HERE / script), file.name], capture_output=True,
                              text=True, timeout=600)
    finally:
        os.unlink(file.name)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@dataclass(frozen=True)
class PageLook:
    name: str
    violations: list[str]  # axe-core's WCAG 2.1 A and AA rules
    links: list[str]  # every link (and disclosure) on the page
    reached: list[str]  # those the Tab key reached, in order
    pdf: str  # the page printed, as the print stylesheet asks


def pages(urls: dict[str, str], folder: Path, screenshots: Path | None = None) -> list[PageLook]:
    """Web pages opened in Chromium: axe's violations, keyboard reach, and a print to PDF."""
    require()
    return [PageLook(**r) for r in _node("pages.js", {
        "pages": urls, "folder": str(folder), "screenshots": str(screenshots) if screenshots else None})]
