"""Teams through the Teams SDK itself: activities posted to its endpoint on 127.0.0.1, a fake Bot
Connector answering, the real store; nothing leaves this machine."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

pytest.importorskip("microsoft_teams.apps")

from cryptography.hazmat.primitives.asymmetric import rsa

from bot.adapters.server import Server, asgi_app
from bot.adapters.teams.app import ENDPOINT, build
from bot.config import TeamsSettings
from bot.service import Service
from dialogues.content import checklist
from store import Store

from . import adaptive_cards
from .conftest import Clock
from .stands import latest_stands
from .teams_doubles import APP_ID, CHANNEL, TENANT, FakeConnector, TeamsUser, card_texts

QUESTIONS = checklist().questions


@pytest.fixture
def only_this_machine(monkeypatch):
    """Every connection and name lookup must stay on 127.0.0.1: no login, no token endpoint."""
    real_connect, real_lookup = socket.socket.connect, socket.getaddrinfo

    def local(address) -> bool:
        return isinstance(address, tuple) and address[0] in ("127.0.0.1", "::1", "localhost")

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not local(address):
            raise AssertionError(f"a connection to {address} would leave this machine")
        return real_connect(self, address)

    def lookup(host, *args, **kwargs):
        if host not in ("127.0.0.1", "::1", "localhost", None):
            raise AssertionError(f"looking up {host} would leave this machine")
        return real_lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", lookup)


@dataclass
class TeamsHarness:
    connector: FakeConnector
    store: Store
    bot: object
    url: str

    def user(self, who: str = "anna") -> TeamsUser:
        return TeamsUser(self.url, self.connector, who)

    def settle(self) -> None:
        self.bot.settle()


@contextmanager
def running(db_path, settings=None, sending: bool = True):
    """The bot on a server of its own, against a fake connector; answering unless not
    ``sending``. ``settings`` gets the connector (for its keys)."""
    with FakeConnector() as connector:
        store = Store(db_path, durable=False)
        chosen = settings(connector) if settings else TeamsSettings("", "", "", local=True)
        bot = build(Service(store, clock=Clock()), chosen, sending=sending)
        if sending:
            bot.start()
        server = Server(asgi_app({ENDPOINT: bot.asgi}, store.healthy), "127.0.0.1", 0)
        thread = server.serve_in_thread()
        try:
            yield TeamsHarness(connector, store, bot, f"http://127.0.0.1:{server.port}{ENDPOINT}")
        finally:
            server.stop()
            thread.join(timeout=10)
            bot.stop()
            store.close()


@pytest.fixture
def teams(db_path, only_this_machine):
    with running(db_path) as harness:
        yield harness


def answers(store) -> list[tuple]:
    return store.db.execute("SELECT question_id, text FROM answers ORDER BY id").fetchall()


def bound(teams) -> tuple[TeamsUser, str]:
    """The bot installed in the team, the channel bound to Utrecht by Anna, and the gesprek
    started: Anna, and the post the gesprek runs under."""
    anna = teams.user()
    assert anna.send(anna.installed("channel"))[0] == 200
    anna.send(anna.message("koppel Utrecht", "channel", mention_bot=True))
    teams.settle()
    anna.send(anna.message("start", "channel", mention_bot=True))
    teams.settle()
    assert any(c.path == CHANNEL for c in teams.connector.calls)  # the gesprek's own post
    return anna, _last_post(teams)


def _last_post(teams) -> str:
    threads = [c.path for c in teams.connector.calls if c.method == "send" and ";messageid=" in c.path]
    return threads[-1].rsplit("=", 1)[1]


def test_installing_in_a_personal_chat_sends_the_welcome(teams):
    anna = teams.user()
    status, _ = anna.send(anna.installed())
    teams.settle()
    assert status == 200
    [welcome] = teams.connector.sent("a:personal-29:1anna")
    assert "Welkom bij Leidraadbot" in card_texts(welcome) and "koppel" in card_texts(welcome)


def test_an_update_of_the_app_keeps_how_to_reach_the_person_and_says_nothing(teams):
    anna = teams.user()
    anna_id = "teams:tenant-1:aad-anna"
    assert teams.store.messaging.address(anna_id) is None
    status, _ = anna.send(anna.updated())
    teams.settle()
    assert status == 200 and teams.connector.sent("a:personal-29:1anna") == []
    assert teams.store.messaging.address(anna_id)["chat"] == "a:personal-29:1anna"  # by the worker


def test_installing_in_a_group_chat_sends_the_welcome_without_anyones_progress(teams):
    anna, _ = bound(teams)  # beheerder of Utrecht
    chat = {"conversationType": "groupChat", "id": "19:groep@thread.v2", "isGroup": True,
            "tenantId": TENANT}
    assert anna.send(anna.installed() | {"conversation": chat})[0] == 200
    anna.send(anna.installed())  # and in her personal chat
    teams.settle()
    [welcome] = teams.connector.sent("19:groep@thread.v2")
    assert "Welkom bij Leidraadbot" in card_texts(welcome)
    assert "Gemeente Utrecht" not in card_texts(welcome)  # her overview is hers alone
    assert "Gemeente Utrecht \n(beheerder)" in card_texts(teams.connector.sent("a:personal-29:1anna")[-1])


def test_a_channel_post_that_does_not_name_the_bot_is_left_alone(teams):
    anna, _ = bound(teams)
    before = len(teams.connector.calls)
    for text in ("Goedemorgen allemaal, wie heeft de notulen?", "hulp", "samenvatting"):
        assert anna.send(anna.message(text, "channel"))[0] == 200
    teams.settle()
    assert teams.connector.calls[before:] == []
    assert teams.store.inbox.db.execute("SELECT count(*) FROM entries").fetchone()[0] == 3  # bound()'s


def test_a_channel_is_bound_and_the_gesprek_runs_in_the_reply_chain(teams):
    anna, post = bound(teams)
    bram = teams.user("bram")
    for person, text, mention in ((anna, "De wethouder jeugd", False),
                                  (bram, "Beleidsmedewerker veiligheid", True),
                                  (anna, "overslaan", False)):
        person.send(person.message(text, "channel", post=post, mention_bot=mention))
        teams.settle()
    assert answers(teams.store) == [(QUESTIONS[0].id, "De wethouder jeugd"),
                                    (QUESTIONS[1].id, "Beleidsmedewerker veiligheid")]
    last = teams.connector.sent(f"{CHANNEL};messageid={post}")[-1]
    assert "vraag 4 van 23" in card_texts(last)


def test_commands_to_type_are_written_as_teams_takes_them(teams):
    anna = teams.user()
    anna.send(anna.message("koppel Utrecht", "channel", mention_bot=True))
    teams.settle()
    bound_notice = card_texts(teams.connector.sent()[-1])
    assert "Start het gesprek met ‘@Leidraadbot start’" in bound_notice
    cor = teams.user("cor")  # in no gemeente, in his personal chat: no need to name the bot
    cor.send(cor.message("samenvatting"))
    teams.settle()
    said = card_texts(teams.connector.sent("a:personal-29:1cor")[-1])
    assert "koppel een kanaal met ‘@Leidraadbot koppel <gemeente>’" in said  # done in a channel
    cor.send(cor.message("hulp"))
    teams.settle()
    said = card_texts(teams.connector.sent("a:personal-29:1cor")[-1])
    assert "Je hoort nog bij geen gemeente. Begin in het kanaal van je team met ‘@Leidraadbot koppel" in said
    cor.send(cor.message("voortgnag"))
    teams.settle()
    assert "Bedoel je ‘voortgang’?\nTyp dan ‘voortgang’." in card_texts(
        teams.connector.sent("a:personal-29:1cor")[-1])


def test_an_answer_edited_in_teams_becomes_its_next_version(teams):
    anna, post = bound(teams)
    answer = anna.message("De wethouder", "channel", post=post)
    anna.send(answer)
    anna.send(anna.message("Beleidsmedewerker", "channel", post=post))
    teams.settle()
    assert anna.send(anna.edited(answer, "De wethouder jeugd en onderwijs"))[0] == 200
    teams.settle()
    assert answers(teams.store) == [(QUESTIONS[0].id, "De wethouder"),
                                    (QUESTIONS[1].id, "Beleidsmedewerker"),
                                    (QUESTIONS[0].id, "De wethouder jeugd en onderwijs")]
    assert "aangepaste antwoord op vraag 1.1 is opgeslagen" in card_texts(
        teams.connector.sent(f"{CHANNEL};messageid={post}")[-1])


def test_an_answer_keeps_its_lines_and_formatted_text_is_stored_as_text(teams):
    anna, _ = bound(teams)
    anna.send(anna.message("start"))  # in her personal chat: the gesprek of her one gemeente
    anna.send(anna.message("De wethouder jeugd\r\nen de  burgemeester\r\n\r\nSamen"))
    formatted = anna.message("<p>Wij hebben <b>twee</b> overleggen &amp; een werkgroep</p>"
                             "<p>met &lt;iedereen&gt;</p>")
    anna.send(formatted | {"textFormat": "xml"})
    teams.settle()
    assert answers(teams.store) == [
        (QUESTIONS[0].id, "De wethouder jeugd\nen de burgemeester\n\nSamen"),
        (QUESTIONS[1].id, "Wij hebben twee overleggen & een werkgroep\nmet <iedereen>")]


def test_a_field_changed_without_its_value_is_asked_for_and_no_answer_is_touched(teams):
    anna, post = bound(teams)
    _new_punt(teams, anna, post, "2027-03-01")
    anna.send(anna.message("wijzig 1 planning", "channel", post=post))
    teams.settle()
    assert "planning" in card_texts(teams.connector.sent(f"{CHANNEL};messageid={post}")[-1]).lower()
    anna.send(anna.message("1-4-2028", "channel", post=post))
    teams.settle()
    assert teams.store.punten.get(teams.store.gemeenten.get("utrecht")["id"], 1)["planning"] == "2028-04-01"
    assert answers(teams.store) == []  # the gesprek under the same post kept its answers


@pytest.mark.parametrize("typed", ["<at>Leidraadbot</at> voortgang", "<at>Leidraadbot</at>: voortgang",
                                   "<at>Leidraadbot</at>, voortgang", "voortgang <at>Leidraadbot</at>"])
def test_the_bot_named_anywhere_is_taken_out_of_the_command(typed):
    from microsoft_teams.api import ActivityTypeAdapter

    from bot.adapters.teams.translate import with_mentions

    with FakeConnector() as connector:
        activity = TeamsUser("", connector).message("voortgang", mention_bot=True) | {"text": typed}
    assert with_mentions(ActivityTypeAdapter.validate_python(activity)) == ("voortgang", (), True)


def test_a_colleague_answering_meanwhile_never_fills_someone_elses_field(teams):
    anna, post = bound(teams)
    bram = teams.user("bram")
    _new_punt(teams, anna, post, "2027-03-01")
    for person, text in ((anna, "wijzig 1 kosten"), (bram, "De wethouder jeugd"),
                         (bram, "stop"), (anna, "Uit het budget Veiligheid, 20.000 euro"),
                         (bram, "verder"), (bram, "Beleidsmedewerker veiligheid")):
        person.send(person.message(text, "channel", post=post))
        teams.settle()
    punt = teams.store.punten.get(teams.store.gemeenten.get("utrecht")["id"], 1)
    assert punt["kosten"] == "Uit het budget Veiligheid, 20.000 euro"
    assert answers(teams.store) == [(QUESTIONS[0].id, "De wethouder jeugd"),
                                    (QUESTIONS[1].id, "Beleidsmedewerker veiligheid")]


def test_a_button_on_a_question_works(teams):
    anna, post = bound(teams)
    question = teams.connector.sent(f"{CHANNEL};messageid={post}")[-1]
    skip = next(a for a in _actions(question) if a["title"] == "Overslaan")
    assert skip["type"] == "Action.Execute"  # a Universal Action, as Teams recommends for bots
    status, answered = anna.send(anna.press(_reply_chain(anna, post), skip))
    assert status == 200 and answered == {
        "statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": "Ontvangen."}
    teams.settle()
    assert "vraag 2 van 23" in card_texts(teams.connector.sent(f"{CHANNEL};messageid={post}")[-1])
    old_card = {"cmd": "overslaan", "q": QUESTIONS[1].id}  # Action.Submit, on a card posted before
    anna.send(anna.click(_reply_chain(anna, post), old_card))
    teams.settle()
    assert "vraag 3 van 23" in card_texts(teams.connector.sent(f"{CHANNEL};messageid={post}")[-1])


def test_a_question_once_answered_or_skipped_loses_its_buttons_for_everyone(teams):
    anna, post = bound(teams)
    chain = f"{CHANNEL};messageid={post}"
    first = teams.connector.sent(chain)[-1]
    anna.send(anna.message("De wethouder jeugd", "channel", post=post))
    teams.settle()
    second = teams.connector.sent(chain)[-1]
    skip = next(a for a in _actions(second) if a["title"] == "Overslaan")
    anna.send(anna.press(_reply_chain(anna, post), skip))
    teams.settle()
    updates = teams.connector.wait_for("update", 2)
    assert [u.path for u in updates] == [chain, chain]
    done = ("Beantwoord door Anna de Vries.", "Overgeslagen door Anna de Vries.")
    for update, said in zip(updates, done, strict=True):
        assert _actions(update.body) == [] and said in card_texts(update.body)
        assert "Overslaan" not in card_texts(update.body)
    assert QUESTIONS[0].text in card_texts(updates[0].body)  # the question it was, as it was
    held = teams.connector.posted[chain, updates[0].body["id"]]  # what everyone now sees
    assert done[0] in card_texts(held)
    stale = next(a for a in _actions(first) if a["title"] == "Overslaan")
    anna.send(anna.press(_reply_chain(anna, post), stale))  # a stale button, clicked all the same
    teams.settle()
    assert "eerdere vraag" in " ".join(card_texts(a) for a in teams.connector.sent(chain)[-2:])
    assert [a[0] for a in answers(teams.store)] == [QUESTIONS[0].id]  # nothing changed


def test_a_question_about_the_one_answering_is_refreshed_for_each_reader(teams):
    anna, post = bound(teams)
    chain = f"{CHANNEL};messageid={post}"
    anna.send(anna.message("lid toevoegen @bram", "channel", post=post, mentions=("bram",)))
    for text in ("De wethouder jeugd", "Beleidsmedewerker HGKM", "wijzig 1.2"):
        anna.send(anna.message(text, "channel", post=post))
        teams.settle()
    asked = teams.connector.sent(chain)[-1]
    [card] = [a["content"] for a in asked["attachments"] if "refresh" in a["content"]]
    assert "Beleidsmedewerker HGKM" in card_texts({"attachments": [{"content": card}]})  # Anna's own
    refresh = card["refresh"]["action"]
    assert refresh["type"] == "Action.Execute" and refresh["data"] == {"q": QUESTIONS[1].id}

    def seen_by(who: str) -> dict:
        reader = teams.user(who)
        status, answered = reader.send(reader.invoke("adaptiveCard/action", {
            "action": {"type": "Action.Execute", "verb": refresh["verb"], "data": refresh["data"]},
            "trigger": "automatic"}, _reply_chain(reader, post)))
        assert status == 200
        return answered

    mine, bram = seen_by("anna"), seen_by("bram")
    assert mine["type"] == bram["type"] == "application/vnd.microsoft.card.adaptive"
    assert adaptive_cards.problems(mine["value"]) == [] and adaptive_cards.problems(bram["value"]) == []
    assert "Beleidsmedewerker HGKM" in card_texts({"attachments": [{"content": mine["value"]}]})
    shown_to_bram = card_texts({"attachments": [{"content": bram["value"]}]})
    assert "Wat is jouw rol" in shown_to_bram and "Beleidsmedewerker HGKM" not in shown_to_bram
    assert "Behouden" not in shown_to_bram  # he has no answer of his own to keep
    anna.send(anna.message("Coördinator veiligheid", "channel", post=post))
    teams.settle()
    assert seen_by("bram") == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                               "value": "Deze vraag is al voorbij."}
    stranger = teams.user("zoe")  # not of the gemeente: sees nothing of it
    status, answered = stranger.send(stranger.invoke("adaptiveCard/action", {
        "action": {"type": "Action.Execute", "verb": refresh["verb"], "data": refresh["data"]}},
        _reply_chain(stranger, post)))
    assert status == 200 and "Wat is jouw rol" not in str(answered)
    assert answered["value"] == "Deze vraag is al voorbij."


def test_the_double_changes_only_a_message_the_bot_posted_there(teams):
    from bot.adapters.teams.app import sdk_app
    from bot.adapters.teams.connector import Connector
    from bot.service.outbox import CannotSend

    connector = Connector(sdk_app(TeamsSettings("", "", "", local=True)))
    teams.connector.expect("ActivityNotFoundInConversation")
    card = {"type": "message", "text": "Bijgewerkt"}
    with pytest.raises(CannotSend, match="404 ActivityNotFoundInConversation"):
        connector.update(teams.connector.url, "a:personal-anna", "1700000000000", card)
    sent = connector.send(teams.connector.url, "a:personal-anna", {"type": "message", "text": "Eerst"})
    connector.update(teams.connector.url, "a:personal-anna", sent, card)
    assert teams.connector.posted["a:personal-anna", sent]["text"] == "Bijgewerkt"


def _all_actions(card: dict) -> list[dict]:
    return _actions({"attachments": [card]})


def _actions(activity: dict) -> list[dict]:
    return [n for n in adaptive_cards.nodes(activity["attachments"])
            if n.get("type") in ("Action.Submit", "Action.Execute")]


def test_an_ontwikkelpunt_through_the_dialog_with_a_dutch_error_first(teams):
    anna, post = bound(teams)
    anna.send(anna.message("ontwikkelpunt nieuw", "channel", post=post))
    teams.settle()
    offer = teams.connector.sent(f"{CHANNEL};messageid={post}")[-1]
    [open_button] = [a for a in _actions(offer) if a["title"] == "Formulier openen"]
    where = {"conversation": {"conversationType": "channel", "id": f"{CHANNEL};messageid={post}"},
             "channelData": anna.channel(post)[1]}
    status, dialog = anna.send(anna.invoke("task/fetch", {"type": "task/fetch",
                                                          "data": open_button["data"]}, where))
    assert status == 200 and dialog["task"]["type"] == "continue"
    form = dialog["task"]["value"]["card"]["content"]
    [save] = [a for a in _actions({"attachments": [form]}) if a["title"] == "Opslaan"]
    typed = {"basisfunctie": "2", "ontwikkelpunt": "Meldcode vaker gebruiken", "wie": "aad-bram",
             "planning": "2027-02-31", "status": "open"}
    status, again = anna.send(anna.invoke("task/submit", {"type": "task/submit",
                                                          "data": save["data"] | typed}, where))
    shown = card_texts({"attachments": [again["task"]["value"]["card"]["content"]]})
    assert status == 200 and again["task"]["type"] == "continue" and "datum" in shown.lower()
    assert teams.store.punten.all(teams.store.gemeenten.get("utrecht")["id"]) == []  # nothing stored yet
    status, done = anna.send(anna.invoke("task/submit", {"type": "task/submit", "data": save["data"]
                                                         | typed | {"planning": "2027-03-01"}}, where))
    teams.settle()
    assert status == 200 and done["task"]["type"] == "message"
    [punt] = teams.store.punten.all(teams.store.gemeenten.get("utrecht")["id"])
    assert (punt["ontwikkelpunt"], punt["wie"], punt["wie_id"]) == (
        "Meldcode vaker gebruiken", "Bram Jansen", "teams:tenant-1:aad-bram")
    assert "Ontwikkelpunt #1 is toegevoegd" in card_texts(teams.connector.sent(
        f"{CHANNEL};messageid={post}")[-1])


@pytest.mark.parametrize("chatted_before", [False, True])
def test_an_export_asked_in_the_channel_arrives_by_file_consent_in_the_personal_chat(teams, chatted_before):
    anna, post = bound(teams)
    if chatted_before:  # her personal chat is known, and stays known after she wrote in the channel
        anna.send(anna.message("voortgang"))
        anna.send(anna.message("voortgang", "channel", post=post))
        teams.settle()
    anna.send(anna.message("export docx", "channel", post=post))
    teams.settle()
    assert "persoonlijke chat" in card_texts(teams.connector.sent(f"{CHANNEL};messageid={post}")[-1])
    created = [c for c in teams.connector.calls if c.method == "create" and "members" in c.body]
    assert [c.body["members"] for c in created] == ([] if chatted_before else [[{"id": "29:1anna"}]])
    offer = teams.connector.sent("a:personal-29:1anna")[-1]
    consent = offer["attachments"][0]
    assert consent["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
    upload = {"contentUrl": "https://contoso-my.sharepoint.com/personal/anna/Leidraadbot/x.docx",
              "name": consent["name"], "uploadUrl": teams.connector.url + "upload/session-1",
              "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C8C", "fileType": "docx"}
    personal = {"conversation": anna.personal(), "channelData": {}}
    status, _ = anna.send(anna.invoke("fileConsent/invoke", {
        "type": "fileUpload", "action": "accept", "context": consent["content"]["acceptContext"],
        "uploadInfo": upload}, personal))
    teams.settle()
    assert status == 200
    [(path, content, headers)] = teams.connector.uploads
    assert path == "/upload/session-1" and content[:2] == b"PK"  # a Word document
    assert headers["Content-Range"] == f"bytes 0-{len(content) - 1}/{len(content)}"
    info = teams.connector.sent("a:personal-29:1anna")[-1]["attachments"][0]
    assert info["contentType"] == "application/vnd.microsoft.teams.card.file.info"
    assert info["content"]["uniqueId"] == upload["uniqueId"]
    anna.send(anna.invoke("fileConsent/invoke", {  # the same acceptance again: one offer, one file
        "type": "fileUpload", "action": "accept", "context": consent["content"]["acceptContext"],
        "uploadInfo": upload}, personal))
    teams.settle()
    assert len(teams.connector.uploads) == 1


@pytest.mark.parametrize("forged", ["made up", "someone else's", "elsewhere", "no context"])
def test_an_acceptance_that_answers_no_offer_of_the_bot_uploads_nothing(teams, forged):
    anna, _ = bound(teams)
    anna.send(anna.message("export xlsx"))
    teams.settle()
    consent = teams.connector.sent("a:personal-29:1anna")[-1]["attachments"][0]
    context = consent["content"]["acceptContext"]
    upload = {"contentUrl": "https://contoso-my.sharepoint.com/personal/x.xlsx", "name": "x.xlsx",
              "uploadUrl": teams.connector.url + "upload/session-1", "uniqueId": "1",
              "fileType": "xlsx"}
    who = teams.user("cor") if forged == "someone else's" else anna
    if forged == "made up":
        context = {"gemeente": "Utrecht", "format": "xlsx"}
    if forged == "no context":  # before: HTTP 500
        context = "kapot"
    if forged == "elsewhere":  # not OneDrive: an address inside the network, a link elsewhere
        upload |= {"uploadUrl": "http://10.0.0.8/internal/admin",
                   "contentUrl": "https://evil.example/x.xlsx"}
    before = len(teams.connector.sent(who.personal()["id"]))
    status, _ = who.send(who.invoke("fileConsent/invoke", {
        "type": "fileUpload", "action": "accept", "context": context, "uploadInfo": upload},
        {"conversation": who.personal(), "channelData": {}}))
    teams.settle()
    assert status == 200 and teams.connector.uploads == []
    [said] = teams.connector.sent(who.personal()["id"])[before:]  # no file card: why not
    expected = "niet bij OneDrive" if forged == "elsewhere" else "niet aangeboden"
    assert expected in card_texts(said) and "niets geüpload" in card_texts(said)


def _new_punt(teams, anna, post: str, planning: str, wie: str = "aad-bram") -> None:
    where = {"conversation": {"conversationType": "channel", "id": f"{CHANNEL};messageid={post}"},
             "channelData": anna.channel(post)[1]}
    data = {"leidraad_formulier": "nieuw", "nummer": None, "gemeente": "", "basisfunctie": "2",
            "ontwikkelpunt": "Meldcode vaker gebruiken", "wie": wie, "planning": planning,
            "status": "open"}
    status, done = anna.send(anna.invoke("task/submit", {"type": "task/submit", "data": data}, where))
    assert status == 200 and done["task"]["type"] == "message", done
    teams.settle()


def test_a_whole_section_of_deel_i_is_answered_in_the_reply_chain(teams):
    anna, post = bound(teams)
    bram = teams.user("bram")
    texts = ("De wethouder jeugd", "Ik coördineer het programma", "Maandelijks in het driehoeksoverleg")
    for n, text in enumerate(texts):
        person = (anna, bram)[n % 2]
        person.send(person.message(text, "channel", post=post, mention_bot=bool(n % 2)))
        teams.settle()
    assert answers(teams.store) == [(q.id, t) for q, t in zip(QUESTIONS[:3], texts, strict=True)]
    assert "Opdrachtgevende rol · vraag 4 van 23" in card_texts(
        teams.connector.sent(f"{CHANNEL};messageid={post}")[-1])


def test_a_reminder_goes_out_proactively_from_leidraadbot_herinneringen(teams, tmp_path):
    anna, post = bound(teams)
    _new_punt(teams, anna, post, "2026-01-01")  # over datum
    anna.send(anna.message("herinnering wekelijks maandag 9:00", "channel", post=post))
    teams.settle()
    before = len(teams.connector.calls)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LEIDRAAD_TEAMS_LOKAAL": "1",
           "LEIDRAAD_DB": str(teams.store.path)}
    done = subprocess.run([sys.executable, "-m", "bot", "herinneringen", "--eenmalig", "--nu",
                           "2026-03-16T09:00"], env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "2 herinnering(en) verstuurd" in done.stdout
    new = teams.connector.calls[before:]
    post_in_channel = [c for c in new if c.method == "send" and c.path == CHANNEL]
    to_bram = [c for c in new if c.method == "send" and c.path == "a:personal-29:1bram"]
    assert len(post_in_channel) == 1 and "Meldcode vaker gebruiken" in card_texts(post_in_channel[0].body)
    assert len(to_bram) == 1  # found in the channel by his Entra id, his chat made
    [card] = [a["content"] for a in post_in_channel[0].body["attachments"]]
    assert card["msteams"]["entities"] == [{"type": "mention", "text": "<at>Bram Jansen</at>",
                                            "mentioned": {"id": "aad-bram", "name": "Bram Jansen"}}]
    own = to_bram[0].body["attachments"][0]["content"]
    assert not own["msteams"].get("entities")  # his own reminder names no one


def test_a_throttled_reply_is_sent_after_retry_after(teams):
    anna, post = bound(teams)
    teams.connector.throttled["/activities"] = 1
    anna.send(anna.message("voortgang", "channel", post=post))
    teams.settle()
    methods = [c.method for c in teams.connector.calls[-2:]]
    assert methods == ["POST (429)", "send"]
    assert "Voortgang" in card_texts(teams.connector.sent(f"{CHANNEL};messageid={post}")[-1])


def _reminders_at(teams, now: datetime) -> list[tuple[str, str]]:
    """The reminders due at ``now``, sent through the outbox to Teams in this process."""
    from bot.reminders.scheduler import ReminderMessages, Scheduler
    from bot.service.outbox import Outbox, Platforms

    service = teams.bot.service
    outbox = Outbox(teams.store, Platforms(teams=teams.bot.platform))
    scheduler = Scheduler(teams.store, ReminderMessages(teams.store, service.plan, service.reporter),
                          outbox, service.clock)
    return scheduler.run_here(now)


@pytest.mark.parametrize("code", ["BotNotInConversationRoster", "ConversationBlockedByUser",
                                  "ConversationNotFound"])
@pytest.mark.parametrize("closed", ["channel", "bram"])
def test_a_closed_conversation_fails_for_good_and_the_beheerder_hears(teams, code, closed):
    anna, post = bound(teams)
    _new_punt(teams, anna, post, "2026-01-01")
    anna.send(anna.message("herinnering wekelijks maandag 9:00", "channel", post=post))
    anna.send(anna.message("hallo"))  # her personal chat, so the bot can tell her
    teams.settle()
    teams.connector.closed[CHANNEL if closed == "channel" else "a:personal-29:1bram"] = code
    teams.connector.expect(code)
    outcomes = _reminders_at(teams, datetime(2026, 3, 16, 8, 0, tzinfo=UTC))
    told = [outcome for key, outcome in outcomes if ":gemeld:" in key]
    outcomes = [(key, outcome) for key, outcome in outcomes if ":gemeld:" not in key]
    failed = [key for key, outcome in outcomes if outcome == "failed"]
    assert [o for _, o in outcomes].count("sent") == 1  # the other reminder still went out
    assert failed == [k for k, _ in outcomes if k.endswith("kanaal" if closed == "channel" else "bram")]
    assert told == ["sent"]  # to Anna, the beheerder, in the same run
    told = card_texts(teams.connector.sent("a:personal-29:1anna")[-1])
    assert ("kon niet in het gekoppelde kanaal" if closed == "channel" else "Bram Jansen") in told
    assert teams.store.reminders.get(failed[0])["error"].endswith(code)


@pytest.fixture
def guarded(db_path, only_this_machine):
    """The bot with authentication on, its tokens checked against the fake's keys (and nothing
    answered: this is about what gets in)."""
    def settings(connector):
        return TeamsSettings(APP_ID, "een-geheim", TENANT, openid_url=connector.openid_url)

    with running(db_path, settings, sending=False) as harness:
        yield harness


def test_with_authentication_only_a_valid_token_gets_in(guarded):
    anna = guarded.user()
    connector = guarded.connector
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused = {
        "no header": None,
        "not a token": "niet-een-token",
        "another key": connector.token(connector.url, key=other_key),
        "another audience": connector.token(connector.url, audience="een-andere-bot"),
        "another serviceUrl": connector.token("https://smba.trafficmanager.net/emea/"),
    }
    for why, token in refused.items():
        status, _ = anna.send(anna.message(f"start ({why})"), token=token)
        assert status == 401, why
    assert guarded.store.inbox.newest() == 0  # nothing taken in
    assert anna.send({"type": "message", "text": "hulp", "serviceUrl": connector.url})[0] == 400
    status, _ = anna.send(anna.message("start"))
    assert status == 200 and guarded.store.inbox.newest() == 1


def test_the_local_trial_only_binds_to_this_machine(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LEIDRAAD_TEAMS_LOKAAL": "1",
           "LEIDRAAD_DB": str(tmp_path / "x.db")}
    done = subprocess.run([sys.executable, "-m", "bot", "teams", "--host", "0.0.0.0", "--port", "0"],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "127.0.0.1" in done.stderr and "Traceback" not in done.stderr


def test_a_port_in_use_is_said_in_dutch(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LEIDRAAD_TEAMS_LOKAAL": "1",
           "LEIDRAAD_DB": str(tmp_path / "x.db")}
    try:
        done = subprocess.run([sys.executable, "-m", "bot", "teams", "--port", str(port)], env=env,
                              capture_output=True, text=True, timeout=60, check=False)
    finally:
        taken.close()
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert f"Poort {port} op 127.0.0.1 is niet beschikbaar (al in gebruik)" in done.stderr


def test_teams_without_credentials_says_which_are_missing(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LEIDRAAD_DB": str(tmp_path / "x.db")}
    done = subprocess.run([sys.executable, "-m", "bot", "teams"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2 and "CLIENT_ID ontbreekt" in done.stderr
    assert "TENANT_ID ontbreekt" in done.stderr and "Traceback" not in done.stderr


def _reply_chain(anna, post: str) -> dict:
    return {"conversation": {"conversationType": "channel", "id": f"{CHANNEL};messageid={post}"},
            "channelData": anna.channel(post)[1]}


def _button(teams, post: str, title: str) -> dict:
    """The newest button with this title in the reply chain."""
    return next(a for sent in reversed(teams.connector.sent(f"{CHANNEL};messageid={post}"))
                for a in _actions(sent) if a["title"] == title)


def test_every_button_of_the_gesprek_works(teams):
    anna, post = bound(teams)
    chain = _reply_chain(anna, post)
    anna.send(anna.message("De wethouder jeugd", "channel", post=post))
    teams.settle()
    for title, shows in (("Terug", "vraag 1 van 23"), ("Vervangen", "Typ je nieuwe antwoord"),
                         (None, "vraag 2 van 23"), ("Hulp", "Het gesprek"), ("Terug", "vraag 1"),
                         ("Overslaan", "vraag 2 van 23"), ("Pauzeren", "gepauzeerd")):
        if title is None:
            anna.send(anna.message("Het college", "channel", post=post))
        else:
            anna.send(anna.press(chain, _button(teams, post, title)))
        teams.settle()
        said = card_texts(teams.connector.sent(f"{CHANNEL};messageid={post}")[-1])
        assert shows.lower() in said.lower(), (title, said)
    assert answers(teams.store)[-1] == (QUESTIONS[0].id, "Het college")
    anna.send(anna.message("verder", "channel", post=post))
    anna.send(anna.message("terug", "channel", post=post))
    anna.send(anna.message("overslan", "channel", post=post))  # a typo: held, with buttons
    teams.settle()
    anna.send(anna.press(chain, _button(teams, post, "Nee, opslaan als antwoord")))
    teams.settle()
    assert answers(teams.store)[-1] == (QUESTIONS[0].id, "overslan")
    wijzig = anna.message("wijzig 1.1", "channel", post=post)
    anna.send(wijzig)
    teams.settle()
    anna.send(anna.press(chain, _button(teams, post, "Behouden")))
    teams.settle()
    assert "vraag 2 van 23" in card_texts(teams.connector.sent(f"{CHANNEL};messageid={post}")[-1])


def test_a_summary_card_is_posted_and_the_stand_button_opens_the_dialog(teams):
    anna, post = bound(teams)
    _new_punt(teams, anna, post, "2027-03-01")
    anna.send(anna.message("samenvatting", "channel", mention_bot=True))  # a new post
    teams.settle()
    summary = teams.connector.sent()[-1]
    assert "Samenvatting gemeente Utrecht" in card_texts(summary)
    anna.send(anna.message("ontwikkelpunten", "channel", post=post))
    teams.settle()
    data = _button(teams, post, "Stand van zaken bijwerken")["data"]
    assert data["dialog_id"] == "ontwikkelpunt"  # routed by id, as the SDK's dialogs are
    other = anna.send(anna.invoke("task/fetch", {"type": "task/fetch", "data": data | {
        "dialog_id": "iets-anders"}}, _reply_chain(anna, post)))[1]
    assert "task" not in (other or {})  # a dialog that is not ours: not opened as ours
    before = {key: value for key, value in data.items() if key != "dialog_id"}  # an older card
    old = anna.send(anna.invoke("task/fetch", {"type": "task/fetch", "data": before},
                                _reply_chain(anna, post)))[1]
    assert old["task"]["type"] == "continue"
    status, dialog = anna.send(anna.invoke("task/fetch", {"type": "task/fetch", "data": data},
                                           _reply_chain(anna, post)))
    card = dialog["task"]["value"]["card"]["content"]
    assert status == 200  # its card checked by the fake, as every dialog's
    assert next(a["data"] for a in _all_actions(card) if a["title"] == "Opslaan")["action"] == \
        "ontwikkelpunt"
    assert "#1 Meldcode vaker gebruiken" in card_texts({"attachments": [card]})
    submit = next(a["data"] for a in _all_actions(card) if a["title"] == "Opslaan")
    typed = {"stand_van_zaken": "Offerte aangevraagd", "status": "open", "planning": "2027-02-31"}
    status, again = anna.send(anna.invoke("task/submit", {"type": "task/submit",
                                                          "data": submit | typed}, _reply_chain(anna, post)))
    shown = card_texts({"attachments": [again["task"]["value"]["card"]["content"]]})
    assert "#1 Meldcode vaker gebruiken" in shown and "De datum ‘2027-02-31’ bestaat niet" in shown
    status, again = anna.send(anna.invoke("task/submit", {"type": "task/submit", "data": submit | typed | {
        "planning": "2027-03-01", "stand_van_zaken": "x" * 5000}}, _reply_chain(anna, post)))
    assert again["task"]["type"] == "continue" and "te lang (5.000 tekens; maximaal 4.000)" in card_texts(
        {"attachments": [again["task"]["value"]["card"]["content"]]})
    assert latest_stands(teams.store, teams.store.gemeenten.get("utrecht")["id"]) == {}  # nothing stored
    status, done = anna.send(anna.invoke("task/submit", {"type": "task/submit", "data": submit | typed | {
        "planning": "2027-03-01"}}, _reply_chain(anna, post)))
    teams.settle()
    assert done["task"]["type"] == "message"
    [stand] = latest_stands(teams.store, teams.store.gemeenten.get("utrecht")["id"]).values()
    assert stand["value"] == "Offerte aangevraagd"


def test_a_dialog_open_while_a_colleague_changes_the_status_leaves_their_change(teams):
    anna, post = bound(teams)
    _new_punt(teams, anna, post, "2027-03-01")
    anna.send(anna.message("ontwikkelpunten", "channel", post=post))
    teams.settle()
    data = _button(teams, post, "Stand van zaken bijwerken")["data"]
    _, dialog = anna.send(anna.invoke("task/fetch", {"type": "task/fetch", "data": data},
                                      _reply_chain(anna, post)))
    submit = next(a["data"] for a in _all_actions(dialog["task"]["value"]["card"]["content"])
                  if a["title"] == "Opslaan")
    bram = teams.user("bram")
    bram.send(bram.message("status 1 afgerond", "channel", post=post))  # while Anna's dialog is open
    teams.settle()
    anna.send(anna.invoke("task/submit", {"type": "task/submit", "data": submit | {
        "stand_van_zaken": "Offerte aangevraagd", "status": "open", "planning": "2027-03-01"}},
        _reply_chain(anna, post)))  # the status as the dialog showed it
    teams.settle()
    gemeente = teams.store.gemeenten.get("utrecht")["id"]
    assert teams.store.punten.get(gemeente, 1)["status"] == "afgerond"  # Bram's stays
    [stand] = latest_stands(teams.store, gemeente).values()
    assert stand["value"] == "Offerte aangevraagd"  # and Anna's stand van zaken is kept
    said = card_texts(teams.connector.sent(f"{CHANNEL};messageid={post}")[-1])
    assert "Intussen veranderde een collega: status (door Bram" in said


def test_in_a_group_chat_the_whole_chat_is_the_gesprek(teams):
    anna = teams.user()
    chat = {"conversationType": "groupChat", "id": "19:groep@thread.v2", "isGroup": True}

    def say(text: str, mention: bool = True) -> None:
        activity = anna.message(text, mention_bot=mention)
        anna.send(activity | {"conversation": chat | {"tenantId": TENANT}})
        teams.settle()

    say("koppel Utrecht")
    say("start")
    say("De wethouder jeugd", mention=False)
    assert answers(teams.store) == [(QUESTIONS[0].id, "De wethouder jeugd")]
    assert "vraag 2 van 23" in card_texts(teams.connector.sent("19:groep@thread.v2")[-1])
    data = {"leidraad_formulier": "nieuw", "nummer": None, "gemeente": "", "basisfunctie": "2",
            "ontwikkelpunt": "Meldcode vaker gebruiken", "wie": "aad-anna", "planning": "2026-01-01"}
    anna.send(anna.invoke("task/submit", {"type": "task/submit", "data": data},
                          {"conversation": chat | {"tenantId": TENANT}}))
    say("herinnering wekelijks maandag 9:00")
    outcomes = dict(_reminders_at(teams, datetime(2026, 3, 16, 8, 0, tzinfo=UTC)))
    assert set(outcomes.values()) == {"sent"}  # in the group chat, bound as the gemeente's channel
    assert "Meldcode vaker gebruiken" in card_texts(teams.connector.sent("19:groep@thread.v2")[-1])


def test_someone_mentioned_is_known_by_their_entra_id(teams):
    anna, post = bound(teams)
    anna.send(anna.message("lid toevoegen @bram", "channel", post=post, mentions=("bram",)))
    teams.settle()
    gemeente = teams.store.gemeenten.get("utrecht")["id"]
    assert teams.store.people.role(gemeente, "teams:tenant-1:aad-bram") == "lid"
    assert "Bram Jansen hoort nu bij gemeente Utrecht" in card_texts(
        teams.connector.sent(f"{CHANNEL};messageid={post}")[-1])


EVERY_COMMAND = (
    "hulp", "hulp bijwerken", "voortgang", "overslaan", "terug", "wijzig 1.1", "behouden",
    "vervangen", "versies 1.1", "terugzetten 1.1 1", "doorloop alles", "doorloop open", "deel 2",
    "start deel 1", "pauze", "ontwikkelpunt nieuw", "weggooien 2", "begrippen", "algemeen", "thema 2.1",
    "algemeen beleidsmedewerkers Anna de Vries",
    "ontwikkelpunten", "ontwikkelpunt 1", "bijwerken 1 Eerste gesprek met de scholen gehad",
    "status 1 afgerond", "wijzig 1 planning 1-3-2027", "afmaken 1", "concepten maken",
    "samenvatting", "export md", "verouderd na 8 weken", "herinneringen",
    "herinnering wekelijks maandag 9:00", "herinnering maandelijks 1 9:00", "herinnering uit",
    "stuurgroepen", "stuurgroep 15-12-2026 14:00", "stuurgroep verwijder 15-12-2026",
    "voorbereiding 5 werkdagen", "koppel Utrecht", "lid toevoegen @bram", "beheerder toevoegen @bram",
    "lid verwijderen @bram", "toewijzen 2.3 @bram", "toewijzingen", "mijn vragen", "dashboard",
    "afwezig tot 1-3-2027", "aanwezig", "uitstellen 1 een week", "overdragen @bram @anna",
    "regio instellen Regio Midden", "projectleider toevoegen @bram", "e-maildomein utrecht.nl",
    "samenvatting regio")


def test_every_command_of_the_table_is_answered_in_the_reply_chain(teams):
    from bot.core.commands import Parsed

    table = teams.bot.service.table
    parsed = {text: table.parse(re.sub(r"@(\w+)", rf"<@teams:{TENANT}:\1>", text)) for text in EVERY_COMMAND}
    assert all(isinstance(p, Parsed) for p in parsed.values()), parsed
    assert {p.command.usage for p in parsed.values()} == {c.usage for c in table.commands}
    anna, post = bound(teams)
    _new_punt(teams, anna, post, "2027-03-01")
    chain = f"{CHANNEL};messageid={post}"
    said = {}
    for text in EVERY_COMMAND:
        if text.startswith("projectleider"):  # the regio's first projectleider: the operator's
            regio = teams.store.gemeenten.regio_named("regio midden")
            with teams.store.transaction():
                teams.store.people.add_projectleider(regio["id"], "teams:tenant-1:aad-anna", "operator", "nu")
        private = text in ("samenvatting regio", "projectleider toevoegen @bram", "mijn vragen",
                           "dashboard")  # own chat
        where = "a:personal-29:1anna" if private else chain
        before = len(teams.connector.sent(where))
        anna.send(anna.message(text, "personal" if private else "channel", post=post,
                               mentions=tuple(k for k in ("bram", "anna") if f"@{k}" in text)))
        teams.settle()
        said[text] = "\n".join(card_texts(a) for a in teams.connector.sent(where)[before:])
        assert said[text], f"no answer to {text!r}"
        misread = ("Bedoel je", "is een commando", "Het lijkt op deze", "Alleen een")
        assert not any(m in said[text] for m in misread), (text, said[text])
    assert "Regiobeeld" in said["samenvatting regio"] and "Utrecht" in said["samenvatting regio"]
    assert "Voortgang" in said["voortgang"]
    assert "Formulier openen" in said["ontwikkelpunt nieuw"]
    gemeente = teams.store.gemeenten.get("utrecht")
    assert gemeente["stale_weeks"] == 8 and teams.store.punten.get(gemeente["id"], 1)["status"] == "afgerond"


def test_run_serves_slack_and_teams_on_one_server(tmp_path):
    """``leidraadbot run`` with both configured: Slack's events and Teams' messages on one port,
    each answered on its own platform by the worker process."""
    from .slack_doubles import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi, SlackUser

    with FakeSlackApi() as slack, FakeConnector() as connector:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LEIDRAAD_DB": str(tmp_path / "x.db"),
               "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
               "SLACK_API_URL": slack.url, "LEIDRAAD_TEAMS_LOKAAL": "1", "LEIDRAAD_LOG": "ERROR"}
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run", "--port", "0"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            lines = [bot.stdout.readline().strip() for _ in range(2)]
            urls = {line.rsplit("/", 2)[-2] + "/" + line.rsplit("/", 1)[-1]: line.split(" op ", 1)[1]
                    for line in lines}
            assert set(urls) == {"slack/events", "api/messages"}, lines
            SlackUser(urls["slack/events"], slack).command("hulp")
            anna = TeamsUser(urls["api/messages"], connector)
            assert anna.send(anna.message("hulp"))[0] == 200
            slack.wait_for("cmd", 1)
            connector.wait_for("send", 1)
            assert "hulp [commando]" in card_texts(connector.sent()[-1])
        finally:
            bot.terminate()
            bot.wait(timeout=30)
