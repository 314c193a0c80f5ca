"""The team and the reminders: someone away (their reminders wait, or go to their vervanger, who
may then update their ontwikkelpunten; coming back, one message says what happened), a reminder
put off from its buttons (never past a stuurgroep's preparation), handed questions in the weekly
reminder, and handing someone's work to another. Through Slack's strict double."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.adapters.slack.translate import direct_place
from bot.core.messages import Command, Said
from bot.core.replies import Tell
from dialogues.content import checklist

from .test_reminders import ANNA, BRAM, COR, api, local, posts, say, world  # noqa: F401 (fixtures)


def dm(service, text: str, who, channel: str):
    return service.handle(Said(who, direct_place("T1", channel), text=text))


def to(api, user: str) -> list[str]:  # noqa: F811
    """What the bot posted in someone's own chat with it (Slack opens it by their user id)."""
    return [json.dumps(p["blocks"], ensure_ascii=False) for p in posts(api) if p["channel"] == user]


def weekly(service) -> None:
    say(service, "herinnering wekelijks maandag 9:00")


def test_away_without_a_vervanger_the_reminders_wait_and_coming_back_tells_what_happened(world, api):  # noqa: F811
    service, scheduler, clock = world
    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    weekly(service)
    said = dm(service, "afwezig tot 4-12-2026", BRAM, "D2")
    assert "afwezig tot en met 4 december 2026" in said[0].text and "wachten" in said[0].text
    outcomes = dict(scheduler.run_once(local(2026, 11, 30, 9, 0)))
    assert not any(key.endswith("slack:T1:U2") for key in outcomes)  # Bram's waits
    assert to(api, "U2") == [] and len(to(api, "U3")) == 1  # Cor's does not
    clock.now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    say(service, "bijwerken 1 De scholen doen mee", who=ANNA)  # meanwhile, on Bram's #1
    clock.now = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    outcomes = dict(scheduler.run_once(local(2026, 12, 5, 9, 0)))  # his last day is over
    assert list(outcomes.values()) == ["sent"]
    [back] = to(api, "U2")
    assert "Welkom terug!" in back and "#1: stand van zaken bijgewerkt door Anna" in back
    assert service.store.team.away(BRAM.id) is None
    assert scheduler.run_once(local(2026, 12, 5, 9, 1)) == []  # once
    _, changes = service.audit("Utrecht")
    assert [(c.what, c.new) for c in changes if c.what.startswith("afwezig")] == [
        ("afwezig: Bram", "tot en met 4 december 2026"), ("afwezig: Bram", "weer aanwezig")]


def test_the_vervanger_gets_the_reminders_on_behalf_and_may_update_until_the_owner_is_back(world, api):  # noqa: F811
    service, scheduler, clock = world
    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    weekly(service)
    refused = dm(service, "bijwerken 1 Ik kijk even mee", COR, "D3")
    assert "geen toegang" in refused[0].text
    said = service.handle(Said(BRAM, direct_place("T1", "D2"), text="afwezig tot 4 december 2026 "
                               "vervanger <@slack:T1:U3>", mentions=(COR,)))
    assert "Tot dan gaan de herinneringen naar Cor" in said[0].text
    [told] = [r for r in said if isinstance(r, Tell)]
    assert told.person == COR.id and "Bram is afwezig tot en met 4 december 2026 en heeft jou als " \
        "vervanger" in told.replies[0].text
    scheduler.run_once(local(2026, 11, 30, 9, 0))
    on_behalf = next(r for r in to(api, "U3") if "Je vervangt Bram" in r)
    assert "Meldcode vaker gebruiken" in on_behalf and to(api, "U2") == []
    assert "bijgewerkt" in dm(service, "bijwerken 1 Offerte is er", COR, "D3")[0].text
    assert "Offerte is er" in repr(dm(service, "ontwikkelpunt 1", COR, "D3"))
    dm(service, "aanwezig", BRAM, "D2")
    assert "geen toegang" in dm(service, "bijwerken 1 Nog iets", COR, "D3")[0].text


def test_a_reminder_put_off_from_its_button_waits_but_never_past_a_stuurgroep(world, api):  # noqa: F811
    service, scheduler, clock = world
    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    weekly(service)
    say(service, "stuurgroep 10-12-2026 14:00")
    scheduler.run_once(local(2026, 11, 30, 9, 0))
    [reminder] = [p for p in posts(api) if p["channel"] == "U2"]
    later = next(e for b in reminder["blocks"] if b["type"] == "actions" for e in b["elements"]
                 if e["text"]["text"] == "Over twee weken")
    click = json.loads(later["value"])
    assert click == {"cmd": "uitstellen 1 twee weken Utrecht", "q": None}
    clock.now = datetime(2026, 11, 30, 9, 5, tzinfo=UTC)
    said = service.handle(Said(BRAM, direct_place("T1", "D2"), text=click["cmd"], expects=None,
                               addressed=True))
    assert said[0].text == ("Goed: tot 14 december 2026 herinner ik je niet aan #1. De voorbereiding "
                            "van de stuurgroep van 10 december 2026 om 14:00 krijg je wel.")
    assert "Herinneringen uitgesteld: Bram tot 14 december 2026." in repr(
        say(service, "ontwikkelpunt 1"))
    api.clear()
    scheduler.run_once(local(2026, 12, 3, 9, 0))  # the preparation, 5 working days before: there
    assert any("Meldcode vaker gebruiken" in r for r in to(api, "U2"))
    api.clear()
    scheduler.run_once(local(2026, 12, 7, 9, 0))  # the next status reminder: #1 waits
    assert not any("Meldcode" in r for r in to(api, "U2")) and to(api, "U3")
    api.clear()
    scheduler.run_once(local(2026, 12, 14, 9, 0))  # the snooze ended that day
    assert any("Meldcode vaker gebruiken" in r for r in to(api, "U2"))


def test_handed_questions_still_open_are_in_the_weekly_reminder(world, api):  # noqa: F811
    service, scheduler, clock = world
    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    weekly(service)
    service.handle(Command(ANNA, _channel(), text="toewijzen 2.3-2.4 <@slack:T1:U4>",
                           mentions=(DIRK,)))
    dm(service, "mijn vragen", DIRK, "D4")
    dm(service, "Er ontbreekt een vaste contactpersoon", DIRK, "D4")  # 2.3 answered
    api.clear()
    scheduler.run_once(local(2026, 11, 30, 9, 0))
    [reminder] = to(api, "U4")
    assert "Aan jou toegewezen en nog open: 2.4 Waar ligt prioriteit" in reminder
    assert "2.3" not in reminder.replace("2.3.", "")


def test_overdragen_gives_every_ontwikkelpunt_and_question_to_another_in_one_step(world, api):  # noqa: F811
    service, _, _ = world
    service.handle(Command(ANNA, _channel(), text="toewijzen 2.1 <@slack:T1:U2>", mentions=(BRAM,)))
    refused = service.handle(Command(COR, _channel(), text="overdragen <@slack:T1:U2> <@slack:T1:U3>",
                                     mentions=(BRAM, COR)))
    assert "Alleen een beheerder" in refused[0].text
    replies = service.handle(Command(ANNA, _channel(), text="overdragen <@slack:T1:U2> <@slack:T1:U3>",
                                     mentions=(BRAM, COR)))
    assert replies[0].text == "Overgedragen van Bram aan Cor: ontwikkelpunten #1, #3; vraag 2.1."
    store = service.store
    assert [p["wie_id"] for p in store.punten.all(1)] == [COR.id, COR.id, COR.id]
    assert store.team.assigned_to(1, COR.id) == [checklist().part(2).questions[0].id]
    [tell] = [r for r in replies if isinstance(r, Tell)]
    assert tell.person == COR.id and "#1, #3" in tell.replies[0].text
    _, changes = service.audit("Utrecht")
    assert [(c.what, c.old, c.new) for c in changes][-3:] == [
        ("#1 Wie gaat de actie uitvoeren?", "Bram", "Cor"),
        ("#3 Wie gaat de actie uitvoeren?", "Bram", "Cor"), ("vraag 2.1 toegewezen", "Bram", "Cor")]


DIRK = type(ANNA)("slack:T1:U4", "Dirk")


def _channel():
    from bot.adapters.slack.translate import channel_place
    return channel_place("T1", "C1")


def test_a_beheerder_sets_someone_else_away_and_a_lid_may_not(world, api):  # noqa: F811
    service, _, _ = world
    service.handle(Command(ANNA, _channel(), text="lid toevoegen <@slack:T1:U3>", mentions=(COR,)))
    refused = service.handle(Command(COR, _channel(), text="afwezig <@slack:T1:U2> tot 4-12-2026",
                                     mentions=(BRAM,)))
    assert "Alleen een beheerder van gemeente Utrecht" in refused[0].text
    assert service.store.team.away(BRAM.id) is None
    replies = service.handle(Command(ANNA, _channel(), text="afwezig <@slack:T1:U2> tot 4-12-2026 "
                                     "vervanger <@slack:T1:U3>", mentions=(BRAM, COR)))
    assert replies[0].text.startswith("Bram is afwezig tot en met 4 december 2026")
    told = {t.person: t.replies[0].text for t in replies if isinstance(t, Tell)}
    assert "Anna heeft gezet dat je afwezig bent" in told[BRAM.id] and "vervanger" in told[COR.id]
    back = service.handle(Command(ANNA, _channel(), text="aanwezig <@slack:T1:U2>", mentions=(BRAM,)))
    assert back[0].text == "Bram is weer aanwezig." and "Welkom terug!" in back[1].replies[0].text


def test_someone_named_in_the_console_never_stops_the_others_reminders(world, api):  # noqa: F811
    service, scheduler, clock = world
    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    weekly(service)
    from .conftest import console_inbound
    service.handle(console_inbound("Anna", command="toewijzen 2.3 Piet"))  # console:piet: no chat
    outcomes = dict(scheduler.run_once(local(2026, 11, 30, 9, 0)))
    assert [v for k, v in outcomes.items() if k.endswith("console:piet")] == ["skipped"]
    assert sorted(v for k, v in outcomes.items() if not k.endswith("console:piet")) == ["sent"] * 3
