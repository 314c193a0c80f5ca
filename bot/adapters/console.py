"""The console adapter: a gesprek in the terminal, or scripted through standard input.

At a terminal it reads with ``prompt_toolkit``: line editing, the arrow keys, the history of what
you typed (only for this session: answers are not written to a history file), and a pasted block
of several paragraphs as one answer (bracketed paste). When standard input is not a terminal,
every line is one message, so scripts keep working. At the end of input, after ``pauze``, or on
Ctrl-C it stops cleanly; the next start resumes where it left off.

The console is synchronous: each message is handled and committed before the next is read.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, TextIO

from bot.core.messages import Inbound, Place, PlaceKind, Start, User
from bot.core.replies import Notice, Paused, Reply, Tone
from bot.render.text import render
from bot.service import Service
from store import StoreError

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession

log = logging.getLogger(__name__)

GOODBYE = "Tot later! Je antwoorden zijn bewaard; start opnieuw om verder te gaan."
PROMPT = "> "


def console_user(naam: str) -> User:
    return User(id=f"console:{naam.casefold()}", naam=naam)


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
        inbound = Inbound(self.user, self.place, self.gemeente, text=text, start=start)
        try:
            replies = self.service.handle(inbound)
        except StoreError as exc:  # the database's trouble, said in Dutch
            replies = [Notice(str(exc), Tone.ERROR)]
        except Exception as exc:  # the one error handler of this adapter
            log.error("message failed: %s", exc, exc_info=log.isEnabledFor(logging.DEBUG))
            replies = [Notice("Er ging iets mis; dit bericht is niet verwerkt en er is niets "
                              "opgeslagen. Probeer het nog eens.", Tone.ERROR)]
        self.out.write(render(replies) + "\n\n")
        self.out.flush()
        return replies

    def run(self, lines: TextIO, deel: int | None = None,
            session: PromptSession | None = None) -> None:
        """Start (or resume) the gesprek and answer every message until the input ends; with a
        ``session``, read at the terminal, else a line at a time from ``lines``."""
        replies = self.send(start=Start(deel))
        try:
            while not any(isinstance(reply, Paused) for reply in replies):
                text = _prompted(session) if session else _line(lines)
                if text is None:
                    self.out.write(GOODBYE + "\n")
                    return
                replies = self.send(text)
        except KeyboardInterrupt:
            self.out.write("\n" + GOODBYE + "\n")


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
