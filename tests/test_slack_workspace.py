"""Slack as a real workspace sees it: channels the bot is not in yet, direct messages, edits,
attachments, shared channels and ephemeral messages, with payloads shaped as Slack sends them."""

from __future__ import annotations

from dialogues.content import checklist

from .slack_doubles import BOT_USER, SlackUser
from .test_slack import answers, bind_and_start

QUESTIONS = checklist().questions


def test_koppel_joins_a_public_channel_so_the_gesprek_starts_and_hears_its_thread(slack):
    assert "C1" not in slack.api.joined
    anna, thread_ts = bind_and_start(slack)
    assert slack.api.named("conversations.join") == [{"channel": "C1"}]
    anna.say("De wethouder jeugd", thread_ts=thread_ts)
    slack.settle()
    assert answers(slack)[0][1] == "De wethouder jeugd"


def test_in_a_private_channel_koppel_says_how_to_invite_the_bot(slack):
    slack.api.private.add("C7")
    slack.api.expect("method_not_supported_for_channel_type", "not_in_channel")
    anna = slack.user("U1")
    anna.command("koppel Utrecht", channel="C7")
    slack.settle()
    told = [m["text"] for m in slack.api.named("cmd")]
    assert "gekoppeld aan gemeente Utrecht" in told[0] and "/invite @Leidraadbot" in told[1]
    anna.command("start", channel="C7")  # not invited yet: the same hint, no generic error
    slack.settle()
    told = [m["text"] for m in slack.api.named("cmd")]
    assert "/invite @Leidraadbot" in told[-1] and not any("Er ging iets mis" in t for t in told)
    slack.api.joined.add("C7")  # /invite @Leidraadbot
    anna.command("start", channel="C7")
    slack.settle()
    assert slack.api.named("chat.postMessage")[-1]["channel"] == "C7"


def test_a_channel_bound_before_the_bot_joined_gets_the_invite_hint_on_a_summary(slack):
    anna = slack.user("U1")
    anna.command("koppel Utrecht")
    slack.settle()
    slack.api.joined.discard("C1")  # someone removed the bot from the channel
    slack.api.expect("not_in_channel")
    anna.command("samenvatting")
    slack.settle()
    assert "/invite @Leidraadbot" in slack.api.named("cmd")[-1]["text"]


def test_start_in_a_direct_message_posts_real_messages(slack):
    anna = slack.user("U1")
    anna.command("koppel Utrecht")
    slack.settle()
    slack.api.clear()
    anna.command("start", channel="D1")
    slack.settle()
    posted = slack.api.named("chat.postMessage")
    assert slack.api.named("cmd") == [] and {m["channel"] for m in posted} == {"D1"}
    assert any("vraag 1 van 23" in m["text"] for m in posted)
    anna.say("De wethouder jeugd", channel="D1")
    slack.settle()
    assert answers(slack)[0][1] == "De wethouder jeugd"


def test_a_command_in_a_direct_message_between_people_says_where_to_use_the_bot(slack):
    slack.api.foreign.add("D9")
    slack.api.expect("channel_not_found")
    slack.user("U1").command("hulp", channel="D9")
    slack.settle()
    assert "direct bericht tussen mensen" in slack.api.named("cmd")[-1]["text"]


def _answered_first(slack) -> tuple[object, str, dict]:
    """Anna's first answer in the gesprek thread: her, the thread and the message she sent."""
    anna, thread_ts = bind_and_start(slack)
    event = anna.message_event("De wethouder jeugd", thread_ts=thread_ts)
    anna.send_event(event)
    slack.settle()
    return anna, thread_ts, event


def test_an_answer_with_a_file_is_stored_and_the_file_is_said_not_to_be_kept(slack):
    anna, thread_ts = bind_and_start(slack)
    event = anna.message_event("Zie de bijlage: de wethouder jeugd", thread_ts=thread_ts) | {
        "subtype": "file_share", "upload": False, "display_as_bot": False,
        "files": [{"id": "F111", "name": "rollen.pdf", "title": "rollen.pdf", "mimetype":
                   "application/pdf", "filetype": "pdf", "user": "U1", "size": 42706,
                   "mode": "hosted", "is_external": False, "is_public": False}]}
    anna.send_event(event)
    slack.settle()
    assert answers(slack) == [(QUESTIONS[0].id, "Zie de bijlage: de wethouder jeugd", "Anna")]
    replies = [m["text"] for m in slack.api.named("chat.postMessage")[-3:]]
    assert any("Bestanden bij een bericht bewaar ik niet" in t for t in replies)


def test_an_answer_also_sent_to_the_channel_is_stored(slack):
    anna, thread_ts = bind_and_start(slack)
    event = anna.message_event("De wethouder jeugd", thread_ts=thread_ts) | {
        "subtype": "thread_broadcast",
        "root": {"type": "message", "text": "Checklist sturing", "user": BOT_USER,
                 "ts": thread_ts, "thread_ts": thread_ts, "reply_count": 1}}
    del event["parent_user_id"]  # a broadcast reply has none
    anna.send_event(event)
    slack.settle()
    assert answers(slack) == [(QUESTIONS[0].id, "De wethouder jeugd", "Anna")]


def test_an_edited_answer_becomes_its_newest_version_and_the_bot_says_so(slack):
    anna, thread_ts, event = _answered_first(slack)
    anna.edit(event, "De wethouder jeugd &amp; onderwijs")
    slack.settle()
    assert answers(slack)[-1] == (QUESTIONS[0].id, "De wethouder jeugd & onderwijs", "Anna")
    told = slack.api.named("chat.postMessage")[-1]
    assert told["thread_ts"] == thread_ts and "opgeslagen als nieuwste versie" in told["text"]
    anna.edit(event | {"text": "De wethouder jeugd &amp; onderwijs"}, "Het college")  # again
    slack.settle()
    assert [a[1] for a in answers(slack)] == ["De wethouder jeugd", "De wethouder jeugd & onderwijs",
                                             "Het college"]


def test_an_edit_of_an_answer_replaced_since_is_not_stored_and_says_why(slack):
    anna, thread_ts, event = _answered_first(slack)
    anna.say("wijzig 1.1", thread_ts=thread_ts)
    slack.settle()
    anna.say("vervangen", thread_ts=thread_ts)
    anna.say("De burgemeester", thread_ts=thread_ts)
    slack.settle()
    anna.edit(event, "De wethouder zorg")
    slack.settle()
    assert answers(slack)[-1][1] == "De burgemeester"
    assert "intussen al vervangen" in slack.api.named("chat.postMessage")[-1]["text"]


def test_an_edit_of_a_message_that_was_no_answer_or_only_got_a_preview_changes_nothing(slack):
    anna, thread_ts, event = _answered_first(slack)
    command = anna.message_event("voortgang", thread_ts=thread_ts)  # a command, not an answer
    anna.send_event(command)
    slack.settle()
    calls = len(slack.api.calls)
    talk = anna.message_event("Wie pakt dit op?", channel="C1")  # at the channel's top level
    anna.send_event(talk)
    anna.edit(talk, "Wie pakt dit op, Bram?")
    anna.edit(command, "voortgang graag")
    anna.edit(event, event["text"])  # a link preview came: the text is the same
    slack.settle()
    assert len(answers(slack)) == 1 and len(slack.api.calls) == calls


def test_a_colleague_from_another_organisation_answers_in_a_shared_channel(slack):
    """Slack Connect: the payload's team is the colleague's own; the installation is T1."""
    _, thread_ts = bind_and_start(slack)
    guest = SlackUser(slack.url + "/slack/events", slack.api, "U9", team="T2")
    guest.say("De wethouder jeugd", thread_ts=thread_ts)
    slack.settle()
    assert answers(slack) == [(QUESTIONS[0].id, "De wethouder jeugd", "U9")]
    assert slack.store.db.execute("SELECT id FROM users WHERE id = 'slack:T1:U9'").fetchone()


def test_enterprise_grid_people_and_ids_are_read_like_any_other(slack):
    anna = slack.user("W1")
    anna.command("koppel Utrecht")
    slack.settle()
    gemeente = slack.store.gemeenten.get("utrecht")["id"]
    assert slack.store.people.role(gemeente, "slack:T1:W1") == "beheerder"


def test_a_click_on_an_ephemeral_message_in_a_thread_lands_in_that_thread(slack):
    anna, thread_ts = bind_and_start(slack)
    question = slack.api.named("chat.postMessage")[-1]
    ephemeral = {k: v for k, v in question.items() if k != "ts"}  # Slack does not send it back
    anna.click(ephemeral, "overslaan")
    slack.settle()
    posted = slack.api.named("chat.postMessage")[-1]
    assert posted["thread_ts"] == thread_ts and "vraag 2 van 23" in posted["text"]
    assert not any("meer dan één gemeente" in m["text"] for m in slack.api.named("chat.postMessage"))


def test_a_click_on_an_ephemeral_answer_in_a_channel_is_answered_to_the_clicker(slack):
    anna, _ = bind_and_start(slack)
    anna.command("wijzig 1.1")  # in the channel: the question, for Anna only
    slack.settle()
    question = slack.api.named("cmd")[-1]
    slack.api.clear()
    anna.click(question, "overslaan")
    slack.settle()
    assert slack.api.named("chat.postMessage") == []  # nothing at the channel's top level
    told = [m["text"] for m in slack.api.named("cmd")]
    assert "Overgeslagen" in told[0] and "vraag 2 van 23" in told[1]


def test_a_slash_command_in_a_group_dm_is_refused_with_a_clear_message(slack):
    status, body = slack.user("U1").command("start", channel="G5")
    assert status == 200 and "groepsgesprek" in body  # the answer to the command itself
    slack.settle()
    assert slack.api.calls == [] and slack.store.gemeenten.all() == []


def test_a_slash_command_is_a_direct_message_only_in_a_direct_message_channel(slack):
    from bot.adapters.slack.translate import slash_command
    from bot.core.messages import PlaceKind

    person = SlackUser("", slack.api)
    forged = person.command_fields("samenvatting", "C1") | {"channel_name": "directmessage"}
    assert slash_command(forged, "T1").place.kind is PlaceKind.CHANNEL  # the name alone is no DM
    assert slash_command(person.command_fields("samenvatting", "D1"), "T1").place.kind is PlaceKind.DIRECT
