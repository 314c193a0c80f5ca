"""One message being handled: what came in, when, for which gemeente, how it can be refused, and
the dialogue going on where it was written.

Every handler gets a ``Context``. It finds the gemeente a message is about, looks up what the
access rules ask once per message, and checks rights the same way for all handlers (the rules
themselves are in ``bot.core.access``). A dialogue (the gesprek, an ontwikkelpunt's fields) going
on in a place is a ``Conversation`` of a ``Dialogue``, together ``Active``; how conversations are
kept and bound to the question shown is in ``bot.core.conversation``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Protocol, Self

from bot.core.access import (
    BEHEERDER,
    LID,
    Facts,
    Role,
    authorize,
    may_create_gemeente,
    refusal_text,
)
from bot.core.commands import DoesNotFit, Someone
from bot.core.dutch import local_day
from bot.core.messages import Inbound, Place, PlaceKind, User, console_user, timestamp_key
from bot.core.replies import Notice, QuestionPrompt, Reply, Tone
from bot.core.text import MAX_NAME_LENGTH, gemeente_key, gemeente_naam, typed
from dialogues.content import Questionnaire, checklist
from dialogues.flow import END, Flow
from dialogues.gemeenten import Official, gemeenten
from store import Store

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Problem(Exception):
    """Why a message cannot be handled, as replies for the user; nothing is changed."""

    def __init__(self, text: str, tone: Tone = Tone.ERROR):
        super().__init__(text)
        self.replies = [Notice(text, tone)]


def checked_name(name: str | None, what: str = "gemeente") -> tuple[str, str]:
    """The display name and key of a gemeente (or regio) name as typed; ``Problem`` if unusable."""
    naam, key = gemeente_naam(name or ""), gemeente_key(name or "")
    if not key:
        raise Problem(f"Voor welke {what}? Geef de naam van de {what} op.")
    if len(naam) > MAX_NAME_LENGTH:
        raise Problem(f"‘{naam[:40]}…’ is te lang voor de naam van een {what}.")
    return naam, key


@dataclass(frozen=True)
class Named:
    """The gemeente a typed name means: the one in Leidraadbot (``row``), and the official one of
    the CBS list (None for a gemeente made before Leidraadbot knew the list)."""

    row: dict | None
    official: Official | None

    def made(self, store: Store, by: str, at: str) -> dict:
        """The gemeente, added to Leidraadbot if it was not there yet."""
        return self.row or store.gemeenten.create(self.official.key, self.official.naam, by, at,
                                                  code=self.official.code)


def gemeente_named(store: Store, name: str | None, again: str = "") -> Named:
    """The gemeente ``name`` means, written in any way ("den bosch", "SUDWEST-FRYSLAN"); a
    ``Problem`` with "Bedoel je …?" for a near miss, or that it is no gemeente. ``again`` is the
    command to type with the right name (``koppel {}``)."""
    naam, key = checked_name(name)
    found = gemeenten().find(naam)
    if found.gemeente:
        return Named(store.gemeenten.get(found.gemeente.key), found.gemeente)
    row = store.gemeenten.get(key)  # made before the CBS list, and not renamed since
    if row is not None:
        return Named(row, None)
    options = " of ".join(f"‘{o.naam}’" for o in found.suggestions)
    retry = (f"Typ dan {typed(again.format(found.suggestions[0].naam))}." if again and
             found.suggestions else "Typ de naam zoals hij hier staat.")
    if found.several:
        raise Problem(f"Welke gemeente bedoel je: {options}? {retry}", Tone.WARNING)
    if found.suggestions:
        raise Problem(f"Er is geen gemeente ‘{naam}’. Bedoel je {options}? {retry}", Tone.WARNING)
    raise Problem(_not_a_gemeente(naam))


def names_a_gemeente(name: str) -> None:
    """The grammar of a gemeente argument (``koppel <gemeente>``): a gemeente's name or a near
    miss of one; ``DoesNotFit`` for anything else ("start van de implementatie")."""
    found = gemeenten().find(name)
    if not (found.gemeente or found.suggestions):
        raise DoesNotFit(_not_a_gemeente(gemeente_naam(name)[:60]))


def _not_a_gemeente(naam: str) -> str:
    return (f"‘{naam}’ is geen gemeente in Nederland (volgens de lijst van het CBS). Controleer de "
            f"spelling; Leidraadbot kent alle {len(gemeenten())} gemeenten bij hun officiële naam.")


@dataclass
class Context:
    """One message being handled. ``gemeente`` is set once the service has found it, and
    ``dialogue`` is the dialogue going on where the message was written, if any."""

    inbound: Inbound
    now: datetime
    store: Store
    gemeente: dict | None = None
    dialogue: Active | None = None
    said: list[Reply] = field(default_factory=list)  # notices to show before the replies
    interrupted: bool = False  # the dialogue the writer was in ended before the message came
    outcomes: dict[str, str] = field(default_factory=dict)  # what it did to a question, by id
    _roles: dict[int, str | None] = field(default_factory=dict, repr=False)  # by gemeente id
    _handed: dict[int, list[str]] = field(default_factory=dict, repr=False)  # by gemeente id

    @property
    def at(self) -> str:
        return self.now.isoformat()

    @property
    def user(self) -> User:
        return self.inbound.user

    @property
    def place(self) -> Place:
        return self.inbound.place

    @property
    def expects(self) -> str | None:
        """The question a clicked button belongs to (None for anything but a button)."""
        return getattr(self.inbound, "expects", None)

    @property
    def sent_at(self) -> str:
        """When the message was sent, by the platform's clock (ours when it gives none)."""
        return self.inbound.sent_at or timestamp_key(self.now)

    @property
    def today(self) -> date:
        return local_day(self.now)

    @cached_property
    def answers(self) -> dict[str, dict]:
        """All current answers of the gemeente (loaded once, for overviews); to the questions
        about the one answering, this user's own."""
        return self.store.answers.current(self.gemeente["id"], self.user.id, checklist().personal)

    def answer(self, question_id: str) -> dict | None:
        """The current answer to one question (the user's own, for a personal one); a single
        indexed lookup unless all are loaded."""
        if "answers" in self.__dict__:
            return self.answers.get(question_id)
        mine = self.user.id if question_id in checklist().personal else None
        return self.store.answers.current_one(self.gemeente["id"], question_id, mine)

    def mentioned(self, user_id: str) -> User:
        """A person named in the message (the platform said so), by their id; ``DoesNotFit`` for text
        that only looks like one."""
        person = next((m for m in self.inbound.mentions if m.id == user_id), None)
        if person is None:
            raise DoesNotFit("Noem de mensen met @, bijvoorbeeld @anna.")
        return person

    # --- the gemeente and the rights of the user ------------------------------------------------

    def find_gemeente(self, name: str | None = None) -> dict:
        """The gemeente this message is about: the channel's, the one named, or the one the user
        belongs to; ``Problem`` when there is none to be had."""
        place, user = self.place, self.user
        if place.channel and place.kind is not PlaceKind.CONSOLE:
            bound = self.bound
            if bound is None:
                raise Problem("Dit kanaal is nog niet gekoppeld aan een gemeente. Koppel het met "
                              f"{typed('koppel <naam van de gemeente>', in_channel=True)}.",
                              Tone.WARNING)
            return bound
        name = name or self.inbound.gemeente
        if name:
            named = gemeente_named(self.store, name)
            if named.row:
                return named.row
            if not may_create_gemeente(place):
                raise Problem(f"Gemeente {named.official.naam} staat nog niet in Leidraadbot. "
                              "Koppel eerst een kanaal aan de gemeente.")
            self.said.append(Notice(f"Gemeente {named.official.naam} is nieuw in Leidraadbot en "
                                    "is aangemaakt."))
            return named.made(self.store, user.id, self.at)
        memberships = self.store.people.memberships(user.id)
        reachable = memberships + self.store.team.handed_elsewhere(user.id)  # questions handed there
        last = self.store.gesprekken.last_gemeente_in(place.id)  # the gemeente whose gesprek was here last
        if last is not None:
            chosen = next((g for g in reachable if g["id"] == last), None)
            if chosen:
                return chosen
            gone = self.store.gemeenten.by_id(last)["naam"]  # never silently another gemeente's
            others = ", ".join(g["naam"] for g in reachable)
            raise Problem(f"Je hoort niet meer bij gemeente {gone}; er is niets opgeslagen. "
                          + (f"Ga verder voor {others} met {typed('start <gemeente>')}."
                             if others else "Vraag een beheerder van de gemeente om je weer toe te "
                                            "voegen."), Tone.WARNING)
        if len(reachable) == 1:
            return reachable[0]
        owned = self.store.gemeenten.owned_by(user.id) if not reachable else []
        if len(owned) == 1:  # an owner of ontwikkelpunten of one gemeente, answering a reminder
            return owned[0]
        if reachable:
            names = ", ".join(g["naam"] for g in reachable)
            raise Problem(f"Je hoort bij meer dan één gemeente ({names}). Kies er een met "
                          f"{typed('start <gemeente>')}.", Tone.WARNING)
        led = self.regios_led
        if led:
            raise Problem(f"Je bent projectleider van regio {', '.join(r['naam'] for r in led)}. Vraag "
                          f"het regiobeeld met {typed('samenvatting regio')}, of de samenvatting van "
                          f"een gemeente van de regio met {typed('samenvatting <gemeente>')}.",
                          Tone.WARNING)
        raise Problem("Je hoort nog bij geen enkele gemeente. Vraag een beheerder van je gemeente om "
                      "je toe te voegen, of koppel een kanaal met "
                      f"{typed('koppel <gemeente>', in_channel=True)}.",
                      Tone.WARNING)

    # Each looked up once per message, however many rules ask.

    @cached_property
    def bound(self) -> dict | None:
        """The gemeente the channel of this place is bound to (None in the console, in a direct
        message, and in a channel bound to none)."""
        channel = self.place.channel
        return (self.store.gemeenten.of_channel(channel)
                if channel and self.place.kind is not PlaceKind.CONSOLE else None)

    @cached_property
    def regios_led(self) -> list[dict]:
        """The regio's this user is projectleider of."""
        return self.store.people.regios_led(self.user.id)

    def member_role(self, gemeente: dict) -> str | None:
        """The user's role in ``gemeente`` ("beheerder", "lid" or None)."""
        if gemeente["id"] not in self._roles:
            self._roles[gemeente["id"]] = self.store.people.role(gemeente["id"], self.user.id)
        return self._roles[gemeente["id"]]

    def access_changed(self) -> None:
        """A channel was bound, or a membership changed: look again when next asked."""
        self.__dict__.pop("bound", None)
        self._roles.clear()

    def facts(self, gemeente: dict | None, nummer: int | None = None) -> Facts:
        """What the rules of ``bot.core.access`` ask about this user here, for ``gemeente``
        (and the ontwikkelpunt ``nummer`` an owner's command names)."""
        if gemeente is None:
            return Facts(False, leads_regio=lambda: bool(self.regios_led))
        return Facts(
            in_bound_channel=self.bound is not None and self.bound["id"] == gemeente["id"],
            role=lambda: self.member_role(gemeente),
            beheerders=lambda: [b["naam"] for b in self.store.people.beheerders(gemeente["id"])],
            leads_regio=lambda: gemeente["regio_id"] in {r["id"] for r in self.regios_led},
            owns=lambda: nummer is not None and self._owns(gemeente, nummer),
            assigned=lambda: bool(self.handed(gemeente)))

    def handed(self, gemeente: dict) -> list[str]:
        """The questions of ``gemeente`` handed to this user (``toewijzen``)."""
        if gemeente["id"] not in self._handed:
            self._handed[gemeente["id"]] = self.store.team.assigned_to(gemeente["id"], self.user.id)
        return self._handed[gemeente["id"]]

    def _owns(self, gemeente: dict, nummer: int) -> bool:
        """Whether this user owns ontwikkelpunt ``nummer``, or stands in for its owner now."""
        owner = (self.store.punten.get(gemeente["id"], nummer) or {}).get("wie_id")
        return bool(owner) and (owner == self.user.id or owner in self.store.team.stands_in_for(
            self.user.id, self.today.isoformat()))

    def only_handed(self, gemeente: dict) -> bool:
        """Whether this user may only answer the questions handed to them here: in their own chat
        with the bot, without membership."""
        return (self.place.kind is PlaceKind.DIRECT and self.member_role(gemeente) is None
                and bool(self.handed(gemeente)))

    def person_named(self, mention: str) -> User:
        """A person a ``People`` argument names: their mention, or in the console a name."""
        typed_name = mention.lstrip("@")
        if self.place.kind is PlaceKind.CONSOLE and not any(m.id == mention for m in self.inbound.mentions):
            return self.person(Someone(None, typed_name))
        return self.mentioned(mention)

    def person(self, named: Someone) -> User:
        """The person a command names: by their mention, or in the console by name (recorded)."""
        if named.id is not None:
            return self.mentioned(named.id)
        if self.place.kind is not PlaceKind.CONSOLE:
            raise DoesNotFit("Noem je collega met @, bijvoorbeeld @anna.")
        person = console_user(named.name)
        self.store.people.ensure(person.id, person.naam, self.at)
        return person

    def facts_in_own_chat(self, memberships: list[dict], handed: bool = False) -> Facts:
        """The facts for the user's own chat with the bot over all their gemeenten (their
        overview): their highest role anywhere, whether they lead a regio, and whether questions
        were handed to them where they are no member."""
        roles = {g["role"] for g in memberships}
        best = BEHEERDER if BEHEERDER in roles else LID if roles else None
        return Facts(False, lambda: best, leads_regio=lambda: bool(self.regios_led),
                     assigned=lambda: handed)

    def may(self, role: Role, gemeente: dict | None = None) -> bool:
        """Whether the user may use a command that needs ``role`` here (for ``gemeente``): the
        rule's dry run, for the help."""
        return authorize(self.place, self.facts(gemeente), role) is None

    def refusal(self, gemeente: dict, role: Role = Role.LID, nummer: int | None = None) -> str | None:
        """Why the user may not act as ``role`` for ``gemeente`` here (on ontwikkelpunt
        ``nummer``, for an owner's command), or None when they may."""
        facts = self.facts(gemeente, nummer)
        refused = authorize(self.place, facts, role)
        return refusal_text(refused, gemeente["naam"], facts) if refused else None

    def regio_led(self) -> dict:
        """The regio this user reads and manages as projectleider: in the console, the gemeente's;
        elsewhere the one they lead (``Problem`` when they lead none, or several)."""
        if self.place.kind is PlaceKind.CONSOLE:
            gemeente = self.gemeente or self.find_gemeente()
            regio = self.store.gemeenten.regio_by_id(gemeente["regio_id"]) if gemeente["regio_id"] else None
            if regio is None:
                raise Problem(f"Gemeente {gemeente['naam']} hoort nog niet bij een regio; zet die met "
                              f"{typed('regio instellen <naam van de regio>')}.", Tone.WARNING)
            return regio
        led = self.regios_led
        if len(led) == 1:
            return led[0]
        if led:
            raise Problem("Je bent projectleider van meer dan één regio ("
                          + ", ".join(r["naam"] for r in led) + "); vraag het regiobeeld in de "
                          "terminal: leidraadbot samenvatting --regio <naam>.", Tone.WARNING)
        raise Problem("Dit is voor de projectleiders van een regio. De eerste projectleider van een "
                      "regio maakt de beheerder van de bot (leidraadbot projectleider toevoegen "
                      f"--regio <regio> {self.user.id}); daarna voegt een projectleider anderen toe.",
                      Tone.WARNING)

    def require(self, gemeente: dict, role: Role = Role.LID, nummer: int | None = None) -> None:
        """``Problem`` unless the user may act as ``role`` for ``gemeente`` here."""
        refused = self.refusal(gemeente, role, nummer)
        if refused:
            raise Problem(refused)


# --- the dialogue going on where a message was written ----------------------------------------

ACTIVE = "actief"
PAUSED = "gepauzeerd"


@dataclass
class Held:
    """A text the bot asked about before storing it (``bot.service.held``): who wrote it, the
    question it would answer, the command it looks like (``guess``), and the state the
    conversation was in when it came (``at_state``: it waits as long as the conversation stays
    there); ``reminded`` once the bot said it still waits."""

    by: str
    text: str
    question: str
    guess: str | None
    at_state: str
    reminded: bool = False

    def as_json(self) -> dict:
        return {"by": self.by, "text": self.text, "question": self.question, "guess": self.guess,
                "while": self.at_state, "reminded": self.reminded}

    @classmethod
    def from_json(cls, data: dict) -> Held:
        return cls(data["by"], data["text"], data["question"], data.get("guess"),
                   data.get("while", data["question"]), bool(data.get("reminded")))


@dataclass
class State:
    """What a dialogue keeps of its own in a conversation, beside the question it is at (each
    dialogue its own kind, kept as JSON): here, the begrippen explained in it already."""

    explained: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict | None) -> Self:
        """The state as kept; what this kind does not know (any more) is left out."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in (data or {}).items() if key in known})


@dataclass
class Conversation:
    """A dialogue in one place: where it is, what the user skipped there, what the dialogue
    keeps of its own (``pending``), and a text the bot asked about before storing it."""

    place: str
    state: str
    status: str = ACTIVE
    skipped: set[str] = field(default_factory=set)
    return_to: str | None = None
    pending: State = field(default_factory=State)
    held: Held | None = None

    @property
    def done(self) -> bool:
        return self.state == END


class Dialogue(Protocol):
    """What the service asks of a dialogue; the gesprek's words (overslaan, terug, ...) act on
    whichever dialogue is going on in a place."""

    questionnaire: Questionnaire
    flow: Flow

    def answer(self, ctx: Context, conv: Conversation, text: str, question: str) -> list[Reply]:
        """Take ``text`` as the answer to ``question`` (normally the current one)."""

    def skip(self, ctx: Context, conv: Conversation) -> list[Reply]: ...

    def back(self, ctx: Context, conv: Conversation) -> list[Reply]: ...

    def keep(self, ctx: Context, conv: Conversation) -> list[Reply]: ...

    def replace(self, ctx: Context, conv: Conversation) -> list[Reply]: ...

    def pause(self, ctx: Context, conv: Conversation) -> list[Reply]: ...

    def current(self, ctx: Context, conv: Conversation) -> list[Reply]:
        """Where the dialogue is: its question again."""

    def prompt(self, ctx: Context, conv: Conversation) -> QuestionPrompt | None:
        """The current question, for help; None at the end."""

    def label(self, question: str) -> str:
        """A question in a sentence: ``vraag 1.6``, ``het veld ‘Planning’``."""


@dataclass
class Active:
    """The dialogue going on in a place, with its conversation."""

    dialogue: Dialogue
    conv: Conversation

    def save(self, ctx: Context) -> None:
        save(ctx, self.dialogue.questionnaire.id, self.conv)


def save(ctx: Context, questionnaire: str, conv: Conversation) -> None:
    ctx.store.gesprekken.save(
        {
            "gemeente_id": ctx.gemeente["id"],
            "place": conv.place,
            "questionnaire": questionnaire,
            "state": conv.state,
            "status": conv.status,
            "skipped": conv.skipped,
            "return_to": conv.return_to,
            "pending": conv.pending.as_json(),
            "held": conv.held.as_json() if conv.held else None,
            "user_id": ctx.user.id,
        },
        ctx.at,
    )
