"""The console adapter: a gesprek in the terminal, or scripted through standard input.

At a terminal it reads with ``prompt_toolkit``: line editing, the arrow keys, the history of what
you typed (only for this session: answers are not written to a history file), and a pasted block
of several paragraphs as one answer (bracketed paste). When standard input is not a terminal,
every line is one message, so scripts keep working. At the end of input, after ``pauze``, or on
Ctrl-C it stops cleanly; the next start resumes where it left off. A line that begins with ``/``
(``/overslaan``) is always a command, never an answer.

The console is synchronous: each message is handled and committed before the next is read.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.core.messages import Begin, Command, Place, PlaceKind, Said, Start, User
from bot.core.replies import CommandUsage, Notice, Paused, Reply, Tone
from bot.core.text import one_line
from bot.render.plain import render
from bot.service import Service
from store import StoreError

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession

log = logging.getLogger(__name__)

GOODBYE = "Tot later! Je antwoorden zijn bewaard; start opnieuw om verder te gaan."
PROMPT = "> "


def _name_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "leidraadbot" / "naam"


def remembered_name() -> str | None:
    """The name this person gave the console chat before (kept per computer account)."""
    try:
        return _name_file().read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def remember_name(naam: str) -> None:
    """Keep ``naam`` for the next start; a read-only home only means asking again."""
    path = _name_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(naam + "\n", encoding="utf-8")
    except OSError:
        log.info("could not keep the name in %s", path)


def terminal_session() -> PromptSession:
    """Reading at a terminal: editing, history, and a paste as one answer."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import InMemoryHistory

    return PromptSession(history=InMemoryHistory())


class Console:
    """One person at the terminal, talking about one gemeente."""

    def __init__(self, service: Service, gemeente: str, user: User, out: TextIO):
        self.service = service
        self.gemeente = gemeente
        self.user = user
        self.place = Place(PlaceKind.CONSOLE, user.id)
        self.out = out

    def send(self, text: str = "", start: Start | None = None) -> list[Reply]:
        """Hand one message to the service and print what it answers."""
        stripped = text.strip()
        here = (self.user, self.place, self.gemeente)
        inbound = (Begin(*here, start=start) if start is not None else
                   Command(*here, text=stripped[1:]) if stripped.startswith("/") else
                   Said(*here, text=text))
        try:
            replies = self.service.handle(inbound)
        except StoreError as exc:  # the database's trouble, said in Dutch
            replies = [Notice(str(exc), Tone.ERROR)]
        except Exception as exc:  # the one error handler of this adapter
            log.error("message failed: %s", exc, exc_info=log.isEnabledFor(logging.DEBUG))
            replies = [Notice("Er ging iets mis; dit bericht is niet verwerkt en er is niets "
                              "opgeslagen. Probeer het nog eens.", Tone.ERROR)]
        self.out.write(render([self._ended(r) if isinstance(r, Paused) else r for r in replies])
                       + "\n\n")
        self.out.flush()
        return replies

    def _ended(self, paused: Paused) -> Notice:
        """The console stops at a pause: how to go on is to start it again."""
        return Notice(f"Gepauzeerd. Alle antwoorden zijn bewaard. Start later opnieuw met "
                      f"leidraadbot chat --gemeente \"{self.gemeente}\" --gebruiker "
                      f"\"{self.user.naam}\" om verder te gaan {paused.where}.")

    def run(self, lines: TextIO, deel: int | None = None,
            session: PromptSession | None = None) -> None:
        """Start (or resume) the gesprek and answer every message until the input ends; with a
        ``session``, read at the terminal, else a line at a time from ``lines``."""
        replies = self.send(start=Start(deel))
        try:
            while not any(isinstance(reply, Paused) for reply in replies):
                text = _prompted(session) if session else _line(lines)
                if text is None:
                    self.out.write(_still_asked(replies) + GOODBYE + "\n")
                    return
                replies = self.send(text)
        except KeyboardInterrupt:
            self.out.write("\n" + GOODBYE + "\n")


def _still_asked(replies: list[Reply]) -> str:
    """At the end of input: a text the bot asked about last, which waits (the next start can
    still store it)."""
    held = next((r.held for r in replies if isinstance(r, CommandUsage) and r.held), "")
    return (f"“{one_line(held, 60)}” is nog niet opgeslagen; typ ‘opslaan’ als je de volgende keer "
            "verdergaat om het bij die vraag te bewaren.\n") if held else ""


def ask_name(lines: TextIO, out: TextIO, session: PromptSession | None) -> str | None:
    """Ask who is answering, the first time; None when no name comes (end of input)."""
    out.write("Welkom bij Leidraadbot. Wat is je naam? Die staat bij je antwoorden, zodat je "
              "collega's zien wie wat schreef. (Leidraadbot onthoudt hem; een andere naam geef je "
              "op met --gebruiker.)\n")
    while True:
        out.flush()
        naam = _prompted(session) if session else _line(lines)
        if naam is None or naam.strip():
            return naam
        out.write("Typ je naam, bijvoorbeeld Anna de Vries.\n")


def _prompted(session: PromptSession) -> str | None:
    """What was typed or pasted at the prompt; None at Ctrl-D."""
    try:
        return session.prompt(PROMPT)
    except EOFError:
        return None


def _line(lines: TextIO) -> str | None:
    """The next line without its line ending, or None at the end of input."""
    line = lines.readline()
    return line.rstrip("\r\n") if line else None
