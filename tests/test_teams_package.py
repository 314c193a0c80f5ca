"""The Teams app package: a manifest Teams takes (schema 1.22) and icons of the sizes it needs."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
import zlib

import pytest
from jsonschema import Draft4Validator, Draft7Validator

from .conftest import ROOT

SCHEMA = json.loads((ROOT / "tests" / "schemas" / "teams-manifest-1.22.schema.json").read_text(
    encoding="utf-8"))
APP_ID = "6f4b7c2e-1d3a-4e5f-9a8b-7c6d5e4f3a21"


def _package(tmp_path, *extra: str, client_id: str = APP_ID) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "CLIENT_ID": client_id, "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "bot", "teams-pakket", "-o",
                           str(tmp_path / "app.zip"), "--website", "https://www.utrecht.nl", *extra],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
                          check=False)


def _png(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Width, height and the RGBA pixels of a PNG as the package writes it (filter 0)."""
    width, height = struct.unpack(">II", data[16:24])
    raw = b""
    at = 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IDAT":
            raw += data[at + 8:at + 8 + length]
        at += 12 + length
    rows = zlib.decompress(raw)
    stride = 1 + 4 * width
    pixels = [tuple(rows[y * stride + 1 + 4 * x:y * stride + 5 + 4 * x])
              for y in range(height) for x in range(width)]
    return width, height, pixels


def test_the_package_holds_a_valid_manifest_and_the_icons(tmp_path):
    done = _package(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "App-pakket voor Teams opgeslagen" in done.stdout
    with zipfile.ZipFile(tmp_path / "app.zip") as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        color, outline = _png(package.read("color.png")), _png(package.read("outline.png"))
    for validator in (Draft4Validator(SCHEMA), Draft7Validator(SCHEMA)):  # draft 7 checks const
        assert [e.message for e in validator.iter_errors(manifest)] == []
    bot = manifest["bots"][0]
    assert manifest["id"] == bot["botId"] == APP_ID and manifest["manifestVersion"] == "1.22"
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"} and bot["supportsFiles"]
    assert manifest["authorization"]["permissions"]["resourceSpecific"] == [
        {"name": "ChannelMessage.Read.Group", "type": "Application"},  # a team's channel messages
        {"name": "ChatMessage.Read.Chat", "type": "Application"}]  # a group chat's
    assert color[:2] == (192, 192) and outline[:2] == (32, 32)
    assert {p[3] for p in outline[2]} == {0, 255}  # transparent, with the mark opaque
    assert {p[:3] for p in outline[2] if p[3]} == {(255, 255, 255)}  # and white


def test_the_commands_in_the_package_are_commands_of_the_bot(service):
    from bot.adapters.teams.package import COMMANDS

    assert len(COMMANDS) <= 10
    assert all(service.table.parse(title) is not None for title, _ in COMMANDS)


@pytest.mark.parametrize("client_id", ["", "geen-guid"])
def test_without_a_proper_client_id_it_says_what_is_needed(tmp_path, client_id):
    done = _package(tmp_path, client_id=client_id)
    assert done.returncode == 2 and "CLIENT_ID" in done.stderr and "Traceback" not in done.stderr
