"""The access table: every command of the command table, as every role, from every place, on the
console, Slack and Teams inbound paths (the adapters' own translation of payloads shaped as the
platforms send them), plus forged echoes. Two gemeenten in two regio's hold data marked as
theirs; after each message nothing of a gemeente may have been read or changed that the rules
(written out here, apart from ``bot.core.access``) do not allow.

Each message is handled inside a transaction that is rolled back afterwards, so every row of the
table starts from the same world.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass

import pytest

from bot.adapters.seal import Seal
from bot.adapters.slack import translate as slack
from bot.core.commands import Parsed, Unfit
from bot.core.messages import Begin, Command, FormInput, FormSent, Inbound, Said, Start, User
from bot.core.replies import CommandUsage, OpenForm, Regiobeeld
from bot.service import Service
from store import Store

from .conftest import Clock
from .inbound_paths import NAMES, RESPOND, ConsolePath, SlackPath, TeamsPath
from .slack_doubles import TEAM, SlackUser
from .stands import latest_stands

UTRECHT, ZEIST = "Utrecht", "Zeist"
MARKS = {UTRECHT: ("GEHEIM-UTRECHT", "PUNT-UTRECHT"), ZEIST: ("GEHEIM-ZEIST", "PUNT-ZEIST")}
REGIO = {UTRECHT: "Regio Midden", ZEIST: "Regio Zuid"}

# Who acts, as which role towards Utrecht (the roles), and the others in the world.
ROLES = {"niemand": "olaf", "lid van een andere gemeente": "lars", "lid": "bram",
         "beheerder": "anna", "projectleider van de regio": "piet",
         "projectleider van een andere regio": "quinn", "collega met een toegewezen vraag": "tina"}
MEMBERS = {"anna": {UTRECHT: "beheerder"}, "bram": {UTRECHT: "lid"}, "zoe": {ZEIST: "beheerder"},
           "lars": {ZEIST: "lid"}}
LEADS = {"piet": REGIO[UTRECHT], "quinn": REGIO[ZEIST]}
HANDED = {"tina": UTRECHT}  # a question of the gemeente handed to them; no membership
HANDED_QUESTION = 3  # vraag 1.4: not the one whose answer holds the gemeente's mark
# What someone handed questions may use in their own chat: those questions, and nothing else.
ANSWERING = {"start", "mijn vragen", "pauze", "overslaan", "terug", "behouden", "vervangen"}

# Places, and the gemeente each belongs to (None: unbound, or a person's own chat).
PLACES = {"eigen kanaal": UTRECHT, "eigen thread": UTRECHT, "kanaal van een andere gemeente": ZEIST,
          "thread van een andere gemeente": ZEIST, "los kanaal": None, "direct bericht": None}

# One message for every command of the table (``@olaf`` names a person the platform's way).
SAMPLES = (
    "start", "pauze", "overslaan", "terug", "behouden", "vervangen", "wijzig 1.1", "deel 2",
    "voortgang", "versies 1.1", "geschiedenis 1.1", "terugzetten 1.1 1", "doorloop alles",
    "doorloop open", "ontwikkelpunt nieuw", "ontwikkelpunten", "ontwikkelpunt 1",
    "bijwerken 1 Offerte gevraagd", "status 1 afgerond", "wijzig 1 planning 1-3-2027",
    "wijzig 1 wie @olaf", "afmaken 2", "weggooien 3", "concepten maken", "algemeen", "thema 1.2",
    "algemeen portefeuillehouders Wethouder Jansen", "samenvatting regio", "samenvatting",
    "samenvatting Utrecht", "samenvatting Zeist", "export xlsx", "verouderd na 8 weken",
    "herinneringen", "herinnering wekelijks maandag 9:00", "herinnering maandelijks 1 9:00",
    "herinnering uit", "stuurgroepen", "stuurgroep verwijder 15-12-2026",
    "stuurgroep 16-12-2026 14:00", "voorbereiding 3 werkdagen", "koppel Utrecht", "koppel Zeist",
    "koppel Nepdorp", "lid toevoegen @olaf", "beheerder toevoegen @bram", "lid verwijderen @bram",
    "regio instellen Regio Zuid",
    "projectleider toevoegen @olaf", "e-maildomein utrecht.nl", "hulp", "begrippen",
    "toewijzen 1.2 @olaf", "toewijzingen", "mijn vragen", "afwezig tot 1-3-2027", "aanwezig",
    "afwezig @bram tot 1-3-2027", "uitstellen 1 een week", "overdragen @bram @olaf", "dashboard",
)
MANAGING = {"verouderd na", "herinnering wekelijks", "herinnering maandelijks", "herinnering uit",
            "stuurgroep verwijder", "stuurgroep", "voorbereiding", "lid toevoegen",
            "beheerder toevoegen",
            "lid verwijderen", "regio instellen", "e-maildomein", "koppel",
            "overdragen"}  # a beheerder's, by the rules


# --- the world ---------------------------------------------------------------------------------

@dataclass
class World:
    path: object
    service: Service
    store: Store
    gemeenten: dict[str, int]
    regios: dict[str, int]


def build(tmp_path, path) -> World:
    store = Store(tmp_path / f"{path.name}.db", durable=False)
    service = Service(store, clock=Clock())
    path.connect(service)
    at = "2026-03-12T12:00:00+00:00"
    with store.transaction():
        for who in NAMES:
            store.people.ensure(path.user(who).id, NAMES[who], at)
        gemeenten, regios = {}, {}
        for naam in (UTRECHT, ZEIST):
            gemeente = store.gemeenten.create(naam.casefold(), naam, "operator", at)
            gemeenten[naam] = gemeente["id"]
            regios[REGIO[naam]] = store.gemeenten.regio(REGIO[naam].casefold(), REGIO[naam], at)["id"]
            store.gemeenten.set(gemeente["id"], "operator", at, regio_id=regios[REGIO[naam]])
            secret, punt = MARKS[naam]
            store.answers.save(gemeente["id"], service.gesprek.questionnaire.questions[0].id,
                               f"{secret} antwoord", path.user("anna").id, at)
            store.punten.create(gemeente["id"], {"basisfunctie": 1, "thema": 1, "ontwikkelpunt": punt,
                                                 "beoogd_resultaat": punt, "verbeteractie": punt,
                                                 "wie": "Anna", "planning": "2027-03-01",
                                                 "concept": 0}, path.user("anna").id, at)
            store.punten.create(gemeente["id"], {"ontwikkelpunt": f"{punt} concept", "concept": 1},
                                path.user("anna").id, at)
            store.reminders.add_stuurgroep(gemeente["id"], "2026-12-15T14:00:00+01:00",
                                           path.user("anna").id, at)
        for who, roles in MEMBERS.items():
            for naam, role in roles.items():
                store.people.add_member(gemeenten[naam], path.user(who).id, role, "operator", at)
        for who, regio in LEADS.items():
            store.people.add_projectleider(regios[regio], path.user(who).id, "operator", at)
        for who, naam in HANDED.items():
            store.team.assign(gemeenten[naam], service.gesprek.questionnaire.questions[HANDED_QUESTION].id,
                              path.user(who).id, path.user("anna").id, at)
        if hasattr(path, "place"):
            for where, naam in PLACES.items():
                if naam and "kanaal" in where:
                    store.gemeenten.bind(path.place(where, "anna").channel, gemeenten[naam],
                                         path.user("anna").id, at)
    if hasattr(path, "place"):  # a gesprek in each gemeente's thread
        for where, who in (("eigen thread", "anna"), ("thread van een andere gemeente", "zoe")):
            place = path.place(where, who)
            service.handle(Begin(path.user(who), place, start=Start()))
    return World(path, service, store, gemeenten, regios)


def fingerprint(store: Store, world: World) -> dict[str, tuple]:
    """Everything of each gemeente (and the projectleiders of each regio), to compare."""
    prints = {}
    for naam, gid in world.gemeenten.items():
        rows = [store.rows("SELECT * FROM gemeenten WHERE id = ?", [gid])]
        for table in ("answers", "ontwikkelpunten", "members", "channels", "stuurgroepen",
                      "conversations", "asked", "changes", "assignments"):
            rows.append(store.rows(f"SELECT * FROM {table} WHERE gemeente_id = ? ORDER BY rowid",
                                   [gid]))
        rows.append(store.rows("SELECT l.* FROM ontwikkelpunt_log l JOIN ontwikkelpunten p ON "
                               "p.id = l.ontwikkelpunt_id WHERE p.gemeente_id = ? ORDER BY l.id", [gid]))
        prints[naam] = json.dumps(rows, sort_keys=True)
    for regio, rid in world.regios.items():
        prints[regio] = json.dumps(store.rows("SELECT * FROM projectleiders WHERE regio_id = ?",
                                              [rid]), sort_keys=True)
    return prints


def handled_and_undone(world: World, inbound: Inbound) -> tuple[list, set[str]]:
    """The replies to ``inbound``, and which gemeenten and regio's it changed; then undone."""
    store = world.store
    before = fingerprint(store, world)
    store.db.execute("BEGIN IMMEDIATE")
    try:
        replies = world.service.handle(inbound)
        after = fingerprint(store, world)
    finally:
        store.db.rollback()
    return replies, {key for key in before if before[key] != after[key]}


# --- the rules, written out ----------------------------------------------------------------------

def allowed(who: str, where: str, command: str, text: str = "") -> tuple[set[str], set[str]]:
    """Which gemeenten (and regio's) ``who`` may read and change with ``command`` in ``where``."""
    membership = MEMBERS.get(who, {})
    beheerder_of = {naam for naam, role in membership.items() if role == "beheerder"}
    led = {naam for naam, regio in REGIO.items() if LEADS.get(who) == regio}
    if PLACES[where]:  # a gemeente's channel: whoever is in it takes part
        read = change = {PLACES[where]}
    elif where == "direct bericht":
        read, change = set(membership) | led, set(membership)
        if command in ANSWERING and who in HANDED:  # the handed question: answered, not read
            change = change | {HANDED[who]}
    else:
        read = change = set()
    if command in ("afwezig", "aanwezig"):  # about oneself: logged where one takes part
        change = set(membership) | ({HANDED[who]} if who in HANDED else set())
        if "@bram" in text and who != "bram":  # someone else: a beheerder here, or in their own chat
            change = {naam for naam in beheerder_of if PLACES[where] in (naam, None)} & {UTRECHT}
    if command in MANAGING:
        change = (change | (beheerder_of if command == "koppel" and where == "los kanaal" else set())
                  ) & beheerder_of
    if command == "projectleider toevoegen":
        # their own regio, in their own chat (and its gemeenten's audit log says so)
        change = ({LEADS[who], *(n for n, r in REGIO.items() if r == LEADS[who])}
                  if who in LEADS and where == "direct bericht" else set())
    return read, change


# --- the table ---------------------------------------------------------------------------------

PATHS = {"slack": SlackPath, "teams": TeamsPath}


@pytest.fixture(scope="module", params=sorted(PATHS))
def world(request, tmp_path_factory):
    world = build(tmp_path_factory.mktemp(request.param), PATHS[request.param]())
    yield world
    world.store.close()
    world.path.close()


@pytest.fixture
def teams_path():
    path = TeamsPath()
    yield path
    path.close()


def test_the_samples_cover_every_command_of_the_table(tmp_path):
    service = Service(Store(tmp_path / "x.db", durable=False))
    covered = {id(parsed.command) for text in SAMPLES
               if isinstance(parsed := service.table.parse(re.sub(r"@\w+", "<@x>", text)), Parsed)}
    assert isinstance(service.table.parse("koppel Nepdorp"), Unfit)  # no gemeente: refused as such
    assert [c.usage for c in service.table.commands if id(c) not in covered] == []


@pytest.mark.parametrize("where", sorted(PLACES))
@pytest.mark.parametrize("role", sorted(ROLES))
def test_no_command_reads_or_changes_what_the_role_may_not_here(world, role, where):
    who = ROLES[role]
    wrong = []
    for text in SAMPLES:
        parsed = world.service.table.parse(re.sub(r"@\w+", "<@x>", text), explicit=True)
        command = (parsed.command if isinstance(parsed, Parsed) else parsed.commands[0]).name
        replies, changed = handled_and_undone(world, world.path.inbound(who, where, text))
        may_read, may_change = allowed(who, where, command, text)
        if any(isinstance(r, CommandUsage) and r.held for r in replies):  # asked: answer or not?
            may_change |= allowed(who, where, "overslaan")[1]  # kept where one may answer
        shown = repr(replies)
        read = {naam for naam, marks in MARKS.items() if any(mark in shown for mark in marks)}
        if read - may_read or changed - may_change:
            wrong.append((text, sorted(read - may_read), sorted(changed - may_change)))
        if command == "samenvatting regio" and PLACES[where] is not None:
            assert not any(isinstance(r, Regiobeeld) for r in replies), text
        if not replies:
            wrong.append((text, "no reply", ""))
    assert wrong == []


def test_the_console_acts_on_the_gemeente_it_was_started_for(tmp_path):
    world = build(tmp_path, ConsolePath())
    wrong = []
    for text in SAMPLES:
        replies, changed = handled_and_undone(world, world.path.inbound("anna", "", text))
        if changed - {UTRECHT, REGIO[UTRECHT]} or MARKS[ZEIST][0] in repr(replies):
            wrong.append((text, sorted(changed)))
    assert wrong == []
    world.store.close()


def test_the_table_sees_reads_and_changes_where_they_are_allowed(world):
    """The checks above can see what they look for: allowed reads and changes do show."""
    replies, _ = handled_and_undone(world, world.path.inbound("anna", "direct bericht",
                                                              "ontwikkelpunt 1"))
    assert MARKS[UTRECHT][1] in repr(replies)
    replies, _ = handled_and_undone(world, world.path.inbound("piet", "direct bericht",
                                                              "samenvatting Utrecht"))
    assert MARKS[UTRECHT][1] in repr(replies)
    _, changed = handled_and_undone(world, world.path.inbound("bram", "eigen kanaal",
                                                              "bijwerken 1 Offerte gevraagd"))
    assert changed == {UTRECHT}


def test_a_projectleider_reads_the_summaries_of_the_regio_and_changes_nothing(world):
    for text in ("samenvatting Utrecht", "bijwerken 1 Klaar", "status 1 afgerond", "start Utrecht"):
        replies, changed = handled_and_undone(world, world.path.inbound("piet", "direct bericht",
                                                                        text))
        assert changed == set(), text
    replies, _ = handled_and_undone(world, world.path.inbound("quinn", "direct bericht",
                                                              "samenvatting Utrecht"))
    assert "Je hebt geen toegang tot de gegevens van gemeente Utrecht" in repr(replies)
    replies, _ = handled_and_undone(world, world.path.inbound("piet", "direct bericht",
                                                              "samenvatting"))
    assert "Je bent projectleider van regio Regio Midden" in repr(replies)  # which to name


def test_a_gemeente_of_ones_own_does_not_open_another_regio(world):
    """Escalation 1: bind a channel to a made-up gemeente, put it in another regio, and try to
    become that regio's projectleider and read its regiobeeld."""
    store, path = world.store, world.path
    store.db.execute("BEGIN IMMEDIATE")
    try:
        replies = [world.service.handle(path.inbound("olaf", where, text))
                   for where, text in (("los kanaal", "koppel Nepdorp"),
                                       ("los kanaal", "regio instellen Regio Zuid"),
                                       ("direct bericht", "projectleider toevoegen @olaf"))]
        replies.append(world.service.handle(path.inbound("olaf", "direct bericht",
                                                         "samenvatting regio")))
        replies.append(world.service.handle(path.inbound("olaf", "direct bericht",
                                                         "samenvatting Zeist")))
        assert "Dit is voor de projectleiders van een regio" in repr(replies[2])
        assert not any(isinstance(r, Regiobeeld) for r in replies[3])
        assert MARKS[ZEIST][1] not in repr(replies[4])
        assert store.people.regios_led(path.user("olaf").id) == []
    finally:
        store.db.rollback()


# --- forged echoes: values a platform gives back, changed --------------------------------------

def _slack_click(world: World, who: str, channel: str, action_id: str, value: str) -> dict:
    person = SlackUser("", RESPOND,
                       user=world.path.ids[who])
    action = person._action(action_id, {"value": value})
    body = person._interaction(
        "block_actions", channel={"id": channel, "name": "veiligheid"},
        container={"type": "message", "message_ts": "1700000000.000900", "channel_id": channel,
                   "is_ephemeral": True}, response_url="http://127.0.0.1:9/respond",
        actions=[action], state={"values": {}})
    return {"body": body, "action": action}


@pytest.mark.parametrize("who, channel, value", [
    ("olaf", "D7", "1|Utrecht"),  # someone else's gemeente, in one's own chat with the bot
    ("zoe", "C2", "1|Utrecht"),  # in Zeist's channel, a button naming Utrecht
])
def test_a_changed_stand_button_on_slack_reads_and_changes_nothing_of_another(
        tmp_path, who, channel, value):
    world = build(tmp_path, SlackPath())
    click = _slack_click(world, who, channel, "leidraad_stand", value)
    inbound = slack.stand_button(click["body"], click["action"], TEAM)
    replies, changed = handled_and_undone(world, inbound)
    assert UTRECHT not in changed and MARKS[UTRECHT][1] not in repr(replies)
    assert replies


def test_a_slash_command_claiming_a_direct_message_in_a_channel_is_the_channel(tmp_path):
    world = build(tmp_path, SlackPath())
    person = SlackUser("", RESPOND, user="U3")
    fields = person.command_fields("samenvatting regio", "C1") | {"channel_name": "directmessage"}
    replies, _ = handled_and_undone(world, slack.slash_command(fields, TEAM))
    assert not any(isinstance(r, Regiobeeld) for r in replies)
    assert "niet hier" in repr(replies)


@pytest.mark.parametrize("kind, data", [
    ("form", {"nummer": 1, "gemeente": UTRECHT, "kind": "bijwerken"}),  # a dialog's button
    ("file", {"gemeente": UTRECHT, "format": "xlsx"}),  # a file consent's context
    ("click", {"cmd": "samenvatting regio", "q": None}),  # a card's button in a channel
])
def test_changed_card_data_on_teams_reads_and_changes_nothing_of_another(tmp_path, teams_path,
                                                                        kind, data):
    path = teams_path
    world = build(tmp_path, path)
    translate, FORM = path.translate, pytest.importorskip("bot.render.teams").FORM
    if kind == "form":
        person = path.doubles.TeamsUser("", path.connector, "olaf")
        chat = person.message("x")
        activity = person.invoke("task/fetch", {"data": {FORM: data.pop("kind"), **data}}, chat)
        inbound = translate.form_opened(path.typed(activity))
    elif kind == "file":  # sealed by the bot, for olaf, but naming Utrecht
        person = path.doubles.TeamsUser("", path.connector, "olaf")
        offer = pytest.importorskip("bot.render.teams").OFFER
        sealed = Seal("lokaal").close(offer, path.user("olaf").id, data)
        activity = person.invoke("fileConsent/invoke", {
            "type": "fileUpload", "action": "accept", "context": {"verzegeld": sealed},
            "uploadInfo": {"name": "x.xlsx", "uploadUrl": "http://127.0.0.1:9/upload",
                           "contentUrl": "http://127.0.0.1:9/file", "uniqueId": "1",
                           "fileType": "xlsx"}}, person.message("x"))
        inbound = translate.file_answered(path.typed(activity), Seal("lokaal"), local=True)
    else:
        person = path.doubles.TeamsUser("", path.connector, "piet")
        inbound = translate.message(path.typed(person.click(path.activity("piet", "eigen kanaal", "x"),
                                                            data)))
    replies, changed = handled_and_undone(world, inbound)
    assert changed == set() and MARKS[UTRECHT][1] not in repr(replies)
    assert not any(isinstance(r, Regiobeeld) for r in replies)
    assert replies


def test_taking_part_in_the_channel_gesprek_gives_no_membership(world):
    store, path = world.store, world.path
    store.db.execute("BEGIN IMMEDIATE")
    try:
        world.service.handle(path.said("olaf", "eigen thread", "Wij werken met een stuurgroep"))
        [taken] = store.rows("SELECT gemeente_id, text FROM answers WHERE author_id = ?",
                             [path.user("olaf").id])  # the answer is taken, and is his
        assert taken == {"gemeente_id": world.gemeenten[UTRECHT], "text": "Wij werken met een stuurgroep"}
        replies = world.service.handle(path.inbound("olaf", "direct bericht", "samenvatting Utrecht"))
        assert "Je hebt geen toegang tot de gegevens van gemeente Utrecht" in repr(replies)
        assert store.people.role(world.gemeenten[UTRECHT], path.user("olaf").id) is None
    finally:
        store.db.rollback()


def test_twenty_people_of_two_gemeenten_at_once_each_answer_lands_in_its_own(tmp_path):
    """Ten members of each gemeente answer in their own chats with the bot at the same moment,
    each on a thread (and connection) of their own: every answer is kept, once, under its own
    gemeente and its writer; the audit log says the same."""
    store = Store(tmp_path / "leidraad.db", durable=False)
    service = Service(store)
    people = {f"{naam.casefold()}{n}": naam for naam in (UTRECHT, ZEIST) for n in range(10)}
    with store.transaction():
        for naam in (UTRECHT, ZEIST):
            store.gemeenten.create(naam.casefold(), naam, "operator", "2026-12-01T09:00:00+00:00")
        for who, naam in people.items():
            store.people.ensure(f"slack:{TEAM}:{who}", who, "2026-12-01T09:00:00+00:00")
            store.people.add_member(store.gemeenten.get(naam.casefold())["id"], f"slack:{TEAM}:{who}", "lid",
                                         "operator", "2026-12-01T09:00:00+00:00")
    ready = threading.Barrier(len(people))

    def answer(who: str) -> None:
        user, place = User(f"slack:{TEAM}:{who}", who), slack.direct_place(TEAM, f"D{who}")
        ready.wait()
        service.handle(Begin(user, place, start=Start()))
        for n in range(3):
            service.handle(Said(user, place, text=f"{who} antwoord {n}"))
        store.close()

    threads = [threading.Thread(target=answer, args=(who,)) for who in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for naam in (UTRECHT, ZEIST):
        gemeente = store.gemeenten.get(naam.casefold())["id"]
        versions = store.answers.all_versions(gemeente)
        assert sorted(v["text"] for v in versions) == sorted(
            f"{who} antwoord {n}" for who, its in people.items() if its == naam for n in range(3))
        assert all(v["text"].startswith(v["author"] + " ") for v in versions)
        audited = [c for c in service.audit(naam)[1] if c.what.startswith("antwoord")]
        assert len(audited) == len(versions)
    store.close()


CHANGED_NUMBERS = ["1 van een vreemde", "1; status 1 afgerond", "-1", "1e9"]


@pytest.mark.parametrize("nummer", CHANGED_NUMBERS)
def test_a_changed_number_on_a_slack_button_never_becomes_part_of_a_command(tmp_path, nummer):
    """Before, a stand button's value ``1 van een vreemde|`` stored that as a stand van zaken."""
    world = build(tmp_path, SlackPath())
    click = _slack_click(world, "anna", "C1", "leidraad_stand", f"{nummer}|")
    inbound = slack.stand_button(click["body"], click["action"], TEAM)
    assert inbound.text == "bijwerken"
    _, changed = handled_and_undone(world, inbound)
    assert changed == set()


@pytest.mark.parametrize("nummer", CHANGED_NUMBERS)
def test_a_changed_number_on_a_teams_dialog_button_never_becomes_part_of_a_command(teams_path,
                                                                                   nummer):
    path = teams_path
    person = path.doubles.TeamsUser("", path.connector, "anna")
    fetch = person.invoke("task/fetch", {"data": {"leidraad_formulier": "bijwerken",
                                                  "nummer": nummer}}, person.message("x"))
    assert path.translate.form_opened(path.typed(fetch)).text == "bijwerken"


def test_after_being_removed_an_answer_never_lands_in_another_gemeente(world):
    """Bram answers Utrecht's gesprek in his own chat, also belongs to Zeist, and is removed from
    Utrecht: what he types next is refused, not stored as Zeist's answer."""
    store, path, service = world.store, world.path, world.service
    store.db.execute("BEGIN IMMEDIATE")
    try:
        at = "2026-03-12T12:00:00+00:00"
        store.people.add_member(world.gemeenten[ZEIST], path.user("bram").id, "lid", "operator", at)
        for text in ("start Zeist", "Zeist antwoord", "start Utrecht"):
            service.handle(path.inbound("bram", "direct bericht", text))
        store.people.remove_member(world.gemeenten[UTRECHT], path.user("bram").id, "operator", at)
        before = fingerprint(store, world)
        replies = service.handle(path.said("bram", "direct bericht", "Een antwoord voor Utrecht")
                                 if path.name == "slack" else
                                 path.inbound("bram", "direct bericht", "Een antwoord voor Utrecht"))
        assert "Je hoort niet meer bij gemeente Utrecht; er is niets opgeslagen" in repr(replies)
        assert fingerprint(store, world) == before
        assert "start <gemeente>" in repr(replies)
    finally:
        store.db.rollback()


def test_a_beheerder_makes_another_so_the_last_one_can_go(world):
    store, path, service = world.store, world.path, world.service
    utrecht = world.gemeenten[UTRECHT]
    store.db.execute("BEGIN IMMEDIATE")
    try:
        stays = service.handle(path.inbound("anna", "eigen kanaal", "lid verwijderen @anna"))
        assert "beheerder toevoegen @naam" in repr(stays)  # the way out, which she can take
        assert store.people.role(utrecht, path.user("anna").id) == "beheerder"
        said = service.handle(path.inbound("anna", "eigen kanaal", "lid toevoegen @bram"))
        assert "hoorde al bij gemeente Utrecht" in repr(said)
        service.handle(path.inbound("anna", "eigen kanaal", "beheerder toevoegen @bram"))
        assert store.people.role(utrecht, path.user("bram").id) == "beheerder"
        service.handle(path.inbound("anna", "eigen kanaal", "lid verwijderen @anna"))
        assert store.people.role(utrecht, path.user("anna").id) is None
        refused = service.handle(path.inbound("lars", "direct bericht", "beheerder toevoegen @lars"))
        assert "Alleen een beheerder" in repr(refused) or "Je hoort" in repr(refused)
    finally:
        store.db.rollback()


def test_the_owner_of_an_ontwikkelpunt_brings_it_up_to_date_and_nothing_else(world):
    """Named as wie, not a member: their reminder asks them to update their own items, and they
    can, in their own chat with the bot; nothing else of the gemeente is theirs."""
    store, path, service = world.store, world.path, world.service
    utrecht = world.gemeenten[UTRECHT]
    store.db.execute("BEGIN IMMEDIATE")
    try:
        punt = store.punten.get(utrecht, 1)
        store.punten.set(punt["id"], {"wie": "Olaf Peters", "wie_id": path.user("olaf").id},
                         "2026-03-12T12:00:00+00:00")

        def olaf(text: str) -> str:
            return repr(service.handle(path.inbound("olaf", "direct bericht", text)))

        assert MARKS[UTRECHT][1] in olaf("ontwikkelpunt 1")
        olaf("bijwerken 1 Gebeld met de scholen")
        assert latest_stands(store, utrecht)[punt["id"]]["value"] == "Gebeld met de scholen"
        olaf("status 1 in uitvoering")
        assert store.punten.get(utrecht, 1)["status"] == "in_uitvoering"
        for text in ("ontwikkelpunt 2", "bijwerken 2 x", "samenvatting", "versies 1.1",
                     "wijzig 1 kosten 10 euro", "ontwikkelpunten"):
            said = olaf(text)
            assert "Je hebt geen toegang tot de gegevens van gemeente Utrecht" in said, text
            assert MARKS[UTRECHT][0] not in said and f"{MARKS[UTRECHT][1]} concept" not in said
        assert store.people.role(utrecht, path.user("olaf").id) is None
        assert MARKS[UTRECHT][1] not in repr(service.handle(path.inbound(
            "quinn", "direct bericht", "ontwikkelpunt 1")))  # someone else: no
        if path.name == "slack":  # the button of the reminder in their own chat: the form
            click = _slack_click(world, "olaf", "D7", "leidraad_stand", "1|Utrecht")
            replies = service.handle(slack.stand_button(click["body"], click["action"], TEAM))
            assert any(isinstance(r, OpenForm) and r.nummer == 1 for r in replies), replies
            form = FormInput("bijwerken", 1, {"stand_van_zaken": "Via het formulier",
                                              "planning": "2027-03-01"})
            service.handle(FormSent(path.user("olaf"), path.place("direct bericht", "olaf"),
                                   UTRECHT, form=form))
            assert latest_stands(store, utrecht)[punt["id"]]["value"] == "Via het formulier"
    finally:
        store.db.rollback()


def test_one_message_looks_up_the_channel_and_the_role_once(tmp_path):
    """The place is resolved once per message, however many rules ask (the access rule, the
    gemeente of the place, the help's dry run); the role only when a rule asks for it."""
    store = Store(tmp_path / "leidraad.db", durable=False)
    service = Service(store)
    anna = User("slack:T1:U1", "Anna")
    here = slack.channel_place("T1", "C1")
    service.handle(Command(anna, here, text="koppel Utrecht"))
    service.handle(Command(anna, here, text="start"))
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    for text in ("voortgang", "ontwikkelpunten", "hulp", "lid toevoegen <@slack:T1:U2>"):
        statements.clear()
        service.handle(Command(anna, here, text=text,
                               mentions=(User("slack:T1:U2", "Bram"),) if "@" in text else ()))
        channel = [s for s in statements if "FROM channels c JOIN gemeenten" in s]
        role = [s for s in statements if "SELECT role FROM members" in s and anna.id in s]
        assert len(channel) == 1 and len(role) <= 1, (text, channel, role)  # only when asked
        assert len(role) == (text in ("hulp", "lid toevoegen <@slack:T1:U2>")), text  # beheerder?
    store.close()


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_dashboard_shows_each_role_what_the_chat_lets_them_read_and_nothing_else(world, role):
    """Every page × every role: the same rule as the chat (in one's own chat with the bot): a
    page of a gemeente the chat would refuse is never shown, and none of its marks leak."""
    from bot.adapters.dashboard import Person, page

    who = ROLES[role]
    user = world.path.user(who)
    viewer = Person(world.service, user.id, user.naam)
    may_read = allowed(who, "direct bericht", "samenvatting")[0]
    assert {g["naam"] for g in viewer.gemeenten()} == may_read & set(world.gemeenten)
    assert {r["naam"] for r in viewer.regios()} == {LEADS[who]} if who in LEADS else not viewer.regios()
    index = page(world.service, viewer, "/dashboard", {}).body.decode()
    for naam, gid in world.gemeenten.items():
        shown = [page(world.service, viewer, f"/dashboard/gemeente/{gid}{tail}", {})
                 for tail in ("", "/ontwikkelplan.xlsx")]
        expected = 200 if naam in may_read else 404
        assert [r.status for r in shown] == [expected] * 2, (naam, [r.status for r in shown])
        if naam not in may_read:
            assert not any(mark.encode() in r.body for r in shown for mark in MARKS[naam])
            assert f"/dashboard/gemeente/{gid}\"" not in index
    for regio, rid in world.regios.items():
        status = page(world.service, viewer, f"/dashboard/regio/{rid}", {}).status
        assert status == (200 if LEADS.get(who) == regio else 404), regio
