"""The gemeente's team on Teams: a colleague handed questions gets a card in their own chat with
the bot, starts with its button and answers there (through the Teams SDK, a fake Bot Connector)."""

from __future__ import annotations

import pytest

pytest.importorskip("microsoft_teams.apps")

from datetime import UTC, datetime

from dialogues.content import checklist

from . import adaptive_cards
from .teams_doubles import CHANNEL
from .test_teams import (  # noqa: F401 (fixtures)
    _new_punt,
    _reminders_at,
    bound,
    card_texts,
    only_this_machine,
    teams,
)

ID = {checklist().position(q.id).ref: q.id for q in checklist().questions}


def test_in_teams_the_colleague_gets_a_card_and_answers_in_their_own_chat(teams):  # noqa: F811
    anna, post = bound(teams)
    anna.send(anna.message("toewijzen 2.3 @bram", "channel", post=post, mention_bot=True,
                           mentions=("bram",)))
    teams.settle()
    [card] = teams.connector.sent("a:personal-29:1bram")
    facts = [f for e in card["attachments"][0]["content"]["body"] if e["type"] == "FactSet"
             for f in e["facts"]]
    assert "deze vraag" in card_texts(card) and facts == [{"title": "2.3", "value": "Wat ontbreekt er nog"}]
    bram = teams.user("bram")
    start = next(a for a in card["attachments"][0]["content"]["body"] if a["type"] == "ActionSet")
    status, _ = bram.send(bram.press(bram._base("message", bram.personal()), start["actions"][0]))
    teams.settle()
    assert status == 200
    assert "Wat ontbreekt er nog" in card_texts(teams.connector.sent("a:personal-29:1bram")[-1])
    bram.send(bram.message("Een vaste contactpersoon ontbreekt"))
    teams.settle()
    assert teams.store.db.execute("SELECT question_id, text FROM answers ORDER BY id DESC LIMIT 1"
                                  ).fetchone() == (ID["2.3"], "Een vaste contactpersoon ontbreekt")
    bram.send(bram.message("samenvatting"))
    teams.settle()
    assert "geen toegang" in card_texts(teams.connector.sent("a:personal-29:1bram")[-1])


def _personal(harness, who: str) -> list[dict]:
    return harness.connector.sent(f"a:personal-29:1{who}")


def test_in_teams_a_reminder_is_put_off_with_its_button_and_a_vervanger_gets_it_on_behalf(teams):  # noqa: F811
    anna, post = bound(teams)
    _new_punt(teams, anna, post, "2026-01-01")  # over datum, owned by Bram
    anna.send(anna.message("herinnering wekelijks maandag 9:00", "channel", post=post))
    teams.settle()
    _reminders_at(teams, datetime(2026, 3, 16, 8, 0, tzinfo=UTC))
    [reminder] = _personal(teams, "bram")
    buttons = [a for e in adaptive_cards.nodes(reminder["attachments"]) if e.get("type") == "ActionSet"
               for a in e["actions"]]
    later = next(b for b in buttons if b["title"] == "Over twee weken")  # the bot's clock: 12 March
    assert later["type"] == "Action.Execute" and later["data"]["cmd"] == "uitstellen 1 twee weken Utrecht"
    bram = teams.user("bram")
    status, answered = bram.send(bram.press(bram._base("message", bram.personal()), later))
    teams.settle()
    assert status == 200 and answered["value"] == "Ontvangen."
    assert "herinner ik je niet aan #1" in card_texts(_personal(teams, "bram")[-1])
    _reminders_at(teams, datetime(2026, 3, 23, 8, 0, tzinfo=UTC))  # till 26 March: it waits
    assert len(_personal(teams, "bram")) == 2
    bram.send(bram.message("afwezig tot 10-4-2026 vervanger @cor", mentions=("cor",)))
    teams.settle()
    assert "Tot dan gaan de herinneringen naar Cor Smit" in card_texts(_personal(teams, "bram")[-1])
    assert "heeft jou als vervanger" in card_texts(_personal(teams, "cor")[-1])
    _reminders_at(teams, datetime(2026, 3, 30, 8, 0, tzinfo=UTC))  # Bram's snooze is over
    on_behalf = card_texts(_personal(teams, "cor")[-1])
    assert "Je vervangt Bram Jansen, die afwezig is" in on_behalf and "Meldcode vaker gebruiken" in on_behalf
    assert len(_personal(teams, "bram")) == 3  # nothing more to Bram while away


def test_in_teams_overdragen_gives_the_work_to_another_who_is_told(teams):  # noqa: F811
    anna, post = bound(teams)
    _new_punt(teams, anna, post, "2027-03-01")
    anna.send(anna.message("overdragen @bram @cor", "channel", post=post, mentions=("bram", "cor")))
    teams.settle()
    assert "Overgedragen van Bram Jansen aan Cor Smit: ontwikkelpunt #1." in card_texts(
        teams.connector.sent(f"{CHANNEL};messageid={post}")[-1])
    told = card_texts(_personal(teams, "cor")[-1])
    assert "Anna de Vries heeft het werk van Bram Jansen bij gemeente Utrecht aan jou gegeven" in told
    assert teams.store.punten.get(1, 1)["wie_id"] == "teams:tenant-1:aad-cor"
