"""A regio across organisations: one deployment of the bot (one single-tenant registration in the
regio's own tenant) serves gemeenten in two Microsoft 365 tenants and a projectleider in a third,
each of whom uploaded the app. People are told apart by tenant as well as by Entra id; every
message goes back into the tenant it belongs to (the fake Bot Connector refuses a chat or a post
that crosses tenants, as Teams does)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytest.importorskip("microsoft_teams.apps")

from bot.adapters.teams.app import sdk_app
from bot.config import TeamsSettings

from .teams_doubles import TeamsUser, card_texts
from .test_teams import _reminders_at, only_this_machine, running  # noqa: F401 (a fixture)

UTRECHT, ZEIST = "19:utrecht@thread.tacv2", "19:zeist@thread.tacv2"
TENANTS = {"anna": "tenant-utrecht", "bram": "tenant-utrecht", UTRECHT: "tenant-utrecht",
           "zoe": "tenant-zeist", "lars": "tenant-zeist", ZEIST: "tenant-zeist",
           "piet": "tenant-regio"}


@pytest.fixture
def regio(db_path, only_this_machine):  # noqa: F811
    with running(db_path) as teams:
        teams.connector.tenants.update(TENANTS)
        yield teams


def _gemeente(teams, who: str, channel: str, naam: str, owner: str) -> TeamsUser:
    """``who`` installs the bot in their gemeente's channel, binds it, sets the regio and makes an
    ontwikkelpunt over datum owned by ``owner`` (from the same tenant), with a weekly reminder."""
    person = TeamsUser(teams.url, teams.connector, who, channel=channel, team=channel + "-team")
    assert person.send(person.installed("channel"))[0] == 200
    for text in (f"koppel {naam}", "regio instellen Regio Midden", "herinnering wekelijks maandag 9:00"):
        person.send(person.message(text, "channel", mention_bot=True))
        teams.settle()
    conversation, data = person.channel()
    form = {"leidraad_formulier": "nieuw", "nummer": None, "gemeente": "", "basisfunctie": "2",
            "ontwikkelpunt": f"Meldcode vaker gebruiken in {naam}", "wie": f"aad-{owner}",
            "planning": "2026-01-01", "status": "open"}
    status, done = person.send(person.invoke("task/submit", {"type": "task/submit", "data": form},
                                             {"conversation": conversation, "channelData": data}))
    assert status == 200 and done["task"]["type"] == "message", done
    teams.settle()
    return person


def test_one_deployment_serves_two_gemeente_tenants_and_a_projectleider_in_a_third(regio):
    teams = regio
    _gemeente(teams, "anna", UTRECHT, "Utrecht", "bram")
    zoe = _gemeente(teams, "zoe", ZEIST, "Zeist", "lars")
    store = teams.store
    assert {g["naam"]: g["regio_id"] for g in store.gemeenten.all()} == {"Utrecht": 1, "Zeist": 1}
    assert [p["wie_id"] for g in (1, 2) for p in store.punten.all(g)] == [
        "teams:tenant-utrecht:aad-bram", "teams:tenant-zeist:aad-lars"]
    teams.bot.service.grant("projectleider", "Regio Midden", "teams:tenant-regio:aad-piet")

    piet = TeamsUser(teams.url, teams.connector, "piet")
    piet.send(piet.message("samenvatting regio"))
    teams.settle()
    [regiobeeld] = teams.connector.sent("a:personal-29:1piet")
    assert "Regiobeeld Regio Midden" in card_texts(regiobeeld)
    assert "Utrecht" in str(regiobeeld) and "Zeist" in str(regiobeeld)

    zoe.send(zoe.message("samenvatting Utrecht"))  # another gemeente, another tenant: no
    teams.settle()
    assert "geen toegang" in card_texts(teams.connector.sent("a:personal-29:1zoe")[-1])
    other_anna = TeamsUser(teams.url, teams.connector, "anna")
    other_anna.tenant = "tenant-zeist"  # the same Entra object id in another tenant: someone else
    other_anna.send(other_anna.message("samenvatting Utrecht"))
    teams.settle()
    assert "geen toegang" in card_texts(teams.connector.sent("a:personal-29:1anna")[-1])
    assert store.people.role(1, "teams:tenant-zeist:aad-anna") is None

    before = len(teams.connector.calls)
    outcomes = dict(_reminders_at(teams, datetime(2026, 3, 16, 8, 0, tzinfo=UTC)))
    assert sorted(outcomes.values()) == ["sent"] * 4, outcomes
    new = teams.connector.calls[before:]
    assert {c.path for c in new if c.method == "send"} == {
        UTRECHT, ZEIST, "a:personal-29:1bram", "a:personal-29:1lars"}
    chats = {c.body["members"][0]["id"]: c.body["tenantId"] for c in new if c.method == "create"}
    assert chats == {"29:1bram": "tenant-utrecht", "29:1lars": "tenant-zeist"}  # each in its own
    assert "Meldcode vaker gebruiken in Zeist" in card_texts(
        next(c.body for c in new if c.method == "send" and c.path == "a:personal-29:1lars"))


def test_the_bot_gets_its_own_token_from_its_home_tenant_whoever_writes():
    """Single-tenant: the app's credentials name the regio's tenant (TENANT_ID), and the token
    for every outgoing call comes from there, for conversations in any tenant."""
    app = sdk_app(TeamsSettings("bot-app-id", "een-geheim", "tenant-regio"))
    assert app.credentials.tenant_id == "tenant-regio"
