"""The bot commands (``/leidraad koppel Utrecht``, ``@Leidraadbot start deel2``): words and parsing.

These act on the gemeente and its channel; the commands inside a gesprek (``overslaan``,
``terug``, ...) are in ``dialogues.commands``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from dialogues.commands import part_number


class BotCmd(StrEnum):
    HELP = "help"
    BIND = "koppel"
    ADD = "lid toevoegen"
    REMOVE = "lid verwijderen"
    START = "start"
    PROGRESS = "voortgang"
    STOP = "stop"
    LEAD = "projectleider toevoegen"


WORDS: dict[BotCmd, tuple[str, ...]] = {
    BotCmd.HELP: ("help", "hulp", "?"),
    BotCmd.BIND: ("koppel", "koppelen"),
    BotCmd.ADD: ("lid toevoegen", "leden toevoegen", "toevoegen"),
    BotCmd.REMOVE: ("lid verwijderen", "leden verwijderen", "verwijderen"),
    BotCmd.START: ("start", "begin", "verder", "hervat"),
    BotCmd.PROGRESS: ("voortgang", "overzicht"),
    BotCmd.STOP: ("stop", "pauze", "pauzeer"),
    BotCmd.LEAD: ("projectleider toevoegen", "projectleider"),
}

USAGE = (
    ("/leidraad start [deel1|deel2]", "het gesprek (de Checklist sturing) beginnen of hervatten"),
    ("/leidraad voortgang", "per onderdeel zien wat de gemeente al heeft beantwoord"),
    ("/leidraad stop", "het gesprek pauzeren; met start ga je later verder"),
    ("/leidraad ontwikkelpunt nieuw", "een ontwikkelpunt toevoegen aan het ontwikkelplan (formulier)"),
    ("/leidraad ontwikkelpunten", "de open ontwikkelpunten per basisfunctie, met knoppen om bij te werken"),
    ("/leidraad ontwikkelpunt 3", "ontwikkelpunt #3 met zijn geschiedenis"),
    ("/leidraad bijwerken 3 [tekst]", "een stand van zaken toevoegen (zonder tekst: formulier)"),
    ("/leidraad status 3 afgerond", "de status: open, in uitvoering, afgerond of vervallen"),
    ("/leidraad wijzig 3 planning 1-3-2027", "één veld van een ontwikkelpunt wijzigen"),
    ("/leidraad samenvatting", "waar de gemeente staat, voor de stuurgroep"),
    ("/leidraad export docx|xlsx|md", "het ontwikkelplan als Word, Excel of Markdown in het kanaal"),
    ("/leidraad samenvatting regio", "het regiobeeld (voor projectleiders van de regio)"),
    ("/leidraad koppel <gemeente>", "dit kanaal aan een gemeente koppelen (je wordt beheerder)"),
    ("/leidraad lid toevoegen @iemand", "iemand toegang geven tot de gemeente (beheerder)"),
    ("/leidraad lid verwijderen @iemand", "iemand de toegang weer ontnemen (beheerder)"),
    ("/leidraad regio instellen <naam>", "de regio van de gemeente zetten (beheerder)"),
    ("/leidraad projectleider toevoegen @iemand", "een projectleider van de regio toevoegen (beheerder)"),
    ("/leidraad verouderd na 8 weken", "wanneer een ontwikkelpunt verouderd heet (beheerder)"),
    ("/leidraad herinnering wekelijks maandag 9:00", "de statusherinnering (of maandelijks 1 9:00, "
     "of uit; beheerder)"),
    ("/leidraad stuurgroep 15-12-2026 14:00", "een stuurgroep toevoegen (beheerder); "
     "‘stuurgroep’ toont ze, ‘stuurgroep verwijder <datum>’ haalt er een weg"),
    ("/leidraad help", "deze uitleg"),
)

_PHRASES = sorted(((w, c) for c, words in WORDS.items() for w in words), key=lambda p: -len(p[0]))


@dataclass(frozen=True)
class BotCommand:
    name: BotCmd | None
    argument: str = ""
    typed: str = ""

    @property
    def suggestion(self) -> str:
        """The command closest to an unknown one ("kopel" -> "koppel"), or ""."""
        first = self.typed.split()[0] if self.typed.split() else ""
        close = difflib.get_close_matches(first, [w for w, _ in _PHRASES], n=1, cutoff=0.6)
        return WORDS_TO_NAME[close[0]].value if close else ""


WORDS_TO_NAME = dict(_PHRASES)


def parse(text: str) -> BotCommand:
    """The command in ``text``; ``name`` is None for an unknown one, HELP for an empty one."""
    words = " ".join(text.casefold().split())
    if not words:
        return BotCommand(BotCmd.HELP)
    for phrase, name in _PHRASES:
        if words == phrase or words.startswith(phrase + " "):
            return BotCommand(name, " ".join(text.split())[len(phrase):].strip(), words)
    return BotCommand(None, typed=words)


@dataclass(frozen=True)
class StartArguments:
    deel: int | None
    gemeente: str


def start_arguments(argument: str) -> StartArguments:
    """``deel2 Utrecht``, ``deel 1``, ``Utrecht``: which Deel and which gemeente, if given."""
    match = re.match(r"^deel\s*(\S+)\s*(.*)$", argument, re.IGNORECASE)
    if match and part_number(match.group(1)):
        return StartArguments(part_number(match.group(1)), match.group(2).strip())
    return StartArguments(None, argument.strip())
