"""The main database, by subject: ``store.gemeenten``, ``store.people``, ``store.answers``,
``store.gesprekken``, ``store.punten``, ``store.reminders``, ``store.team``, ``store.messaging``
and ``store.audit``, each a small class of plain SQL over the one file.

Every gemeente's gesprek, answers, ontwikkelplan and settings live here; the messages taken in
live in the inbox beside it (``store.inbox``). How the file is opened and written: ``SqliteFile``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from store.answers import Answers, Gesprekken
from store.audit import Audit
from store.database import SqliteFile
from store.gemeenten import Gemeenten, People
from store.inbox import InboxFile, inbox_of
from store.messaging import Messaging
from store.migrations import migrations
from store.punten import Punten
from store.reminders import Reminders
from store.team import Team


class Store(SqliteFile):
    """The Leidraadbot database at ``path``; migrations are applied when it is opened.
    ``durable=False`` (tests) lets SQLite skip the wait for the disk at each commit."""

    def __init__(self, path: str | Path, durable: bool = True):
        super().__init__(path, migrations, durable)
        self.gemeenten = Gemeenten(self)
        self.people = People(self)
        self.answers = Answers(self)
        self.gesprekken = Gesprekken(self)
        self.punten = Punten(self)
        self.reminders = Reminders(self)
        self.messaging = Messaging(self)
        self.audit = Audit(self)
        self.team = Team(self)

    @cached_property
    def inbox(self) -> InboxFile:
        """The inbox beside it (``leidraad.db`` -> ``leidraad-inbox.db``)."""
        return InboxFile(inbox_of(self.path), self.durable)

    def healthy(self) -> bool:
        """The database and, once it is opened, the inbox beside it."""
        return super().healthy() and ("inbox" not in self.__dict__ or self.inbox.healthy())

    def close(self) -> None:
        """Close this thread's connections."""
        if "inbox" in self.__dict__:
            self.inbox.close()
        super().close()
