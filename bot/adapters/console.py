"""The console adapter: a gesprek in the terminal, or scripted through standard input.

It reads one line per message and writes the bot's replies to standard output. At the end of
input, after ``pauze``, or on Ctrl-C it stops cleanly; the next start resumes where it left off.
"""

from __future__ import annotations

import logging
from typing import TextIO

from bot.core.messages import Inbound, Place, PlaceKind, Start, User
from bot.core.replies import Notice, Paused, Reply, Tone
from bot.render.text import render
from bot.service import Service

log = logging.getLogger(__name__)

GOODBYE = "Tot later! Je antwoorden zijn bewaard; start opnieuw om verder te gaan."
PROMPT = "> "


def console_user(naam: str) -> User:
    return User(id=f"console:{naam.casefold()}", naam=naam)


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
        except Exception as exc:  # the one error handler of this adapter
            log.error("message failed: %s", exc, exc_info=log.isEnabledFor(logging.DEBUG))
            replies = [Notice("Er ging iets mis; dit bericht is niet verwerkt en er is niets "
                              "opgeslagen. Probeer het nog eens.", Tone.ERROR)]
        self.out.write(render(replies) + "\n\n")
        self.out.flush()
        return replies

    def run(self, lines: TextIO, deel: int | None = None) -> None:
        """Start (or resume) the gesprek and answer every line until the input ends."""
        replies = self.send(start=Start(deel))
        interactive = lines.isatty()
        try:
            while not any(isinstance(reply, Paused) for reply in replies):
                line = _read_line(lines, interactive)
                if line is None:
                    self.out.write(GOODBYE + "\n")
                    return
                replies = self.send(line)
        except KeyboardInterrupt:
            self.out.write("\n" + GOODBYE + "\n")


def _read_line(lines: TextIO, interactive: bool) -> str | None:
    """The next line without its line ending, or None at the end of input."""
    if interactive:
        try:
            return input(PROMPT)
        except EOFError:
            return None
    line = lines.readline()
    return line.rstrip("\r\n") if line else None
