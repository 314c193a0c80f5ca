"""The Teams app package: ``manifest.json`` (schema 1.22) and the two icons, zipped, for the bot
registered with ``CLIENT_ID``. Upload it in Teams (Apps › Apps beheren › Een app uploaden).

The bot is in personal chats, team channels and group chats; with the resource-specific
permissions ``ChannelMessage.Read.Group`` and ``ChatMessage.Read.Chat`` Teams delivers the answers
in the gesprek's reply chain, or its group chat, without a mention. The command list is what
Teams suggests when someone types to the bot.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from pathlib import Path
from urllib.parse import urlsplit

from bot.config import ConfigError
from bot.core.dutch import os_error

SCHEMA = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.22/MicrosoftTeams.schema.json"
ACCENT = (0x1D, 0x4F, 0x91)  # the blue of the Slack app too
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

# What Teams suggests when someone types to the bot (at most ten per list).
COMMANDS = (
    ("start", "Het gesprek over de Checklist sturing beginnen of verdergaan"),
    ("voortgang", "Hoe ver de gemeente is, per deel en onderdeel"),
    ("hulp", "Wat je hier kunt vragen, en uitleg bij de vraag"),
    ("koppel", "Dit kanaal aan een gemeente koppelen (koppel <gemeente>)"),
    ("samenvatting", "De samenvatting met de open ontwikkelpunten, voor de stuurgroep"),
    ("ontwikkelpunten", "De open ontwikkelpunten van het ontwikkelplan"),
    ("ontwikkelpunt nieuw", "Een ontwikkelpunt toevoegen, met een formulier"),
    ("bijwerken", "De stand van zaken van een ontwikkelpunt bijwerken (bijwerken <nummer>)"),
    ("export", "Het ontwikkelplan als Word of Excel (export docx)"),
    ("herinneringen", "De herinneringen en stuurgroepen van de gemeente"),
)


def manifest(client_id: str, version: str, website: str, dashboard_url: str = "") -> dict:
    """The app manifest for the bot ``client_id``; with the dashboard's address, its tabs too (a
    personal one, and one a team can add to a channel), signed in with Teams single sign-on."""
    return _with_tabs(_manifest(client_id, version, website), client_id, dashboard_url)


def _with_tabs(found: dict, client_id: str, dashboard_url: str) -> dict:
    if not dashboard_url:
        return found
    from bot.adapters.teams.tab import resource

    url = dashboard_url.rstrip("/")
    return found | {
        "staticTabs": [{"entityId": "dashboard", "name": "Dashboard", "contentUrl": f"{url}/dashboard/teams",
                        "websiteUrl": f"{url}/dashboard", "scopes": ["personal"]}],
        "configurableTabs": [{"configurationUrl": f"{url}/dashboard/teams/instellen",
                              "canUpdateConfiguration": False, "scopes": ["team", "groupChat"]}],
        "validDomains": [urlsplit(url).hostname],
        "webApplicationInfo": {"id": client_id, "resource": resource(url, client_id)},
    }


def _manifest(client_id: str, version: str, website: str) -> dict:
    return {
        "$schema": SCHEMA,
        "manifestVersion": "1.22",
        "version": version,
        "id": client_id,
        "developer": {"name": "Leidraadbot", "websiteUrl": website, "privacyUrl": website,
                      "termsOfUseUrl": website},
        "name": {"short": "Leidraadbot", "full": "Leidraadbot: Leidraad Werken aan Veiligheid"},
        "description": {
            "short": "De Checklist sturing als gesprek, en het ontwikkelplan, per gemeente",
            "full": ("Leidraadbot helpt een gemeente de Leidraad Werken aan Veiligheid te "
                     "implementeren: het loopt met het team de gespreksvragen van de Checklist "
                     "sturing door (Deel I en Deel II), bewaart de antwoorden per gemeente met hun "
                     "geschiedenis, houdt de ontwikkelpunten van het lokaal meerjarig ontwikkelplan "
                     "bij, maakt samenvattingen voor de stuurgroep en herinnert eigenaren aan hun "
                     "stand van zaken."),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [{
            "botId": client_id,
            "scopes": ["personal", "team", "groupChat"],
            "supportsFiles": True,
            "isNotificationOnly": False,
            "commandLists": [{"scopes": ["personal", "team", "groupChat"],
                              "commands": [{"title": t, "description": d} for t, d in COMMANDS]}],
        }],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
        "webApplicationInfo": {"id": client_id, "resource": f"api://botid-{client_id}"},
        "authorization": {"permissions": {"resourceSpecific": [
            {"name": "ChannelMessage.Read.Group", "type": "Application"},
            {"name": "ChatMessage.Read.Chat", "type": "Application"}]}},
    }


def write_package(path: Path, client_id: str, version: str, website: str, dashboard_url: str = "") -> None:
    """Write the zip Teams takes: the manifest and the icons at its root."""
    if not _GUID.match(client_id):
        raise ConfigError("Voor het app-pakket is CLIENT_ID nodig: de Microsoft App ID van de bot "
                          "(een GUID, zoals 00000000-0000-0000-0000-000000000000).")
    if not re.match(r"^\d+\.\d+\.\d+$", version):
        raise ConfigError(f"--versie {version!r} is geen versie; schrijf bijvoorbeeld 1.0.0.")
    if not website:
        raise ConfigError("Teams vraagt de website van wie de bot aanbiedt (ook voor privacy en "
                          "gebruiksvoorwaarden). Geef die met --website, bijvoorbeeld "
                          "--website https://www.utrecht.nl.")
    if not website.startswith("https://"):
        raise ConfigError(f"--website {website!r} moet met https:// beginnen, bijvoorbeeld "
                          "https://www.utrecht.nl.")
    try:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr("manifest.json", json.dumps(manifest(client_id, version, website, dashboard_url),
                                                         ensure_ascii=False, indent=2))
            package.writestr("color.png", icon(192, (*ACCENT, 255), (255, 255, 255, 255)))
            package.writestr("outline.png", icon(32, (0, 0, 0, 0), (255, 255, 255, 255)))
    except OSError as error:
        raise ConfigError(f"‘{path}’ kan niet worden geschreven: {os_error(error)}.") from error


def icon(size: int, background: tuple[int, ...], mark: tuple[int, ...]) -> bytes:
    """A square PNG (RGBA): ``background``, with an L for Leidraad in ``mark``."""
    stroke, low, high = max(2, size // 8), size // 4, size * 3 // 4
    rows = []
    for y in range(size):
        row = bytearray([0])  # PNG filter: none
        for x in range(size):
            upright = low <= x < low + stroke and low <= y < high
            foot = low <= x < high and high - stroke <= y < high
            row += bytes(mark if upright or foot else background)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8 bits, RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
