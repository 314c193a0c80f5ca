"""The gemeente's team on Teams: a colleague handed questions gets a card in their own chat with
the bot, starts with its button and answers there (through the Teams SDK, a fake Bot Connector)."""

from __future__ import annotations

import pytest

pytest.importorskip("microsoft_teams.apps")

from dialogues.content import checklist

from .test_teams import bound, card_texts, only_this_machine, teams  # noqa: F401 (fixtures)

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
