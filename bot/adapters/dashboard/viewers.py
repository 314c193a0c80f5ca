"""Who looks at the dashboard, and what they may read: the person at the terminal (everything),
or someone of a chat platform (what the chat's own rule lets them read)."""

from __future__ import annotations

from typing import Protocol

from bot.core.access import Facts, Role, authorize
from bot.core.messages import Place, PlaceKind
from bot.service import Service


class Viewer(Protocol):
    """Who looks at the dashboard, and what they may read."""

    naam: str

    def gemeenten(self) -> list[dict]: ...

    def regios(self) -> list[dict]: ...


class Operator:
    """The person at the terminal of the bot's machine: every gemeente and regio."""

    naam = "de beheerder van de bot"

    def __init__(self, service: Service):
        self.store = service.store

    def gemeenten(self) -> list[dict]:
        return self.store.gemeenten.all()

    def regios(self) -> list[dict]:
        return self.store.gemeenten.regios()


class Person:
    """Someone of a chat platform: what the chat lets them read in their own chat with the bot
    (``authorize``, as a dry run): the gemeenten they belong to and those of the regio's they lead
    as projectleider; the regio's they lead. An owner of an ontwikkelpunt or a colleague handed
    questions reads no gemeente as a whole, so sees none here either."""

    def __init__(self, service: Service, user_id: str, naam: str):
        self.store, self.user_id, self.naam = service.store, user_id, naam

    def regios(self) -> list[dict]:
        return self.store.people.regios_led(self.user_id)

    def gemeenten(self) -> list[dict]:
        led = {r["id"] for r in self.regios()}
        memberships = self.store.people.memberships(self.user_id)
        roles = {g["id"]: g["role"] for g in memberships}  # one query, not one per gemeente
        candidates = {g["id"]: g for g in (*(g for r in led for g in self.store.gemeenten.of_regio(r)),
                                           *memberships)}
        own_chat = Place(PlaceKind.DIRECT, f"{self.user_id}~dashboard")
        return sorted((g for g in candidates.values() if authorize(own_chat, Facts(
            False, role=lambda g=g: roles.get(g["id"]),
            leads_regio=lambda g=g: g["regio_id"] in led), Role.LEZER) is None),
            key=lambda g: g["naam"])
