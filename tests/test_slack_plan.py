"""The ontwikkelplan in Slack: the modal, its Dutch validation, the list and the update button."""

from __future__ import annotations

import json
import subprocess
import sys

from slack_sdk.models.views import View

from bot.service import Service

from .test_slack import bind_and_start, blocks_text


def bind(slack, user="U1"):
    person = slack.user(user)
    person.command("koppel Utrecht")
    slack.settle()
    return person


def opened_view(slack) -> dict:
    view = slack.api.named("views.open")[-1]["view"]
    return view if isinstance(view, dict) else json.loads(view)


def new_punt(slack, person, **values) -> tuple[int, object]:
    person.command("ontwikkelpunt nieuw")
    slack.settle()
    result = person.submit(opened_view(slack), values)
    slack.settle()
    return result


VALID = {"basisfunctie": "1", "thema": "1.5", "ontwikkelpunt": "Signalering <b>versterken</b>",
         "wie": "U2", "planning": "2027-03-01", "status": "open",
         "stand_van_zaken": "Plan van aanpak in concept"}


def test_the_new_ontwikkelpunt_modal_opens_with_every_field(slack):
    person = bind(slack)
    person.command("ontwikkelpunt nieuw")
    slack.settle()
    [call] = slack.api.named("views.open")
    assert call["trigger_id"]
    view = opened_view(slack)
    View(**view).validate_json()  # within Slack's limits
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"}
    assert kinds == {
        "basisfunctie": "static_select", "thema": "static_select", "ontwikkelpunt": "plain_text_input",
        "beoogd_resultaat": "plain_text_input", "verbeteractie": "plain_text_input",
        "kosten": "plain_text_input", "wie": "users_select", "planning": "datepicker",
        "status": "static_select", "stand_van_zaken": "plain_text_input"}
    hints = blocks_text(view)
    assert "als doel omschrijven" in hints and "begrotingscycli" in hints


def test_missing_required_fields_are_refused_in_dutch_in_the_modal(slack):
    person = bind(slack)
    status, answer = new_punt(slack, person, ontwikkelpunt="Alleen een doel")
    assert status == 200 and answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"basisfunctie", "wie", "planning"}
    assert answer["errors"]["wie"].startswith("Vul ‘Wie gaat de actie uitvoeren?’ in")
    assert slack.store.punten.all(slack.store.gemeenten.get("utrecht")["id"]) == []
    _, answer = new_punt(slack, person, **{**VALID, "thema": "2.1"})
    assert "hoort bij basisfunctie 2" in answer["errors"]["thema"]


def test_a_valid_submission_stores_the_ontwikkelpunt_and_tells_the_channel(slack):
    person = bind(slack)
    status, answer = new_punt(slack, person, **VALID)
    assert status == 200 and answer == ""
    punt = slack.store.punten.get(slack.store.gemeenten.get("utrecht")["id"], 1)
    assert (punt["basisfunctie"], punt["thema"], punt["wie"], punt["wie_id"], punt["planning"],
            punt["concept"]) == (1, 5, "Bram", "slack:T1:U2", "2027-03-01", 0)
    posted = slack.api.named("chat.postMessage")[-2:]
    assert posted[0]["channel"] == "C1" and "#1 is toegevoegd door Anna" in posted[0]["text"]
    assert "&lt;b&gt;versterken&lt;/b&gt;" in blocks_text(posted[1])
    assert "Plan van aanpak in concept" in blocks_text(posted[1])


def test_the_list_button_opens_a_prefilled_update_form_that_adds_to_the_history(slack):
    person = bind(slack)
    new_punt(slack, person, **VALID)
    person.command("ontwikkelpunten")
    slack.settle()
    listing = slack.api.named("cmd")[-1]
    buttons = [b["accessory"] for b in listing["blocks"] if b.get("accessory")]
    assert [(b["text"]["text"], b["value"]) for b in buttons] == [("Stand van zaken bijwerken", "1")]
    person.click_stand(1)
    slack.settle()
    view = opened_view(slack)
    View(**view).validate_json()
    initial = {b["block_id"]: b["element"].get("initial_option", {}).get("value")
               or b["element"].get("initial_date") for b in view["blocks"] if b["type"] == "input"}
    assert initial == {"stand_van_zaken": None, "status": "open", "planning": "2027-03-01"}
    _, answer = person.submit(view, {"status": "in_uitvoering", "planning": "2027-03-01"})
    assert "stand_van_zaken" in answer["errors"]
    _, answer = person.submit(view, {"stand_van_zaken": "Eerste bijeenkomst gehouden",
                                     "status": "in_uitvoering", "planning": "2027-04-01"})
    slack.settle()
    assert answer == ""
    punt = slack.store.punten.get(slack.store.gemeenten.get("utrecht")["id"], 1)
    history = slack.store.punten.history(punt["id"])
    assert [(h["kind"], h["value"]) for h in history][-3:] == [
        ("veld", "1 april 2027"), ("stand", "Eerste bijeenkomst gehouden"),
        ("status", "in_uitvoering")]
    assert punt["status"] == "in_uitvoering" and punt["planning"] == "2027-04-01"


def test_a_form_open_while_a_colleague_changes_the_planning_leaves_their_change(slack):
    person = bind(slack)
    new_punt(slack, person, **VALID)
    person.command("ontwikkelpunten")
    slack.settle()
    person.click_stand(1)
    slack.settle()
    view = opened_view(slack)
    steps = "1 maart 2027 offerte; juni 2027 start training"
    slack.user("U2").command(f"wijzig 1 planning {steps}")  # while Anna's form is open
    slack.settle()
    _, answer = person.submit(view, {"stand_van_zaken": "Offerte aangevraagd", "status": "open",
                                     "planning": "2027-03-01"})  # the date as the form showed it
    slack.settle()
    assert answer == ""
    punt = slack.store.punten.get(slack.store.gemeenten.get("utrecht")["id"], 1)
    assert (punt["planning"], punt["planning_stappen"]) == ("2027-06-30", steps)  # Bram's stays
    said = json.dumps(slack.api.named("chat.postMessage")[-2:], ensure_ascii=False)
    assert "Intussen veranderde een collega: planning (door" in said
    person.command("ontwikkelpunten")
    slack.settle()
    person.click_stand(1)  # the form now shows the steps beside the date it can show
    slack.settle()
    hint = next(b["hint"]["text"] for b in opened_view(slack)["blocks"] if b.get("block_id") == "planning")
    assert steps in hint


def test_text_commands_for_the_plan_work_in_slack_too(slack):
    person = bind(slack)
    new_punt(slack, person, **VALID)
    person.command("bijwerken 1 Offerte binnen")
    slack.settle()
    assert "bijgewerkt" in slack.api.named("cmd")[-2]["text"]
    person.command("status 1 afgerond")
    slack.settle()
    assert "afgerond" in slack.api.named("cmd")[-1]["text"]
    person.command("ontwikkelpunt 1")
    slack.settle()
    assert "Offerte binnen" in blocks_text(slack.api.named("cmd")[-1])


def test_an_ontwikkelpunt_typed_in_a_thread_takes_a_slack_user_as_wie(slack):
    anna, thread_ts = bind_and_start(slack)
    for text in ("ontwikkelpunt nieuw", "2", "3", "Preventie structureel bekostigen", "overslaan",
                 "overslaan", "overslaan", "<@U3>", "1 juli 2027", "overslaan"):
        anna.say(text, thread_ts=thread_ts)
        slack.settle()
    punt = slack.store.punten.get(slack.store.gemeenten.get("utrecht")["id"], 1)
    assert (punt["wie"], punt["wie_id"], punt["concept"]) == ("Cor", "slack:T1:U3", 0)
    last = slack.api.named("chat.postMessage")[-1]
    assert last["thread_ts"] == thread_ts and "Deel I › Rollen en taken · vraag 1 van 23" in last["text"]


def test_the_summary_is_posted_in_the_channel_within_slacks_limits(slack):
    person = bind(slack)
    for n in range(45):  # more than fit in one message
        new_punt(slack, person, **{**VALID, "ontwikkelpunt": f"Punt {n}"})
    slack.api.clear()
    person.command("samenvatting")
    slack.settle()
    [message] = slack.api.named("chat.postMessage")
    assert message["channel"] == "C1" and "Samenvatting gemeente Utrecht" in message["text"]
    assert len(message["blocks"]) <= 50
    assert all(len(json.dumps(b)) < 3500 for b in message["blocks"])
    text = blocks_text(message)
    assert "en 15 meer" in text and "/leidraad export docx" in text


def test_an_export_is_uploaded_into_the_channel(slack):
    person = bind(slack)
    new_punt(slack, person, **VALID)
    person.command("export xlsx")
    slack.settle()
    [complete] = slack.api.named("files.completeUploadExternal")
    assert complete["channel_id"] == "C1"
    [upload] = slack.api.named("upload")
    assert upload["content"][:2] == b"PK"  # a zip: the xlsx
    person.command("export pdf")
    slack.settle()
    assert "geen exportformaat" in slack.api.named("cmd")[-1]["text"]


def test_the_regiobeeld_is_for_projectleiders_made_by_the_operator_and_shown_only_to_them(
        slack, tmp_path):
    person = bind(slack)
    person.command("regio instellen Regio Midden")
    person.command("projectleider toevoegen <@U3|cor>")  # in their own chat only
    slack.settle()
    assert "werkt in een eigen chat met de bot, niet hier" in slack.api.named("cmd")[-1]["text"]
    person.command("projectleider toevoegen <@U3|cor>", channel="D1")  # a beheerder cannot
    slack.settle()
    assert "Dit is voor de projectleiders van een regio" in slack.api.named("chat.postMessage")[-1]["text"]
    done = subprocess.run([sys.executable, "-m", "bot", "projectleider", "toevoegen", "--regio",
                           "Regio Midden", "--db", str(slack.store.path), "slack:T1:U3"],
                          capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path)
    assert done.returncode == 0 and "is nu projectleider van regio Regio Midden" in done.stdout
    cor = slack.user("U3")
    cor.command("samenvatting regio", channel="D3")
    slack.settle()
    posted = slack.api.named("chat.postMessage")[-1]
    assert posted["channel"] == "D3" and "Regiobeeld Regio Midden" in posted["text"]
    cor.command("samenvatting regio")  # in the gemeente's channel: never for all to read
    slack.settle()
    assert "niet hier" in slack.api.named("cmd")[-1]["text"]
    slack.user("U2").command("samenvatting regio", channel="D2")
    slack.settle()
    assert "projectleiders" in slack.api.named("chat.postMessage")[-1]["text"]
    cor.command("projectleider toevoegen <@U2|bram>", channel="D3")  # a projectleider can
    slack.settle()  # (another person's chat: handled beside it, not after it)
    slack.user("U2").command("samenvatting regio", channel="D2")
    slack.settle()
    assert "Regiobeeld Regio Midden" in slack.api.named("chat.postMessage")[-1]["text"]


def test_naming_someone_as_wie_gives_them_their_items_not_the_gemeente(slack):
    person = bind(slack)
    new_punt(slack, person, **VALID)  # wie: U2, who is no member
    gemeente = slack.store.gemeenten.get("utrecht")["id"]
    assert slack.store.people.role(gemeente, "slack:T1:U2") is None
    slack.user("U2").command("samenvatting", channel="D2")
    slack.settle()
    assert "Je hebt geen toegang tot de gegevens van gemeente Utrecht" in slack.api.named(
        "chat.postMessage")[-1]["text"]


def test_a_gemeente_made_outside_the_chat_is_not_claimed_by_naming_it_first(slack, tmp_path):
    from .conftest import Chat

    Chat(Service(slack.store), "Operator", "Utrecht").start()  # filled in from the console
    stranger = slack.user("U9")
    stranger.command("koppel Utrecht")
    slack.settle()
    refused = slack.api.named("cmd")[-1]["text"]
    assert "heeft nog geen beheerder" in refused and "slack:T1:U9" in refused
    gemeente = slack.store.gemeenten.get("utrecht")["id"]
    assert slack.store.gemeenten.of_channel("slack:T1:C1") is None
    assert slack.store.people.role(gemeente, "slack:T1:U9") is None
    done = subprocess.run([sys.executable, "-m", "bot", "beheerder", "toevoegen", "--gemeente",
                           "Utrecht", "--db", str(slack.store.path), "slack:T1:U1"],
                          capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    bind(slack)  # now its beheerder binds it
    assert slack.store.gemeenten.of_channel("slack:T1:C1")["naam"] == "Utrecht"


def test_a_form_whose_metadata_came_back_changed_or_from_someone_else_changes_nothing(slack):
    person = bind(slack)
    person.command("ontwikkelpunt nieuw")
    slack.settle()
    view = opened_view(slack)
    sealed = view["private_metadata"]
    forged = dict(view, private_metadata=sealed.replace('"channel":"C1"', '"channel":"C2"'))
    assert forged["private_metadata"] != sealed
    status, answer = person.submit(forged, VALID)
    assert status == 200 and "niet (meer) geldig" in json.dumps(answer, ensure_ascii=False)
    status, answer = slack.user("U2").submit(view, VALID)  # someone else's form
    assert "niet (meer) geldig" in json.dumps(answer, ensure_ascii=False)
    slack.settle()
    assert slack.store.punten.all(slack.store.gemeenten.get("utrecht")["id"]) == []
    person.submit(view, VALID)  # the form as the bot sealed it, by whom it was for
    slack.settle()
    assert len(slack.store.punten.all(slack.store.gemeenten.get("utrecht")["id"])) == 1
