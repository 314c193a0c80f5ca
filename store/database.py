"""One SQLite database file, opened the way Leidraadbot needs it.

Each thread gets its own connection (sqlite3 connections are bound to a thread; the adapters, the
inbox and the outbox work on several). Writes run in ``transaction()``: the threads of one process
take turns on a lock, processes on a lock file beside the database, and ``BEGIN IMMEDIATE`` takes
SQLite's write lock at the start, so no two writers ever interleave a read-decide-write. (SQLite's
own busy wait sleeps in growing steps, so without the locks a writer could wait long behind a busy
other process; its busy timeout stays as the last resort.)
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from store.schema import Migrations

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy timeout alone
    fcntl = None

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


def _identity(path: Path) -> tuple[int, int]:
    """Which file ``path`` is (device and inode): the same name can come to mean another file."""
    found = os.stat(path)
    return found.st_dev, found.st_ino


def in_dutch(error: sqlite3.Error, path: Path) -> str:
    """What went wrong with the database, for whoever reads it (SQLite says it in English)."""
    said = str(error).casefold()
    if "locked" in said or "busy" in said:
        return "De database is even bezet; er is niets opgeslagen. Probeer het zo opnieuw."
    if "readonly" in said or "read-only" in said:
        return (f"In de database ‘{path}’ mag dit proces niet schrijven; er is niets opgeslagen. "
                "Controleer de rechten van het bestand en de map.")
    if "not a database" in said or "malformed" in said or "corrupt" in said:
        return (f"De database ‘{path}’ is beschadigd; er is niets opgeslagen. Zet een backup "
                "terug met leidraadbot herstel.")
    if "full" in said or "disk i/o" in said:
        return (f"De database ‘{path}’ kan niet worden geschreven (de schijf is vol of geeft "
                "fouten); er is niets opgeslagen.")
    return f"De database ‘{path}’ gaf een fout; er is niets opgeslagen."


def companions(path: Path) -> list[Path]:
    """The files SQLite and Leidraadbot keep beside a database (its lock, WAL and index): there
    was a database at ``path`` when one of them is there."""
    return [path.with_name(path.name + suffix) for suffix in ("-lock", "-wal", "-shm")]


class StoreError(Exception):
    """The database cannot be opened or used; the message is meant for the person running the bot."""


class SqliteFile:
    """A database file at ``path`` with WAL and ``synchronous=FULL``; ``migrations`` are applied
    when it is opened. Not ``durable`` (for tests alone): ``synchronous=OFF``, a commit does not
    wait for the disk, so an operating system crash may lose the last ones."""

    def __init__(self, path: str | Path, migrations: Migrations, durable: bool = True):
        self.path = Path(path)
        self.durable = durable
        if self.path.is_dir():
            raise StoreError(f"‘{self.path}’ is een map, geen databasebestand.")
        if not self.path.parent.is_dir():
            raise StoreError(f"De map ‘{self.path.parent}’ bestaat niet. Maak hem aan of kies een "
                             "ander pad.")
        traces = [p.name for p in companions(self.path) if p.exists()]
        if not self.path.exists() and traces:
            raise StoreError(
                f"De database ‘{self.path}’ ontbreekt, maar ernaast staan nog bestanden van een "
                f"database die er was ({', '.join(traces)}). Er wordt geen nieuwe, lege gemaakt. "
                "Zet de database terug (leidraadbot herstel <backup>), of verwijder die bestanden "
                "om echt opnieuw te beginnen.")
        self._local = threading.local()
        self._turn = threading.Lock()
        self._identity = None
        self._create = not self.path.exists()
        self._lock_file = open(self.path.with_name(self.path.name + "-lock"), "a+b")  # noqa: SIM115
        self._checkpointer: threading.Thread | None = None
        self._closing = threading.Event()
        try:
            db = self.db
            self._create = False  # from now on a connection opens this file, or fails
            self._identity: tuple[int, int] | None = _identity(self.path)
            tables = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'").fetchone()
            if not self._create and tables and not migrations.applied(db):
                raise StoreError(f"‘{self.path}’ is een database van iets anders dan Leidraadbot; "
                                 "die laat ik zoals hij is. Kies een ander bestand met --db.")
            db.execute("PRAGMA journal_mode = WAL")
            if migrations.pending(db):
                with self.transaction():
                    migrations.apply(db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"‘{self.path}’ kan niet als database worden geopend: {exc}. "
                "Is het wel een Leidraadbot-database, en mag dit proces erin schrijven?"
            ) from exc

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection."""
        db = getattr(self._local, "db", None)
        if db is None:
            mode = "rwc" if self._create else "rw"  # never a new, empty file where one was
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode={mode}", uri=True,
                                   timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None)  # a write outside transaction() commits
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA synchronous = {'FULL' if self.durable else 'OFF'}")
            if self._checkpointer is not None:
                conn.execute("PRAGMA wal_autocheckpoint = 0")
            db = self._local.db = conn
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        db = self.db
        if db.in_transaction:  # inside another: a savepoint, undone alone if the block raises
            db.execute("SAVEPOINT inner")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK TO inner")
                db.execute("RELEASE inner")
                raise
            db.execute("RELEASE inner")
            return
        with self._turn:
            if fcntl:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX)
            try:
                self._still_there()
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    db.rollback()
                    raise
                db.commit()
            except (sqlite3.OperationalError, sqlite3.DatabaseError) as error:
                if isinstance(error, sqlite3.IntegrityError):  # a fault of ours, not of the file
                    raise
                raise StoreError(in_dutch(error, self.path)) from error
            finally:
                if fcntl:
                    fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def checkpoint_in_background(self, every: float = 1.0) -> None:
        """Copy the WAL into the database on a thread of its own, every ``every`` seconds, instead
        of in whichever commit fills it, so no commit waits for it. A passive checkpoint never
        blocks a writer."""
        if self._checkpointer is not None:
            return
        self._checkpointer = threading.Thread(target=self._checkpoints, args=(every,),
                                              name=f"checkpoint {self.path.name}", daemon=True)
        self.db.execute("PRAGMA wal_autocheckpoint = 0")
        self._checkpointer.start()

    def _checkpoints(self, every: float) -> None:
        while not self._closing.wait(every):
            try:
                self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error as error:
                log.warning("checkpoint of %s failed: %s", self.path, error)

    def rows(self, sql: str, params=()) -> list[dict]:
        """The rows of a query, as dicts. (Plain SQL on the connection: sqlite-utils' table
        methods read the schema on every call, several times the cost of the query itself.)"""
        cursor = self.db.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def row(self, sql: str, params=()) -> dict | None:
        """The first row of a query as a dict, or None."""
        cursor = self.db.execute(sql, params)
        found = cursor.fetchone()
        return None if found is None else dict(zip((c[0] for c in cursor.description), found, strict=True))

    def value(self, sql: str, params=()):
        """The first column of the first row, or None."""
        found = self.db.execute(sql, params).fetchone()
        return found[0] if found else None

    def insert(self, table: str, values: dict) -> int:
        """Insert one row (``table`` and the keys are the code's own names); its id."""
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        return self.db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                                    list(values.values())).lastrowid

    def update(self, table: str, row_id: int, values: dict) -> None:
        """Set ``values`` on the row with id ``row_id``."""
        if values:
            assignments = ", ".join(f"{column} = ?" for column in values)
            self.db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?",
                                 [*values.values(), row_id])

    def replace_everywhere(self, replacements: list[tuple[str, str]], keep: tuple[str, ...] = ()) -> int:
        """Replace each old text by its new one, as a whole word, in every text value of every
        table (inside the caller's transaction; foreign keys are checked when it commits); where
        one of ``keep`` stands (a longer name that holds an old text), it stays. The number of
        values changed."""
        def pattern(old: str) -> re.Pattern:
            return re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in (*keep, old)))

        patterns = [(pattern(old), new) for old, new in replacements]
        self.db.execute("PRAGMA defer_foreign_keys = ON")
        changed = 0
        tables = [r[0] for r in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")]
        for table in tables:
            for column in (c[1] for c in self.db.execute(f"PRAGMA table_info([{table}])")
                           if c[2].upper() in ("TEXT", "")):
                found = " OR ".join(f"instr([{column}], ?) > 0" for _ in replacements)
                for rowid, value in self.db.execute(
                        f"SELECT rowid, [{column}] FROM [{table}] WHERE {found}",
                        [old for old, _ in replacements]).fetchall():
                    new = value
                    for pattern, replacement in patterns:
                        new = pattern.sub(lambda m, r=replacement: m[0] if m[0] in keep else r,
                                          new) if isinstance(new, str) else new
                    if new != value:
                        self.db.execute(f"UPDATE [{table}] SET [{column}] = ? WHERE rowid = ?",
                                        [new, rowid])
                        changed += 1
        return changed

    def compact(self) -> None:
        """Rewrite the file without its free pages, and empty the WAL: what was deleted or
        replaced is gone from the file too (and from every backup made after)."""
        self.db.execute("VACUUM")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _still_there(self) -> None:
        """``StoreError`` when the file was removed or replaced since it was opened: open
        connections would go on writing the old one, and nothing written there is kept."""
        try:
            same = _identity(self.path) == self._identity
        except OSError:
            same = False
        if self._identity is not None and not same:
            raise StoreError(f"De database ‘{self.path}’ is weggehaald of vervangen terwijl de bot "
                             "draait; er is niets opgeslagen. Zet hem terug en start de bot opnieuw.")

    def healthy(self) -> bool:
        """Whether the database is there, is still the file it opened, and answers (for a health
        check: a file removed or replaced while the bot runs is not healthy, even though the open
        connections go on working on the old one)."""
        try:
            return (_identity(self.path) == self._identity
                    and self.db.execute("SELECT 1").fetchone() == (1,))
        except (OSError, sqlite3.Error):
            return False

    def close(self) -> None:
        """Close this thread's connection (and stop checkpointing in the background)."""
        self._closing.set()
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
