"""The command table: every command the bot knows, declared once.

A capability declares each command with ``@command`` on the method that carries it out (errbot's
``@botcmd``): the words that start it, the grammar of its arguments, who may use it and where, a
one-line Dutch usage and a help text. The service collects them into one ``Table`` and parses
every message once against it; ``hulp`` and the App Home's list are generated from it.

One rule tells a command from an answer (``Table.parse``), the same on every platform:

- a message is a command when it fits a command's whole grammar, its words and its arguments as
  declared (``status <nummer> <status>``, ``stop``): ``Parsed``;
- a *short* message that is a near miss of a command is asked about (``Unfit``): a typo in the
  command's words whose correction fits (``ontwikelpunten``, ``stauts 3 afgerond``), or the
  command's words alone or with arguments that do not fit (``regio``, ``status afgerond``);
- everything else is None: where a question waits, the answer. A sentence is not a command
  because its first word is one ("Status quo is dat …", "Regio Utrecht heeft een projectleider").

Text in an explicit form (``/leidraad …``, the bot named first in a new post, a leading ``/`` in
the console), or typed where no question waits, is parsed with ``explicit=True``: then text that
starts as a command does and fits none is ``Unfit``, however long.
"""

from __future__ import annotations

import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core.access import Role
from bot.core.messages import PlaceKind
from bot.core.text import MENTION, whole_number

ANYWHERE = frozenset(PlaceKind)
IN_CHANNEL = frozenset({PlaceKind.CHANNEL, PlaceKind.THREAD})
WITH_MEMBERS = frozenset({PlaceKind.CHANNEL, PlaceKind.THREAD, PlaceKind.DIRECT})
PRIVATE = frozenset({PlaceKind.CONSOLE, PlaceKind.DIRECT})  # what only its reader sees
OWN_CHAT = frozenset({PlaceKind.DIRECT})
PLACE_WORDS = {PlaceKind.CONSOLE: "de terminal", PlaceKind.CHANNEL: "een kanaal",
               PlaceKind.THREAD: "een thread (de reacties onder een bericht)",
               PlaceKind.DIRECT: "een eigen chat met de bot"}

MAX_NUMBER = 999_999
EVERYTHING = "alles"  # ‘hulp alles’: every command someone may use where they are
UNBOUNDED = 10_000  # the words an argument without a limit may take
NEAR_EXTRA = 1  # a near miss leaves at most this many words unexplained ("status afgerond": one),
NEAR_EXTRA_BEGUN = 2  # or this many once an argument fitted ("wijzig 2 budget 5000")
SEARCHED = 4  # the words of a text where a typo of a command's word is looked for
_EDGE = re.compile(r"^[/!.,;:?]+|[!.,;:?]+$")
_GLUED_PART = re.compile(r"^(deel)(\d+|i+|een|twee)$")  # "deel2", "deelII"
_AT_NAME = re.compile(r"@[^\W\d_][\w.-]*")  # "@bram" as typed, where the platform made no mention


class DoesNotFit(Exception):
    """What was typed does not fit the command; ``reason`` says why, when known. Raised by an
    argument or by a handler: the bot answers with the command's usage and stores nothing.
    ``at`` is the token where the text stopped fitting (``Command.fit`` sets it)."""

    def __init__(self, reason: str = "", at: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.at = at


class Claimed(DoesNotFit):
    """Text that fitted a command's first arguments and then not (``wijzig 2 budget 5000``): it
    is that command or an answer, never a looser command that happens to take it."""


@dataclass(frozen=True)
class Token:
    word: str  # lower case, without surrounding punctuation
    start: int  # where it stands in the text as typed
    end: int


def tokenize(text: str) -> list[Token]:
    tokens = []
    for match in re.finditer(r"\S+", text):
        word = _EDGE.sub("", match.group().casefold()) or match.group().casefold()
        glued = _GLUED_PART.fullmatch(word)
        if glued:
            tokens += [Token("deel", match.start(), match.start() + 4),
                       Token(glued.group(2), match.start() + 4, match.end())]
        else:
            tokens.append(Token(word, match.start(), match.end()))
    return tokens


# --- arguments ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Arg(ABC):
    """One argument of a command."""

    name: str
    optional: bool = field(default=False, kw_only=True)

    @abstractmethod
    def take(self, text: str, tokens: list[Token], i: int) -> tuple[Any, int]:
        """The value in ``tokens[i:]`` of ``text`` and where the next argument starts;
        ``DoesNotFit`` when the tokens do not fit."""

    @property
    def widest(self) -> int:
        """The most words it takes."""
        return 1

    @property
    def vocabulary(self) -> frozenset[str]:
        """The words it knows (a typo of one is put right)."""
        return frozenset()

    def bound(self, table: Table) -> Arg:
        """This argument in ``table`` (one that names commands learns their words there)."""
        return self


@dataclass(frozen=True)
class Number(Arg):
    """A whole number such as ``3`` or ``#3``."""

    def take(self, text, tokens, i):
        number = whole_number(tokens[i].word.removeprefix("#"), 6) if i < len(tokens) else None
        if number is None:
            raise DoesNotFit()
        return number, i + 1


@dataclass(frozen=True)
class Choice(Arg):
    """One of a few words or phrases (``in uitvoering``), as the value it stands for."""

    choices: Mapping[str, str] = field(default_factory=dict)
    invalid: str = ""  # the reason when the word is not one of them ({word} is filled in)

    def take(self, text, tokens, i):
        for phrase in sorted(self.choices, key=lambda p: -len(p.split())):
            words = phrase.split()
            if [t.word for t in tokens[i:i + len(words)]] == words:
                return self.choices[phrase], i + len(words)
        typed = text[tokens[i].start:tokens[i].end] if i < len(tokens) else ""
        raise DoesNotFit(self.invalid.format(word=typed) if typed and self.invalid else "")

    @property
    def widest(self) -> int:
        return max(len(p.split()) for p in self.choices)

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(word for phrase in self.choices for word in phrase.split())


@dataclass(frozen=True)
class Text(Arg):
    """The rest of the message as it was typed (case, line breaks); at most ``max_words``.
    ``check`` says what the text must be (a gemeente, a date): it raises ``DoesNotFit`` when the text
    is not that, so a sentence that merely starts with the command's words is no command."""

    max_words: int | None = None
    check: Callable[[str], None] | None = None

    def take(self, text, tokens, i):
        if i >= len(tokens) or (self.max_words and len(tokens) - i > self.max_words):
            raise DoesNotFit()
        value = text[tokens[i].start:].strip()
        if self.check:  # a name, a date, a question: without the sentence's end ("1.6?")
            value = value.rstrip(" .,;:!?") or value
            self.check(value)
        return value, len(tokens)

    @property
    def widest(self) -> int:
        return self.max_words or UNBOUNDED


@dataclass(frozen=True)
class Topic(Arg):
    """What someone asks help about: a command of the table by its words (``hulp bijwerken``)."""

    words: frozenset[str] = frozenset()

    def take(self, text, tokens, i):
        if i >= len(tokens) or tokens[i].word not in self.words or len(tokens) - i > 3:
            raise DoesNotFit()
        return text[tokens[i].start:].strip(), len(tokens)

    @property
    def widest(self) -> int:
        return 3

    def bound(self, table: Table) -> Arg:
        return replace(self, words=table.first_words | {EVERYTHING})


@dataclass(frozen=True)
class People(Arg):
    """One or more people named with a mention (``@anna``), and nothing else. A name typed with
    an @ that the platform did not make a mention fits too: the handler says how to name them."""

    def take(self, text, tokens, i):
        found = []
        for token in tokens[i:]:
            typed = text[token.start:token.end].rstrip(",;.!?")
            mention = MENTION.fullmatch(typed)
            if mention or _AT_NAME.fullmatch(typed):
                found.append(mention.group(1) if mention else typed)
            elif token.word not in ("en", ",", "&"):
                raise DoesNotFit("Noem de mensen met @, bijvoorbeeld @anna.")
        if not found:
            raise DoesNotFit("Noem de mensen met @, bijvoorbeeld @anna.")
        return tuple(dict.fromkeys(found)), len(tokens)

    @property
    def widest(self) -> int:
        return UNBOUNDED


@dataclass(frozen=True)
class Someone:
    """A person as a command names them: with a mention (``id``), or by a name typed out (the
    console has no mentions; elsewhere the handler asks for an @)."""

    id: str | None
    name: str = ""


def someone(typed: str) -> Someone:
    """The person in ``typed``: ``<@id>``, or a name of at most five words without digits."""
    typed = typed.strip().rstrip(",;.!?")
    mention = MENTION.fullmatch(typed)
    if mention:
        return Someone(mention.group(1))
    if not typed or len(typed.split()) > 5 or any(c.isdigit() or c in "<>" for c in typed):
        raise DoesNotFit("Noem je collega met @, bijvoorbeeld @anna.")
    return Someone(None, typed.lstrip("@"))


@dataclass(frozen=True)
class Person(Arg):
    """One person: ``@iemand``, or in the console a name."""

    def take(self, text, tokens, i):
        if i >= len(tokens):
            raise DoesNotFit("Noem je collega met @, bijvoorbeeld @anna.")
        return someone(text[tokens[i].start:]), len(tokens)

    @property
    def widest(self) -> int:
        return 5


def part_number(word: str) -> int | None:
    """1 or 2 for "1", "i", "een", "2", "ii", "twee"; None for anything else."""
    return {"1": 1, "i": 1, "een": 1, "2": 2, "ii": 2, "twee": 2}.get(word.strip().casefold())


@dataclass(frozen=True)
class Deel(Arg):
    """Deel I or II: ``2``, ``ii``, ``deel 2``, ``deel2``."""

    def take(self, text, tokens, i):
        at = i + 1 if i < len(tokens) and tokens[i].word == "deel" else i
        if at >= len(tokens):
            raise DoesNotFit()
        number = part_number(tokens[at].word)
        if number is None:
            raise DoesNotFit("Er zijn twee delen: typ ‘deel 1’ of ‘deel 2’.", at)  # "deel 3": as far as 3
        return number, at + 1

    @property
    def widest(self) -> int:
        return 2


# --- commands -----------------------------------------------------------------------------------

Handler = Callable[..., list]


@dataclass(frozen=True, eq=False)
class Command:
    """One command of the table. ``form`` says, from the arguments, whether on a platform with
    forms the command opens one (it then stores nothing until the form is sent)."""

    words: tuple[tuple[str, ...], ...]
    args: tuple[Arg, ...]
    usage: str
    help: str
    role: Role = Role.LID
    where: frozenset[PlaceKind] = ANYWHERE
    form: Callable[[dict], bool] | None = None
    group: str = ""
    handler: Handler | None = None

    @property
    def name(self) -> str:
        return " ".join(self.words[0])

    @property
    def specificity(self) -> int:
        """How much a text must say to be this command: its words and required arguments."""
        return max(len(p) for p in self.words) + sum(not a.optional for a in self.args)

    @functools.cached_property
    def longest(self) -> int:
        """The most words a text of this command has."""
        return max(len(p) for p in self.words) + sum(a.widest for a in self.args)

    def fit(self, text: str, tokens: list[Token], start: int) -> dict[str, Any]:
        """The arguments in ``tokens[start:]``; ``DoesNotFit`` (with where it stopped fitting) when
        they do not fit."""
        values: dict[str, Any] = {}
        i, passed_over, reached = start, "", start
        for arg in self.args:
            if i >= len(tokens) and arg.optional:
                continue
            try:
                values[arg.name], i = arg.take(text, tokens, i)
            except DoesNotFit as usage:
                at = max(i, usage.at)  # where it stopped fitting: an argument may say it got further
                if not arg.optional and (values or at > i) and usage.reason:
                    raise Claimed(usage.reason, at) from None
                if not arg.optional:
                    raise DoesNotFit(usage.reason, at) from None
                passed_over, reached = passed_over or usage.reason, max(reached, at)
        if i < len(tokens):
            if reached > i:  # an optional argument began ("start deel 3"): it is that command
                raise Claimed(passed_over, reached)
            raise DoesNotFit(passed_over, i)
        return values

    def opens_form(self, args: dict) -> bool:
        return self.form is not None and self.form(args)


def command(*words: str, usage: str, help: str, args: Iterable[Arg] = (), role: Role = Role.LID,
            where: frozenset[PlaceKind] = ANYWHERE, form: Callable[[dict], bool] | None = None):
    """Declare the decorated method as the handler of a command started by any of ``words``."""
    declared = Command(tuple(tuple(w.split()) for w in words), tuple(args), usage, help, role, where,
                       form)

    def mark(method: Handler) -> Handler:
        method.command = declared  # type: ignore[attr-defined]
        return method

    return mark


def declared(*capabilities: object) -> list[Command]:
    """The commands of ``capabilities`` (objects with ``@command`` methods and a ``group``), each
    bound to its handler, in the order they are given and declared."""
    found = []
    for capability in capabilities:
        for name in type(capability).__dict__:
            spec = getattr(getattr(type(capability), name), "command", None)
            if isinstance(spec, Command):
                found.append(replace(spec, handler=getattr(capability, name),
                                     group=capability.group))
    return found


@dataclass(frozen=True)
class Parsed:
    command: Command
    args: dict[str, Any]


@dataclass(frozen=True)
class Unfit:
    """Text close to ``commands`` that is none of them; ``guess`` is the text with a typo in a
    command's words put right, when that fits one. ``claimed``: the command's own words and
    arguments fitted and its handler refused them; it is no answer to hold."""

    commands: tuple[Command, ...]
    reason: str = ""
    guess: str = ""
    claimed: bool = False


@dataclass(frozen=True)
class _Miss:
    """A command a text started as and then did not fit: why, and how many of the text's words
    its grammar leaves unexplained. ``partly``: only the first of the command's words were typed;
    ``begun``: an argument fitted before one did not."""

    command: Command
    reason: str
    unexplained: int
    partly: bool = False
    begun: bool = False

    def near(self, length: int) -> bool:
        """Whether a text of ``length`` words with this miss is short and close enough to ask
        ("Terug naar af." and "Algemeen beeld: goed." are answers)."""
        if self.partly:
            return self.unexplained == 0  # "regio", "lid": only the command's words
        extra = NEAR_EXTRA_BEGUN if self.begun else NEAR_EXTRA
        return self.unexplained == 0 or (self.unexplained <= extra and length <= self.command.longest + 1)


class Table:
    """Every command, in the order they are listed in help; where two fit the same text, the more
    specific wins, then the one listed first."""

    def __init__(self, commands: Iterable[Command]):
        commands = tuple(commands)
        self.first_words = frozenset(phrase[0] for c in commands for phrase in c.words)
        self.commands = tuple(replace(c, args=tuple(a.bound(self) for a in c.args)) for c in commands)
        # The most specific are tried first: "stuurgroep verwijder <datum>" before "stuurgroep
        # <moment>", "wijzig <nummer> <veld>" (the plan) before "wijzig [vraag]" (the gesprek).
        self._tried: dict[str, list[Command]] = {}  # by first word, the most specific first
        for c in sorted(self.commands, key=lambda c: -c.specificity):
            for first in dict.fromkeys(p[0] for p in c.words):
                self._tried.setdefault(first, []).append(c)
        self._vocabulary = frozenset(
            [w for c in self.commands for phrase in c.words for w in phrase]
            + [w for c in self.commands for a in c.args for w in a.vocabulary])
        self._near = functools.lru_cache(maxsize=4096)(self._close_to)
        self._form_words = frozenset(p[0] for c in self.commands if c.form for p in c.words)
        self.parsed = functools.lru_cache(maxsize=256)(self._parse)  # each text parsed once

    def parse(self, text: str, explicit: bool = False) -> Parsed | Unfit | None:
        """What ``text`` is: a command, a near miss of one to ask about, or None (an answer).
        ``explicit``: the text was addressed to the bot as a command."""
        return self.parsed(text, bool(explicit))

    def may_open_form(self, text: str) -> bool:
        """Whether ``text`` starts with the word of a command that can open a form: only those
        are parsed where a platform is acknowledged (the rest, once, where they are handled)."""
        head = text.split(None, 1)
        return bool(head) and tokenize(head[0])[0].word in self._form_words

    def _parse(self, text: str, explicit: bool) -> Parsed | Unfit | None:
        head = text.split(None, 1)
        if not head:
            return None
        first = tokenize(head[0])[0].word
        if first not in self.first_words and self.first_words.isdisjoint(self._near(first)):
            return None  # most answers stop here
        tokens = tokenize(text)
        found = self._fit(text, tokens)
        if isinstance(found, Parsed):
            return found
        for guess in self._corrected(text, tokens):  # a typo, and then it fits: "Bedoel je …?"
            fitted = self._fit(guess, tokenize(guess))
            if isinstance(fitted, Parsed):
                return Unfit((fitted.command,), guess=_as_declared(guess, fitted.command))
        near = [m for m in found if explicit or m.near(len(tokens))]
        if not near:
            return None
        near.sort(key=lambda m: m.partly)  # the commands whose words were all typed first
        return Unfit(tuple(dict.fromkeys(m.command for m in near)),
                     next((m.reason for m in near if m.reason), ""))

    def _fit(self, text: str, tokens: list[Token]) -> Parsed | list[_Miss]:
        """The command ``tokens`` fit, or every command they start as and then do not fit."""
        misses: list[_Miss] = []
        words = [t.word for t in tokens]
        for cmd in self._tried.get(words[0], ()):
            typed = [p for p in cmd.words if words[:len(p)] == list(p)]
            for phrase in sorted(typed, key=len, reverse=True):
                try:
                    return Parsed(cmd, cmd.fit(text, tokens, len(phrase)))
                except Claimed as claimed:  # that command typed wrong, or an answer
                    return [_Miss(cmd, claimed.reason, len(tokens) - claimed.at, begun=True)]
                except DoesNotFit as usage:
                    misses.append(_Miss(cmd, usage.reason, len(tokens) - usage.at))
                    break
            if not typed:
                begun = max(_common_start(words, p) for p in cmd.words)
                if begun:
                    misses.append(_Miss(cmd, "", len(tokens) - begun, partly=True))
        return misses

    def _corrected(self, text: str, tokens: list[Token]) -> Iterator[str]:
        """``text`` with one of its first words put right that is a typo of a word the commands
        know ("ontwikelpunten", "stauts 3 afgerond", "status 3 afgrond"); a word they know as
        typed is no typo of another ("herinnering" is not "herinneringen")."""
        for token in tokens[:SEARCHED]:
            if token.word not in self._vocabulary:
                for word in self._near(token.word):
                    yield text[:token.start] + word + text[token.end:]

    def _close_to(self, word: str) -> tuple[str, ...]:
        """The words of the commands ``word`` may be a typo of."""
        return tuple(sorted(w for w in self._vocabulary if _typo(word, w)))

    def named(self, word: str) -> tuple[Command, ...]:
        """The commands ``word`` starts (for ``hulp bijwerken``)."""
        word = word.casefold()
        return tuple(c for c in self.commands if any(p[0] == word for p in c.words))

    def allowed(self, kind: PlaceKind, may: Callable[[Role], bool]) -> tuple[Command, ...]:
        """The commands someone may use in this kind of place, in table order."""
        return tuple(c for c in self.commands if kind in c.where and may(c.role))


def _as_declared(text: str, command: Command) -> str:
    """``text`` with the command's words as the table writes them ("ontwikkelpunt nieuw")."""
    tokens = tokenize(text)
    words = [t.word for t in tokens]
    phrase = max((p for p in command.words if words[:len(p)] == list(p)), key=len)
    return (" ".join(phrase) + text[tokens[len(phrase) - 1].end:]).strip()


def _common_start(words: list[str], phrase: tuple[str, ...]) -> int:
    """How many of ``phrase``'s words ``words`` begins with."""
    n = 0
    while n < min(len(words), len(phrase)) and words[n] == phrase[n]:
        n += 1
    return n


@functools.lru_cache(maxsize=16_384)
def _typo(typed: str, word: str) -> bool:
    """Whether ``typed`` is ``word`` with a typo: a letter dropped, added, changed, or two letters
    swapped (two of those in a long word). Words under four letters are never guessed: "lid" and
    "sla" are a letter away from too much else."""
    if typed == word or len(word) < 4 or not typed.replace("-", "").isalpha():
        return False
    allowed = 1 if len(word) <= 6 else 2
    return abs(len(typed) - len(word)) <= allowed and _distance(typed, word, allowed) <= allowed


def _distance(a: str, b: str, most: int) -> int:
    """The optimal string alignment distance of ``a`` and ``b`` (edits, and swaps of neighbours);
    anything over ``most`` as ``most + 1``."""
    before, row = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if before and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > most:
            return most + 1
        before, row = row, current
    return row[-1]


def grouped(commands: Iterable[Command]) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(usage, help) of each command, by the group of its capability, for help texts."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for found in commands:
        groups.setdefault(found.group, []).append((found.usage, found.help))
    return tuple((title, tuple(lines)) for title, lines in groups.items())


def where_words(kinds: frozenset[PlaceKind]) -> str:
    """``een kanaal of een thread``."""
    names = [PLACE_WORDS[k] for k in PlaceKind if k in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " of " + names[-1]
