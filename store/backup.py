"""Backups: a consistent copy of the databases while the bot runs, and putting one back.

A copy of the file alone is not a backup: what was committed last may still be in the WAL beside
it. ``backup`` uses SQLite's online backup, which copies a consistent state of the database,
WAL included, while the bot goes on writing; the inbox beside it (messages taken in, not yet
handled) is copied too, to ``<name>-inbox<suffix>``. ``restore`` checks a backup (integrity, and
that it is a Leidraadbot database this version can open) before it puts it back, and keeps the
database it replaces.
"""

from __future__ import annotations

import os
import sqlite3

try:
    import fcntl
except ImportError:  # Windows: whether it is open elsewhere is not known
    fcntl = None
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from store.database import StoreError
from store.inbox import inbox_of
from store.migrations import migrations


def backup(database: Path, target: Path) -> list[Path]:
    """Copy ``database`` (and its inbox, when there is one) to ``target``, a new file in a folder
    made if need be; the files written."""
    if not database.exists():
        raise StoreError(f"Er is geen database ‘{database}’ om een backup van te maken.")
    target = Path(os.path.abspath(target))  # "nieuw/../b.db" is b.db, before "nieuw" exists
    if target.resolve() in (database.resolve(), inbox_of(database).resolve()):
        raise StoreError("Een backup gaat naar een ander bestand dan de database zelf.")
    for existing in (target, inbox_of(target)):
        if existing.exists() or existing.is_symlink():
            raise StoreError(f"‘{existing}’ bestaat al; een backup overschrijft niets. Kies een "
                             "andere naam, bijvoorbeeld met de datum erin.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"De map ‘{target.parent}’ kan niet worden gemaakt.") from error
    written = []
    for source, copy in ((database, target), (inbox_of(database), inbox_of(target))):
        if source.exists():
            try:
                _copy(source, copy)
            except (sqlite3.Error, OSError) as error:
                raise StoreError(f"‘{copy}’ kan niet worden geschreven; kies een map waarin dit "
                                 "proces mag schrijven.") from error
            written.append(copy)
    return written


def check(path: Path) -> None:
    """``StoreError`` unless ``path`` is an intact Leidraadbot database this version can open."""
    if not path.is_file():
        raise StoreError(f"‘{path}’ bestaat niet of is geen bestand.")
    try:
        with _open(path, "ro") as conn:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            applied = migrations.applied(conn)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"‘{path}’ is geen leesbare database (beschadigd, of een ander soort "
                         "bestand); die zet ik niet terug.") from error
    if verdict != "ok":
        raise StoreError(f"‘{path}’ is beschadigd ({verdict}); die zet ik niet terug.")
    known = [step.__name__ for step in migrations.steps]
    if not applied or applied != known[:len(applied)]:
        raise StoreError(f"‘{path}’ is geen Leidraadbot-database, of een van een nieuwere versie "
                         "dan deze; die zet ik niet terug.")


def restore(source: Path, database: Path) -> Path | None:
    """Put the backup ``source`` (and its inbox, when it has one) in the place of ``database``,
    after ``check``; the copy kept of the database it replaced, if there was one."""
    check(source)
    for live in (database, inbox_of(database)):
        if in_use(live):
            raise StoreError(f"‘{live}’ is nog open in een ander proces (de bot, of een chat in de "
                             "terminal). Stop dat eerst; een backup maken kan wel terwijl het draait.")
    kept = None
    if database.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = database.with_name(f"{database.name}.voor-herstel-{stamp}")
        backup(database, kept)
    for backed_up, live in ((source, database), (inbox_of(source), inbox_of(database))):
        if backed_up.exists():
            _copy(backed_up, live, live=True)
    return kept


def in_use(database: Path) -> bool:
    """Whether another process has ``database`` open. Every SQLite connection to a database in WAL
    mode holds a read lock on one byte of its ``-shm`` file (the "dead man switch", byte 128) for
    as long as it is open; a write lock on that byte is only to be had when no one else has one.
    Ask from a process that does not have it open itself (closing the file drops its own locks)."""
    shm = database.with_name(database.name + "-shm")
    if fcntl is None or not shm.exists():
        return False
    with open(shm, "rb+") as file:
        try:
            fcntl.lockf(file, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
        except OSError:
            return True
        fcntl.lockf(file, fcntl.LOCK_UN, 1, 128)
    return False


def _copy(source: Path, target: Path, live: bool = False) -> None:
    """SQLite's online backup of ``source`` into ``target`` (made or overwritten), consistent even
    while others write ``source``. A backup is one file (no WAL beside it); a ``live`` database
    goes back to WAL, as the bot opens it."""
    with _open(source, "ro") as src, _open(target, "rwc") as dst:
        src.backup(dst)
        dst.execute(f"PRAGMA journal_mode = {'WAL' if live else 'DELETE'}")


def _open(path: Path, mode: str) -> closing[sqlite3.Connection]:
    """A plain connection to ``path`` in ``mode`` (ro, rw, rwc), closed after the block."""
    return closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=10))
