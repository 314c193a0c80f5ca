"""Slack as a real workspace sees it: channels the bot is not in yet, direct messages, edits,
attachments, shared channels and ephemeral messages, with payloads shaped as Slack sends them."""

from __future__ import annotations

from .test_slack import answers, bind_and_start


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
