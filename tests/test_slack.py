"""Slack through slack-bolt itself: signed requests in, a fake Web API out, the real store."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

import pytest
import yaml

from bot.adapters.slack.app import build
from bot.config import ConfigError, SlackSettings
from bot.service import Service
from dialogues.content import checklist

from .conftest import ROOT, Chat, Clock
from .slack_doubles import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi, post, signed_headers

QUESTIONS = checklist().questions


def blocks_text(message: dict) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False)


def bind_and_start(slack, user="U1", gemeente="Utrecht") -> tuple[object, str]:
    """Bind C1 to a gemeente and start the gesprek: returns the person and the thread ts."""
    person = slack.user(user)
    person.command(f"koppel {gemeente}")
    slack.settle()
    person.command("start")
    slack.settle()
    return person, slack.api.named("chat.postMessage")[-1]["thread_ts"]


def answers(slack) -> list[tuple]:
    return slack.store.db.execute(
        "SELECT a.question_id, a.text, u.naam FROM answers a JOIN users u ON u.id = a.author_id "
        "ORDER BY a.id").fetchall()


def test_health_check_answers(slack):
    with urllib.request.urlopen(slack.url + "/healthz", timeout=5) as response:
        assert response.status == 200 and response.read() == b"ok"


def test_health_check_says_so_when_the_database_is_gone(slack):
    slack.store.path.unlink()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(slack.url + "/healthz", timeout=5)
    assert refused.value.code == 503 and not slack.store.path.exists()


def test_a_forged_or_old_signature_is_refused_and_changes_nothing(slack):
    person = slack.user()
    assert person.command("koppel Utrecht", secret="niet-het-geheim")[0] == 401
    assert person.command("koppel Utrecht", timestamp=int(time.time()) - 3600)[0] == 401
    slack.settle()
    assert slack.store.gemeenten.get("utrecht") is None
    assert slack.api.calls == []


def test_help_and_an_unknown_subcommand_get_dutch_help(slack):
    person = slack.user()
    assert person.command("help")[0] == 200
    slack.settle()
    [reply] = slack.api.named("cmd")
    assert reply["response_type"] == "ephemeral"
    assert "koppel &lt;gemeente&gt;" in reply["text"]  # the fallback text is escaped too
    person.command("kopel Utrecht")
    slack.settle()
    assert "Bedoel je ‘koppel Utrecht’?" in slack.api.named("cmd")[-1]["text"]


def test_binding_a_channel_makes_you_beheerder_and_rebinding_needs_the_beheerder(slack):
    anna, bram = slack.user("U1"), slack.user("U2")
    anna.command("koppel gemeente Utrecht")
    slack.settle()
    assert "gekoppeld aan gemeente Utrecht" in slack.api.named("cmd")[-1]["text"]
    gemeente = slack.store.gemeenten.get("utrecht")
    assert slack.store.people.role(gemeente["id"], "slack:T1:U1") == "beheerder"
    bram.command("koppel Zeist")
    slack.settle()
    assert "Alleen een beheerder" in slack.api.named("cmd")[-1]["text"]
    assert "Anna" in slack.api.named("cmd")[-1]["text"]
    assert slack.store.gemeenten.of_channel("slack:T1:C1")["naam"] == "Utrecht"
    bram.command("koppel Utrecht", channel="C2")  # an existing gemeente: only its beheerders
    slack.settle()
    assert slack.store.gemeenten.of_channel("slack:T1:C2") is None


def test_start_in_a_channel_opens_a_thread_with_the_first_question_and_buttons(slack):
    bind_and_start(slack)
    posts = slack.api.named("chat.postMessage")
    anchor, *thread = posts
    assert anchor["channel"] == "C1" and not anchor.get("thread_ts")
    assert "gemeente Utrecht" in anchor["text"]
    thread_ts = thread[0]["thread_ts"]
    assert all(p["thread_ts"] == thread_ts for p in thread)
    question = thread[-1]
    assert "Deel I › Rollen en taken · vraag 1 van 23" in blocks_text(question)
    labels = [e["text"]["text"] for b in question["blocks"] if b["type"] == "actions"
              for e in b["elements"]]
    assert labels == ["Overslaan", "Terug", "Pauzeren", "Hulp"]


def test_a_whole_section_through_thread_replies_lands_in_the_console_database(slack, db_path):
    anna, thread_ts = bind_and_start(slack)
    for n in range(1, 4):
        anna.say(f"Slack-antwoord {n}", thread_ts=thread_ts)
        slack.settle()
    assert answers(slack) == [(q.id, f"Slack-antwoord {n}", "Anna")
                              for n, q in enumerate(QUESTIONS[:3], 1)]
    last = slack.api.named("chat.postMessage")[-1]
    assert "Opdrachtgevende rol · vraag 4 van 23" in blocks_text(last)
    console = Chat(Service(slack.store, clock=Clock()), "Beheer", gemeente="Utrecht")
    started = console.start()  # only the open questions, after where the gemeente stands
    assert "2 van de 48 vragen beantwoord (Anna 2)" in started[1].text  # her role is her own
    assert console.prompt(started).question_id == QUESTIONS[1].id  # "Wat is jouw rol": open
    console.say("doorloop alles")
    prompt = console.prompt(console.say("deel 1"))
    assert prompt.previous and prompt.previous.text == "Slack-antwoord 1"
    assert prompt.previous.author == "Anna"


def test_a_retried_event_stores_nothing_twice(slack):
    anna, thread_ts = bind_and_start(slack)
    ts, (status, _) = anna.say("Eenmaal", thread_ts=thread_ts)
    assert status == 200
    slack.settle()
    posts = len(slack.api.named("chat.postMessage"))
    event = {"type": "message", "user": "U1", "text": "Eenmaal", "ts": ts, "channel": "C1",
             "channel_type": "channel", "thread_ts": thread_ts}
    assert anna.send_event(event, event_id="EvRetry", retry=1)[0] == 200
    slack.settle()
    assert [a[1] for a in answers(slack)] == ["Eenmaal"]
    assert len(slack.api.named("chat.postMessage")) == posts


def test_buttons_act_on_their_own_question_only(slack):
    anna, _ = bind_and_start(slack)
    first_question = slack.api.named("chat.postMessage")[-1]
    anna.click(first_question, "overslaan")
    slack.settle()
    assert "vraag 2 van 23" in blocks_text(slack.api.named("chat.postMessage")[-1])
    anna.click(first_question, "overslaan")  # the same, older button again
    slack.settle()
    posts = slack.api.named("chat.postMessage")
    assert "eerdere vraag" in posts[-2]["text"]
    assert "vraag 2 van 23" in blocks_text(posts[-1])


def test_a_question_once_answered_or_skipped_loses_its_buttons_for_everyone(slack):
    anna, thread_ts = bind_and_start(slack)
    first = slack.api.named("chat.postMessage")[-1]
    anna.say("De wethouder jeugd", thread_ts=thread_ts)
    slack.settle()
    second = slack.api.named("chat.postMessage")[-1]
    anna.click(second, "overslaan")
    slack.settle()
    updates = slack.api.named("chat.update")
    assert [(u["channel"], u["ts"]) for u in updates] == [("C1", first["ts"]), ("C1", second["ts"])]
    for update, before, said in ((updates[0], first, "Beantwoord door Anna."),
                                 (updates[1], second, "Overgeslagen door Anna.")):
        kept = [b for b in before["blocks"] if b["type"] != "actions"]  # all but the buttons
        assert update["blocks"][:-1] == kept and len(kept) < len(before["blocks"])
        assert said in blocks_text(update) and update["text"] == said
    held = slack.api.posted["C1", first["ts"]]  # what everyone in the channel now sees
    assert "Beantwoord door Anna" in blocks_text(held)
    anna.click(first, "overslaan")  # a stale button, clicked all the same
    slack.settle()
    assert "eerdere vraag" in slack.api.named("chat.postMessage")[-2]["text"]
    assert [a[0] for a in answers(slack)] == [QUESTIONS[0].id]  # nothing changed
    assert QUESTIONS[1].id in slack.store.gesprekken.get(
        slack.store.gemeenten.get("utrecht")["id"], f"slack:T1:C1:{thread_ts}", "checklist")["skipped"]


def test_the_double_changes_only_a_message_slack_holds(slack):
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(token=BOT_TOKEN, base_url=slack.api.url)
    slack.api.joined.add("C1")
    slack.api.expect("message_not_found")
    with pytest.raises(SlackApiError) as refused:
        client.chat_update(channel="C1", ts="1700000000.000100", text="Bijgewerkt")
    assert refused.value.response["error"] == "message_not_found"
    posted = client.chat_postMessage(channel="C1", text="Eerst")
    assert client.chat_update(channel="C1", ts=posted["ts"], text="Daarna")["ok"]


def test_a_domain_slack_made_a_link_of_is_read_as_it_was_typed(slack):
    anna, _ = bind_and_start(slack)
    anna.command("e-maildomein <http://utrecht.nl|utrecht.nl>", channel="D1")
    slack.settle()
    assert slack.store.gemeenten.get("utrecht")["mail_domain"] == "utrecht.nl"
    said = slack.api.named("cmd") + slack.api.named("chat.postMessage")
    assert any("E-mailadressen op @utrecht.nl" in m.get("text", "") for m in said)


def test_slack_text_is_decoded_to_what_was_typed_and_escaped_wherever_it_is_shown(slack):
    anna, thread_ts = bind_and_start(slack)
    # As Slack sends "@channel en @Bram & co <b> #algemeen https://x.nl", typed by Anna.
    anna.say("<!channel> en <@U2> &amp; co &lt;b&gt; <#C9|algemeen> <https://x.nl|https://x.nl>",
             thread_ts=thread_ts)
    slack.settle()
    assert answers(slack)[0][1] == "@channel en @Bram & co <b> #algemeen https://x.nl"
    anna.say("wijzig 1.1", thread_ts=thread_ts)
    slack.settle()
    shown = slack.api.named("chat.postMessage")[-1]
    text = blocks_text(shown)
    assert "@channel en @Bram &amp; co &lt;b&gt;" in text
    assert "@channel en @Bram &amp; co &lt;b&gt;" in shown["text"]  # the fallback, too
    assert "<!channel>" not in text + shown["text"] and "<b>" not in text + shown["text"]
    labels = [e["text"]["text"] for b in shown["blocks"] if b["type"] == "actions"
              for e in b["elements"]]
    assert labels[:2] == ["Behouden", "Vervangen"]


def test_an_answer_of_4000_characters_with_an_ampersand_fits(slack):
    anna, thread_ts = bind_and_start(slack)
    typed = "Kosten < 5k & dekking " + "x" * (4000 - 22)
    anna.say(typed.replace("&", "&amp;").replace("<", "&lt;"), thread_ts=thread_ts)  # Slack's form
    slack.settle()
    assert answers(slack) == [(QUESTIONS[0].id, typed, "Anna")]


def test_text_that_only_looks_like_a_mention_names_no_one(slack):
    anna, _ = bind_and_start(slack)
    anna.command("lid toevoegen &lt;@slack:T1:U9&gt;")  # typed as text, not a Slack mention
    slack.settle()
    assert slack.store.people.role(slack.store.gemeenten.get("utrecht")["id"], "slack:T1:U9") is None


def test_bots_and_the_bot_itself_are_ignored(slack):
    anna, thread_ts = bind_and_start(slack)
    slack.api.clear()
    anna.say("ik ben een bot", thread_ts=thread_ts, bot_id="B999")
    anna.say("bewerkt", thread_ts=thread_ts, subtype="message_changed")
    slack.user("UBOT").say("van mezelf", thread_ts=thread_ts)
    slack.settle()
    assert answers(slack) == []
    assert slack.api.named("chat.postMessage") == []


def test_direct_messages_for_members_only(slack):
    bind_and_start(slack)
    slack.user("U1").say("start", channel="D1")
    slack.settle()
    [dm] = [p for p in slack.api.named("chat.postMessage") if p["channel"] == "D1"][-1:]
    assert "vraag" in blocks_text(dm) and not dm.get("thread_ts")
    slack.user("U3").say("start", channel="D3")
    slack.settle()
    refusal = [p for p in slack.api.named("chat.postMessage") if p["channel"] == "D3"][-1]
    assert "geen enkele gemeente" in refusal["text"]


def test_members_are_managed_by_the_beheerder(slack):
    bind_and_start(slack)
    slack.user("U2").command("lid toevoegen <@U3|cor>")
    slack.settle()
    assert "Alleen een beheerder" in slack.api.named("cmd")[-1]["text"]
    slack.user("U1").command("lid toevoegen <@U3|cor>")
    slack.settle()
    assert "Cor hoort nu bij gemeente Utrecht" in slack.api.named("cmd")[-1]["text"]
    gemeente_id = slack.store.gemeenten.get("utrecht")["id"]
    assert slack.store.people.role(gemeente_id, "slack:T1:U3") == "lid"
    slack.user("U1").command("lid verwijderen <@U3>")
    slack.settle()
    assert slack.store.people.role(gemeente_id, "slack:T1:U3") is None
    slack.user("U1").command("lid verwijderen <@U1>")
    slack.settle()
    assert "laatste beheerder" in slack.api.named("cmd")[-1]["text"]


def test_app_home_shows_progress_and_continues_in_a_direct_message(slack):
    anna, thread_ts = bind_and_start(slack)
    anna.say("een", thread_ts=thread_ts)
    slack.settle()
    anna.open_home()
    slack.settle()
    [publish] = slack.api.named("views.publish")
    view = publish["view"] if isinstance(publish["view"], dict) else json.loads(publish["view"])
    text = json.dumps(view, ensure_ascii=False)
    assert "Gemeente Utrecht" in text and "Deel I: 1 van 23" in text
    anna.click_home_continue(view)
    slack.settle()
    dm = slack.api.named("chat.postMessage")[-1]
    assert dm["channel"] == "D0" and "vraag 2 van 23" in blocks_text(dm)  # the app's own DM


def _home_button(view: dict) -> dict:
    return next(b["accessory"] for b in view["blocks"]
                if b.get("accessory", {}).get("action_id") == "leidraad_home_continue")


@pytest.mark.parametrize("forge", [
    lambda value: json.dumps({"gemeente": "Utrecht", "channel": "C2"}),  # unsealed, made up
    lambda value: value.replace('"D0"', '"C2"'),  # the sealed value, changed
])
def test_a_home_button_whose_value_was_changed_does_nothing_but_say_so(slack, forge):
    anna, _ = bind_and_start(slack)
    anna.open_home()
    slack.settle()
    view = json.loads(json.dumps(slack.api.named("views.publish")[-1]["view"]))
    _home_button(view)["value"] = forge(_home_button(view)["value"])
    posted = len(slack.api.named("chat.postMessage"))
    anna.click_home_continue(view)
    slack.settle()
    assert len(slack.api.named("chat.postMessage")) == posted  # nothing went anywhere
    again = slack.api.named("views.publish")[-1]["view"]
    assert "Die knop was verlopen; er is niets gedaan." in json.dumps(again, ensure_ascii=False)
    assert not any(b.get("accessory") for b in again["blocks"])


def test_someone_elses_home_button_does_not_continue_their_gesprek(slack):
    anna, _ = bind_and_start(slack)
    anna.open_home()
    slack.settle()
    view = slack.api.named("views.publish")[-1]["view"]
    posted = len(slack.api.named("chat.postMessage"))
    slack.user("U2").click_home_continue(view)  # Anna's sealed button, clicked as Bram
    slack.settle()
    assert len(slack.api.named("chat.postMessage")) == posted
    assert slack.api.named("views.publish")[-1]["user_id"] == "U2"


def test_mentioning_the_bot_works_like_the_slash_command(slack):
    anna = slack.user("U1")
    anna.command("koppel Utrecht")
    slack.settle()
    anna.mention("start deel2")
    slack.settle()
    question = slack.api.named("chat.postMessage")[-1]
    assert "Deel II › Bestuurlijk gesprek – lokaal · vraag 1 van 25" in blocks_text(question)


def test_a_rate_limited_call_is_retried_after_retry_after(slack):
    anna = slack.user("U1")
    anna.command("koppel Utrecht")
    slack.settle()
    slack.api.rate_limited["chat.postMessage"] = 1
    anna.command("start")
    slack.settle()
    methods = [c.method for c in slack.api.calls]
    assert "chat.postMessage (429)" in methods
    assert methods.index("chat.postMessage (429)") < methods.index("chat.postMessage")


def test_url_verification_is_answered(slack):
    body = json.dumps({"token": "x", "challenge": "uitdaging", "type": "url_verification"})
    status, text = post(slack.url + "/slack/events", body,
                        signed_headers(body, content_type="application/json"))
    assert status == 200 and "uitdaging" in text


def test_start_in_a_channel_with_a_running_thread_continues_there(slack):
    anna, thread_ts = bind_and_start(slack)
    anna.command("start")
    slack.settle()
    posts = slack.api.named("chat.postMessage")
    assert not any(p for p in posts[3:] if not p.get("thread_ts"))  # no second anchor
    assert posts[-1]["thread_ts"] == thread_ts and posts[-1].get("reply_broadcast")


def test_a_slash_command_is_acknowledged_before_the_work_is_done(slack):
    release = slack.api.hold("users.info")  # the listener's first Web API call will hang
    status, body = slack.user("U1").command("koppel Utrecht")
    assert status == 200 and body == ""  # acknowledged while the listener is still waiting
    assert slack.store.gemeenten.get("utrecht") is None
    release.set()
    slack.settle()
    assert slack.store.gemeenten.get("utrecht") is not None


def test_progress_and_stop_from_the_channel(slack):
    anna, thread_ts = bind_and_start(slack)
    anna.say("een", thread_ts=thread_ts)
    slack.settle()
    anna.command("voortgang")
    slack.settle()
    progress = slack.api.named("cmd")[-1]
    assert "Rollen en taken: 1 beantwoord" in progress["text"]
    anna.command("stop")
    slack.settle()
    assert "Gepauzeerd" in slack.api.named("cmd")[-1]["text"]
    gemeente_id = slack.store.gemeenten.get("utrecht")["id"]
    conversation = slack.store.gesprekken.get(gemeente_id, f"slack:T1:C1:{thread_ts}", "checklist")
    assert conversation["status"] == "gepauzeerd"


def test_an_unbound_channel_says_how_to_bind_it(slack):
    slack.user("U1").command("start")
    slack.settle()
    assert "/leidraad koppel" in slack.api.named("cmd")[-1]["text"]


def test_a_token_slack_rejects_is_a_clear_start_up_error(store):
    with FakeSlackApi() as api:
        api.failing["auth.test"] = "invalid_auth"
        with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
            build(Service(store), SlackSettings(BOT_TOKEN, SIGNING_SECRET, "", api.url), http=True)


# Slack's documented scope of each Web API method the bot calls (None: the token is enough).
METHOD_SCOPES = {
    "auth.test": None, "chat.postMessage": "chat:write", "chat.update": "chat:write",
    "conversations.join": "channels:join",
    "users.info": "users:read", "views.open": None, "views.publish": None,
    "files.upload": "files:write",  # files_upload_v2: getUploadURLExternal, completeUploadExternal
    "respond": None,  # the response URL of a command or click
}
# The events each listener needs, with their scopes; a group DM is refused, so no message.mpim.
EVENT_SCOPES = {"app_home_opened": None, "app_mention": "app_mentions:read",
                "message.channels": "channels:history", "message.groups": "groups:history",
                "message.im": "im:history"}
_CALLS = re.compile(r'"method": "([a-zA-Z.]+)"|client\.(\w+)\(')
_CLIENT_METHODS = {"users_info": "users.info", "files_upload_v2": "files.upload",
                   "chat_postMessage": "chat.postMessage", "api_call": None}  # None: a "method"


def test_the_manifest_has_every_scope_and_event_the_bot_uses_and_nothing_more():
    manifest = yaml.safe_load((ROOT / "slack-app-manifest.yaml").read_text(encoding="utf-8"))
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/leidraad"]
    assert manifest["features"]["app_home"]["home_tab_enabled"]
    assert manifest["settings"]["interactivity"]["is_enabled"]
    slack = [ROOT / "bot" / "adapters" / "slack", ROOT / "bot" / "reminders"]
    source = "".join(p.read_text(encoding="utf-8") for folder in slack for p in folder.rglob("*.py"))
    called = {method or _CLIENT_METHODS.get(name, name) for method, name in _CALLS.findall(source)}
    called.discard(None)
    assert called <= METHOD_SCOPES.keys(), f"scope unknown for {called - METHOD_SCOPES.keys()}"
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert events == EVENT_SCOPES.keys()
    needed = {METHOD_SCOPES[c] for c in called} | set(EVENT_SCOPES.values()) | {"commands"}
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed - {None}


def test_other_threads_are_left_alone_unless_the_bot_is_addressed(slack):
    anna = slack.user("U1")
    anna.say("gewoon overleg", thread_ts="1600000000.000001", channel="C9")  # unbound channel
    bind_and_start(slack)
    slack.api.clear()
    anna.say("start", thread_ts="1600000000.000002")  # a colleague's thread in the bound channel
    slack.settle()
    assert slack.api.named("chat.postMessage") == []
    anna.say("<@UBOT> start", thread_ts="1600000000.000002")
    slack.settle()
    [question] = slack.api.named("chat.postMessage")[-1:]
    assert question["thread_ts"] == "1600000000.000002" and "vraag" in question["text"]


def test_a_failing_web_api_call_is_logged_and_the_bot_keeps_serving(slack, caplog):
    slack.api.failing["views.publish"] = "not_authed"
    slack.user("U1").open_home()
    slack.settle()
    assert "not_authed" in caplog.text
    with urllib.request.urlopen(slack.url + "/healthz", timeout=5) as response:
        assert response.status == 200


@pytest.mark.parametrize("headers", [
    {"X-Slack-Request-Timestamp": "geen-getal", "X-Slack-Signature": "v0=abc"},
    {"X-Slack-Request-Timestamp": str(int(time.time()))},
    {},
])
def test_a_request_that_fails_verification_causes_nothing_at_all(slack, headers):
    body = ("command=%2Fleidraad&text=koppel+Utrecht&team_id=T1&channel_id=C1&user_id=U1"
            f"&response_url={slack.api.response_url}&trigger_id=1.2.3")
    status, _ = post(slack.url + "/slack/events", body,
                     {"Content-Type": "application/x-www-form-urlencoded", **headers})
    slack.settle()
    assert status == 401
    assert slack.api.calls == []  # no error reply to the URL the sender named
    assert slack.store.gemeenten.get("utrecht") is None


def test_a_replayed_slash_command_or_form_is_handled_once(slack):
    from .test_slack_plan import VALID, opened_view

    anna = slack.user()
    anna.command("koppel Utrecht")
    slack.settle()
    fields = anna.command_fields("ontwikkelpunten")
    assert anna.send_form(fields)[0] == anna.send_form(fields)[0] == 200  # Slack's body, twice
    slack.settle()
    assert len(slack.api.named("cmd")) == 2  # the koppel answer and one list
    anna.command("ontwikkelpunt nieuw")
    slack.settle()
    view = opened_view(slack)
    assert anna.submit(view, VALID)[0] == anna.submit(view, VALID)[0] == 200
    slack.settle()
    assert len(slack.store.punten.all(slack.store.gemeenten.get("utrecht")["id"])) == 1


def test_web_api_calls_from_one_thread_share_one_connection_that_reopens_when_closed():
    from bot.adapters.slack.app import web_client
    from bot.config import SlackSettings

    from .slack_doubles import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi

    with FakeSlackApi(joined=["C1"]) as api:
        client = web_client(SlackSettings(BOT_TOKEN, SIGNING_SECRET, "", api.url))
        client.chat_postMessage(channel="C1", text="een")
        [connection] = client.connections._local.pool.values()
        sock = connection.sock
        client.chat_postMessage(channel="C1", text="twee")
        assert connection.sock is sock  # kept alive: no new connection for the second call
        connection.close()  # as a server closes an idle connection
        client.chat_postMessage(channel="C1", text="drie")
        assert [p["text"] for p in api.named("chat.postMessage")] == ["een", "twee", "drie"]
