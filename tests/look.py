"""Adaptive Cards as a reader meets them in Teams: drawn by Microsoft's renderer with Teams' light
and dark host configs in headless Chromium (``tests/look/render.js``), with axe-core's contrast
check. ``.ci/run`` installs Chromium and the npm packages; elsewhere the tests that look are
skipped with the command that installs them, unless ``LEIDRAAD_LOOK=1`` demands them (CI)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "look"
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
        message = f"{lacking} is not installed; to look at the cards: {INSTALL}"
        if os.environ.get("LEIDRAAD_LOOK") == "1":
            pytest.fail(message)
        pytest.skip(message)


def render(cards: dict[str, dict], screenshots: Path | None = None,
           find: dict[str, str] | None = None) -> list[Look]:
    """Each card in the light and the dark theme, ``WIDTH`` wide; for the cards named in ``find``,
    where in it that text begins."""
    require()
    if screenshots:
        screenshots.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as job:
        json.dump({"cards": cards, "width": WIDTH, "find": find or {}, "themes": ["light", "dark"],
                   "chromium": chromium(), "screenshots": str(screenshots) if screenshots else None}, job)
    try:
        done = subprocess.run(["node", str(HERE / "render.js"), job.name], capture_output=True,
                              text=True, timeout=600)
    finally:
        os.unlink(job.name)
    assert done.returncode == 0, done.stderr
    return [Look(**r) for r in json.loads(done.stdout)]
