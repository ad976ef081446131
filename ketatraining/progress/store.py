"""The progress store: every checked answer and every quiz attempt, in a database.

One code path for both back ends, through SQLAlchemy:

- by default a SQLite file in the learner's data folder (platformdirs), created on
  first use;
- ``KETATRAINING_DB=postgresql+psycopg://...`` points every learner of a hub at one
  PostgreSQL server.

Each write is one transaction, committed before the learner is told it was saved, so
a crash never loses an acknowledged answer nor leaves a half-written one. Writers that
find the database locked retry with backoff for a bounded time, then say so plainly.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import re
import sqlite3
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Self, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import QueuePool

from ketatraining.errors import (
    StoreBusyError,
    StoreError,
    StoreUnavailableError,
    StoreVersionError,
)
from ketatraining.progress import groupcommit, schema, sqlitefile
from ketatraining.progress.records import AttemptRecord, Submission, utcnow

_T = TypeVar("_T")

APP_NAME = "ketatraining"
BUSY_TIMEOUT_MS = 2000
RETRY_BUDGET_SECONDS = 30.0
"""How long a write keeps retrying a locked database before giving up."""
CHECKPOINT_BYTES = 4 * 1024 * 1024
"""A write-ahead log past this size is folded into the store file (SQLite's default
automatic checkpoint is at 1,000 pages, 4 MiB with 4 KiB pages), outside the writers' turn."""
SYNC_CHECK_BYTES = 16 * 1024 * 1024
"""Stores up to this size are integrity-checked before open returns (about 0.1 s at
16 MiB; a learner's file after the whole course is about 0.1 MiB). Bigger ones are checked
on a background thread, and every write waits for the verdict: reads start at once, and
a damaged store still never gets a byte (benchmarks/bench_store.py measures both)."""


def default_url() -> str:
    """$KETATRAINING_DB, else a SQLite file in the per-user data folder."""
    configured = os.environ.get("KETATRAINING_DB", "").strip()
    if configured:
        return configured
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir(APP_NAME, appauthor=False)) / 'progress.db'}"


_UNREACHABLE = "the database server cannot be reached"
_DISK_FULL = "the disk is full (free some space on it)"
_TEMPORARY_REASONS = frozenset({_UNREACHABLE, _DISK_FULL})
"""Faults that may clear by themselves: the quiz keeps answers in the outbox and retries."""


def _is_locked(error: BaseException) -> bool:
    text = str(error).lower()
    return "database is locked" in text or "database is busy" in text or "deadlock" in text


def shown_url(url: str) -> str:
    """A store address as shown to people (and naming its outbox): never a password.
    SQLite URLs hold none, so they are shown as written (not percent-encoded)."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - a malformed URL: hide what looks like a password
        return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)
    if parsed.get_backend_name() == "sqlite":
        return url
    return parsed.render_as_string(hide_password=True)


def _unavailable_reason(error: BaseException) -> str | None:
    text = str(getattr(error, "orig", error)).lower()
    if "readonly" in text or "read-only" in text:
        return "it is read-only"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return "it is damaged or is not a ketatraining progress store"
    if "unable to open" in text:
        return ("its file, or the folder it is in, cannot be opened or written "
                "(is the folder missing or read-only?)")
    if "disk" in text and "full" in text:
        return _DISK_FULL
    if "disk" in text and "i/o" in text:
        return "the disk is failing (a disk I/O error)"
    if ("connect" in text or "could not translate host" in text or "refused" in text
            or "starting up" in text or "shutting down" in text):
        return _UNREACHABLE
    if "authentication" in text or "password" in text:
        return "the database refused the login"
    return None


class _NothingToCommit(Exception):
    """Raised inside a transaction to roll it back on purpose (the open-time probe)."""


_INSERT_NEW: dict[tuple[str, str, tuple[str, ...]], Any] = {}
"""Prebuilt INSERT ... ON CONFLICT DO NOTHING statements (ProgressStore._insert_new)."""
_INSERT_IGNORING: dict[tuple[str, str, tuple[str, ...]], Any] = {}
"""The same without RETURNING, for many rows at once (_insert_ignoring)."""


def _insert_ignoring(connection: Connection, table: Any, conflict: list[str]) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for executemany (a batch of answers), built once."""
    key = (connection.dialect.name, table.name, tuple(conflict))
    statement = _INSERT_IGNORING.get(key)
    if statement is None:
        maker = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        statement = _INSERT_IGNORING[key] = maker(table).on_conflict_do_nothing(
            index_elements=conflict)
    return statement

READ_ONLY = "ketatraining_read_only"
"""Execution option of a read transaction: it begins deferred, not IMMEDIATE."""


def _release(engine: Engine, lock_holder: list[Path | None]) -> None:
    """Close a store's connections and remove its turn lock file if no one holds it."""
    engine.dispose()
    lock, lock_holder[0] = lock_holder[0], None
    if lock is not None:
        sqlitefile.remove_lock_file(lock)
        groupcommit.remove_folder(lock)


def _damaged_message(path: Path) -> str:
    return (f"The progress store {path} is damaged (SQLite's integrity check failed), so "
            "nothing was written to it and answers are not being saved: keep the file, "
            f"rename it (for example to {path.stem}-damaged{path.suffix}) so that a new store "
            "is started next time, and ask your trainer to recover your earlier answers from "
            "it with 'sqlite3 FILE .recover'.")


def _root_cause(error: BaseException) -> BaseException:
    """The first database error in the chain that says what went wrong.

    When SQLite rolls a transaction back by itself (a full disk, SQLITE_FULL), the
    savepoint or transaction SQLAlchemy then tries to roll back no longer exists, and
    *that* error ("no such savepoint") would hide the real one in ``__context__``.
    """
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, DBAPIError) and (_is_locked(seen) or _unavailable_reason(seen)):
            return seen
        seen = seen.__cause__ or seen.__context__
    return error


class ProgressStore:
    """A handle on one progress database; use as a context manager or call close()."""

    def __init__(self, url: str | None = None, *, create_folder: bool | None = None,
                 writable: bool = True, retry_budget: float | None = None) -> None:
        """``writable=False``: only read (a trainer's read-only role or file); no migration.
        ``retry_budget``: see the attribute; it bounds the open too."""
        self.url = url or default_url()
        self._engine_url = self.url
        self.writable = writable
        self.retry_budget: float | None = retry_budget
        """Seconds a locked write is retried; None: RETRY_BUDGET_SECONDS. The quiz sets a
        shorter one: its answers wait in the outbox and are retried in the background."""
        try:
            parsed = make_url(self.url)
        except Exception as error:  # ArgumentError and friends: a malformed URL
            shown = re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", self.url)  # no password
            msg = f"The progress store address '{shown}' is not a valid database URL."
            raise StoreUnavailableError(msg) from error
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.display_url = shown_url(self.url)
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            msg = (f"The progress store address '{self.display_url}' names an unsupported "
                   "database; use sqlite:///PATH or postgresql+psycopg://USER@HOST/DATABASE.")
            raise StoreUnavailableError(msg)
        self._in_wal: list[bool] = [False]
        """[True] once the file is known to be in WAL mode: new connections then commit
        with synchronous=NORMAL and the store syncs the log itself (a list: shared with
        the engine's connect hook, which must hold no reference to the store)."""
        if self.is_sqlite:
            self._prepare_sqlite_file(_sqlite_file(parsed.database, parsed.query),
                                      create_folder)
        try:
            self.engine = self._create_engine()
        except (NoSuchModuleError, ImportError) as error:
            msg = (f"The progress store {self.display_url} needs a database driver that is "
                   "not installed (for PostgreSQL: pip install 'psycopg[binary]').")
            raise StoreUnavailableError(msg) from error
        # A store dropped without close() (a kernel's quiz page, a test) closes its pooled
        # connections the moment it is unreachable. The engine holds no reference back to
        # the store, so that moment is when the last reference goes, not whenever the
        # cycle collector runs (then a connection deleted open warned inside whatever ran).
        self._lock_holder: list[Path | None] = [None]
        weakref.finalize(self, _release, self.engine, self._lock_holder)
        self._check_done = threading.Event()
        self._check_done.set()
        self._damage: str | None = None
        self._journal_guard = threading.Lock()
        self._journal_pending = True
        self.journal_mode: str | None = None
        """SQLite's journal mode once chosen (``wal`` or ``delete``); None for PostgreSQL."""
        self._turn_lock: Path | None = None
        self._spool: groupcommit.Spool | None = None
        """Where this store's answers wait for a turn that writes them with others'
        (groupcommit.py); None where answers are not batched (no WAL, no lock file)."""
        self._opened_file: tuple[int, int] | None = None
        self._writable_seen: int | None = None
        """ctime (ns) of the file when it was last found writable (see _check_file)."""
        self._reopen_guard = threading.Lock()
        self._log_synced: set[int] = set()
        self._log_size_seen = 0
        self._known_learners: set[str] = set()
        self._versions: dict[tuple[str, str, str], int] = {}
        """Rows this store has seen committed (learners, question versions): never deleted,
        so a write need not look them up again inside its transaction."""
        try:
            self._start_integrity_check()
            self._take_turns_from_the_start()
            with contextlib.suppress(_NothingToCommit):
                self._run(self._migrate)
            self._choose_journal()  # now, or at the first write after a background check
        except BaseException:
            self.engine.dispose()  # a refused store keeps no pooled connection open
            raise
        self._note_file(self._stat())

    # -- set-up ---------------------------------------------------------------------
    def _prepare_sqlite_file(self, database: str | None, create_folder: bool | None) -> None:
        if not database or database == ":memory:":
            return
        path = Path(database)
        if create_folder is None:
            create_folder = not os.environ.get("KETATRAINING_DB")
        if not path.parent.exists():
            if not create_folder:
                msg = (f"The progress store cannot be opened: the folder {path.parent} does "
                       "not exist. Create it, or set KETATRAINING_DB to another location.")
                missing = StoreUnavailableError(msg)
                missing.temporary = True  # it may appear: a share mounted, a folder made
                raise missing
            path.parent.mkdir(parents=True, exist_ok=True)
        if self.writable and path.exists() and not os.access(path, os.W_OK):
            msg = (f"The progress store {path} is read-only, so answers cannot be saved. "
                   "Ask your administrator to make it writable.")
            raise StoreUnavailableError(msg)
        self.sqlite_path = path
        if not self.writable:
            self._engine_url = sqlitefile.reader_url(path) or self.url

    # -- integrity on open --------------------------------------------------------------
    def _start_integrity_check(self) -> None:
        """PRAGMA quick_check before the first write: a store damaged in the middle (which
        opens and accepts answers, and fails only when read in full) is refused untouched."""
        path = getattr(self, "sqlite_path", None)
        if not self.writable or path is None:
            return
        try:
            size = path.stat().st_size
        except OSError:
            return  # a new store: SQLite creates it
        if size == 0:
            return
        if size <= SYNC_CHECK_BYTES:
            self._integrity_check()
            if self._damage:
                raise StoreUnavailableError(self._damage)
            return
        self._check_done.clear()
        threading.Thread(target=self._integrity_check, name="ketatraining-store-check",
                         daemon=True).start()

    def _integrity_check(self) -> None:
        path = self.sqlite_path
        deadline = time.monotonic() + (RETRY_BUDGET_SECONDS if self.retry_budget is None
                                       else self.retry_budget)
        try:
            while True:
                try:
                    with self.engine.connect() as connection:
                        # a read: it must not hold the write lock (other kernels write on)
                        connection.execution_options(**{READ_ONLY: True})
                        rows = [r[0] for r in connection.exec_driver_sql("PRAGMA quick_check")]
                except DBAPIError as error:
                    if _is_locked(error) and time.monotonic() < deadline:
                        time.sleep(0.05 * (1 + random.random()))  # another kernel writes
                        continue
                    if "damaged" in (_unavailable_reason(error) or ""):
                        self._damage = _damaged_message(path)
                    # locked for too long, unreadable and the like: the open or the write
                    # reports them in its own words
                    return
                if rows != ["ok"]:
                    self._damage = _damaged_message(path)
                return
        finally:
            self._check_done.set()

    def _take_turns_from_the_start(self) -> None:
        """The open-time probe takes the write lock: in its turn, like every write, or a
        writer holding the turn would meet SQLite's busy handler (sleeps of up to 100 ms,
        with every other writer queued behind it) whenever a kernel opens the store."""
        path = getattr(self, "sqlite_path", None)
        if self.writable and path is not None:
            self._turn_lock = sqlitefile.lock_file_for(path)  # None for a file not made yet
            self._lock_holder[0] = self._turn_lock

    def _choose_journal(self) -> None:
        """WAL for a sound store on a local disk, the rollback journal elsewhere
        (sqlitefile.py says why). Only once the integrity check has passed: switching
        writes the file's header, and a damaged store never gets a byte."""
        path = getattr(self, "sqlite_path", None)
        if path is None or not self.writable:
            self._journal_pending = False
            return
        with self._journal_guard:
            if not self._journal_pending or not self._check_done.is_set() or self._damage:
                return
            self._journal_pending = False
            raw = self.engine.raw_connection()  # outside any transaction
            try:
                self.journal_mode = sqlitefile.set_journal(raw.driver_connection, path)
                if self.journal_mode == "wal":
                    # The kept connection; any other one open now keeps FULL (slower, as safe).
                    cursor = raw.cursor()
                    cursor.execute("PRAGMA synchronous = NORMAL")
                    cursor.execute("PRAGMA wal_autocheckpoint = 0")  # see _sync_log
                    cursor.close()
                    self._in_wal[0] = True
            finally:
                raw.close()
            self._turn_lock = sqlitefile.lock_file_for(path)
            self._lock_holder[0] = self._turn_lock
            if self._in_wal[0]:
                self._spool = groupcommit.Spool.for_lock(self._turn_lock)

    def _checked(self) -> None:
        """Wait for a background integrity check; refuse every write to a damaged store."""
        self._check_done.wait()
        if self._damage:
            raise StoreUnavailableError(self._damage)

    def _writable_now(self) -> None:
        """Before a write: the integrity verdict, then the journal mode (once)."""
        self._checked()
        if self._journal_pending:
            self._choose_journal()

    def _create_engine(self) -> Engine:
        if not self.is_sqlite:
            return create_engine(self.url, pool_pre_ping=True, pool_size=2, max_overflow=2)
        # One connection kept per store (not one per transaction): a WAL file stays open
        # between answers (closing the last connection checkpoints it), and connecting
        # never happens while holding the writer lock.
        engine = create_engine(self._engine_url, poolclass=QueuePool, pool_size=1, max_overflow=8,
                               connect_args={"check_same_thread": False})
        in_wal = self._in_wal  # not self: see __init__

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, decide when transactions begin.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # FULL: every commit is on disk before it returns. In WAL mode the store syncs
            # the log itself after the commit, outside the writers' turn (_sync_log).
            cursor.execute(f"PRAGMA synchronous = {'NORMAL' if in_wal[0] else 'FULL'}")
            if in_wal[0]:
                cursor.execute("PRAGMA wal_autocheckpoint = 0")  # see _sync_log
            cursor.close()

        begin = "BEGIN IMMEDIATE" if self.writable else "BEGIN"

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            # A write takes the write lock up front: no deadlock when two readers upgrade.
            # A read (READ_ONLY) begins deferred and never waits for a writer in WAL mode.
            read = connection.get_execution_options().get(READ_ONLY, False)
            connection.exec_driver_sql("BEGIN" if read else begin)

        return engine

    def _migrate(self, connection: Connection) -> None:
        migrated = self._upgrade(connection)
        if not self.writable:
            return
        # A trial write, rolled back: a read-only file, folder, URI (mode=ro) or database
        # role is reported now, in one sentence, rather than at the learner's first answer.
        # (SQLite skips a no-op UPDATE without touching the disk, so insert a row.)
        if migrated:
            probe = connection.begin_nested()
            connection.execute(insert(schema.meta).values(key=f"probe-{uuid.uuid4().hex}",
                                                          value=""))
            probe.rollback()
            return
        # (In WAL mode too: taking the write lock opens -wal for writing, so a read-only
        # file, folder or URI fails here, and nothing reaches the file.)
        connection.execute(insert(schema.meta).values(key=f"probe-{uuid.uuid4().hex}",
                                                      value=""))
        # Nothing to keep: roll the whole transaction back, so opening a store that needs
        # no migration changes not one byte of it (not even SQLite's change counter).
        raise _NothingToCommit

    def _upgrade(self, connection: Connection) -> bool:
        """Create or migrate the tables; whether anything was changed."""
        if connection.dialect.name == "postgresql":
            # Kernels starting together on a fresh server would race to CREATE TABLE;
            # one at a time (SQLite's BEGIN IMMEDIATE does the same).
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7401202406)")
        inspector_tables = set(inspect(connection).get_table_names())
        if schema.meta.name not in inspector_tables and not self.writable:
            msg = (f"The progress store {self.display_url} holds no ketatraining records yet "
                   "(no learner has saved an answer there).")
            raise StoreUnavailableError(msg)
        if schema.meta.name not in inspector_tables:
            foreign = {t for t in inspector_tables if not t.startswith("kt_")}
            if foreign:
                msg = (f"The database {self.display_url} already holds other tables "
                       f"({', '.join(sorted(foreign)[:3])}); it is not a ketatraining progress "
                       "store, so nothing was written. Point KETATRAINING_DB elsewhere.")
                raise StoreUnavailableError(msg)
            schema.meta.create(connection, checkfirst=True)
            created = True
        else:
            created = False
        row = connection.execute(
            select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
        ).first()
        version = int(row[0]) if row else 0
        if version > schema.SCHEMA_VERSION:
            msg = (f"The progress store {self.display_url} was written by a newer ketatraining "
                   f"(store version {version}; this release knows up to "
                   f"{schema.SCHEMA_VERSION}). It was left untouched: upgrade ketatraining "
                   "(pip install --upgrade ketatraining).")
            raise StoreVersionError(msg)
        if version < schema.SCHEMA_VERSION and not self.writable:
            msg = (f"The progress store {self.display_url} uses an older layout (version "
                   f"{version}); open it once with write access to upgrade it.")
            raise StoreUnavailableError(msg)
        if version < schema.SCHEMA_VERSION:
            self._checked()
        for number in range(version, schema.SCHEMA_VERSION):
            schema.MIGRATIONS[number](connection)
        if version < schema.SCHEMA_VERSION:
            values = {"key": "schema_version", "value": str(schema.SCHEMA_VERSION)}
            if row:
                connection.execute(update(schema.meta).where(
                    schema.meta.c.key == "schema_version").values(value=values["value"]))
            else:
                connection.execute(insert(schema.meta).values(**values))
        return created or version < schema.SCHEMA_VERSION

    # -- transactions with bounded retry ----------------------------------------------
    def _stat(self) -> os.stat_result | None:
        path = getattr(self, "sqlite_path", None)
        try:
            return path.stat() if path is not None else None
        except OSError:
            return None

    def _note_file(self, status: os.stat_result | None) -> None:
        """Remember which file the kept connection has open (and that it was writable)."""
        self._opened_file = None if status is None else (status.st_dev, status.st_ino)
        self._writable_seen = None
        if status is not None and self.writable:
            self._trust_writable(status)

    def _trust_writable(self, status: os.stat_result) -> None:
        # A chmod or chattr changes the ctime, but only to the kernel's coarse clock: a
        # ctime from the last second could be repeated by one, so it is not remembered.
        if status.st_ctime_ns < time.time_ns() - 1_000_000_000:
            self._writable_seen = status.st_ctime_ns

    def _check_file(self, write: bool) -> None:
        """One stat before a transaction: follow a deleted or replaced file (reads too),
        and before a write, whether the file has turned read-only.

        The store keeps its connection, so a file deleted or replaced while open (a
        learner starting afresh, a restored backup) would go on being written through it:
        answers acknowledged as saved in a file nobody can open. A file made read-only
        (chmod, chattr +i) would go on taking answers into the WAL. Both show in the stat:
        another inode, or a new ctime (only then is os.access asked).
        """
        if self._opened_file is None:
            return  # opening (or reopening): the open checks all this itself
        status = self._stat()
        if status is None or (status.st_dev, status.st_ino) != self._opened_file:
            self._follow_file()
            return
        if not write or not self.writable or status.st_ctime_ns == self._writable_seen:
            return
        if not os.access(self.sqlite_path, os.W_OK):
            msg = (f"The progress store {self.display_url} cannot be used: it is read-only.")
            raise StoreUnavailableError(msg)
        self._trust_writable(status)

    def _follow_file(self) -> None:
        """Open the file now at the path instead (created and migrated if it is new)."""
        with self._reopen_guard:
            status = self._stat()
            if self._opened_file is None or (
                    status is not None and (status.st_dev, status.st_ino) == self._opened_file):
                return
            self._opened_file = None  # the set-up below runs _run without coming back here
            self.engine.dispose()
            self._in_wal[0] = False
            self._journal_pending, self._turn_lock, self._damage = True, None, None
            self._spool = None
            self._known_learners, self._versions, self._log_synced = set(), {}, set()
            self._log_size_seen = 0
            self._start_integrity_check()
            self._take_turns_from_the_start()
            with contextlib.suppress(_NothingToCommit):
                self._run(self._migrate)
            self._choose_journal()
            self._note_file(self._stat())

    def _sync_log(self) -> None:
        """After a commit in WAL mode: the log on disk before the answer counts as saved.

        synchronous=NORMAL leaves this fsync out of the commit, so it runs here, after
        the writer's turn is over: the next writer commits while this one's fsync is
        under way, and one fsync carries every commit appended before it (group commit
        by the file system). SQLite's own guarantee for NORMAL (a crash or power cut
        never damages the file, it may only lose the last commits) plus this sync gives
        what synchronous=FULL gave: an acknowledged answer is on disk.

        The checkpoint (copying the log into the store file: two more fsyncs) is taken
        out of the turn too: SQLite's automatic one runs inside the commit that crosses
        its 1,000 pages, while every other writer waits. Instead, a writer that finds the
        log grown past CHECKPOINT_BYTES, and past the largest size it saw before (after
        a checkpoint SQLite writes the log from its start again, so a log that keeps
        its size is being reused), runs a passive checkpoint, which waits for no one.
        """
        try:
            size = sqlitefile.sync_log(self.sqlite_path, self._log_synced)
        except OSError as error:
            reason = _unavailable_reason(error) or f"the disk reported an error ({error})"
            if error.errno == errno.ENOSPC:
                reason = _DISK_FULL
            msg = f"The progress store {self.display_url} cannot be used: {reason}."
            unavailable = StoreUnavailableError(msg)
            unavailable.temporary = reason in _TEMPORARY_REASONS
            raise unavailable from error
        if size <= max(CHECKPOINT_BYTES, self._log_size_seen):
            return
        self._log_size_seen = size
        with contextlib.suppress(SQLAlchemyError, sqlite3.Error):  # the next one catches up
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                cursor.close()
            finally:
                raw.close()

    def _run(self, work: Callable[[Connection], _T], *, write: bool = True,
             turn: Callable[[float], contextlib.AbstractContextManager[None]] | None = None,
             checked: bool = False) -> _T:
        """``work`` in one transaction, retried while the database is locked. A read
        (``write=False``) takes no writer's turn and no write lock. ``turn``: how a write
        takes its turn, if not as usual (a turn already held, _lead); ``checked``: the
        file was stat'ed for this call already."""
        if not checked:
            self._check_file(write)
        write = write and self.writable
        budget = RETRY_BUDGET_SECONDS if self.retry_budget is None else self.retry_budget
        deadline = time.monotonic() + budget
        delay = 0.02
        while True:
            try:
                with self.engine.connect() as connection:
                    if not write:
                        connection.execution_options(**{READ_ONLY: True})
                    if turn is not None and write:
                        held = turn(deadline)
                    else:
                        held = sqlitefile.writer_turn(self._turn_lock if write else None,
                                                      deadline)
                    try:
                        with held, connection.begin():
                            result = work(connection)
                    finally:
                        if write and turn is None and self._spool is not None:
                            self._spool.wake_next()  # answers that came in meanwhile
                if write and self._in_wal[0]:
                    self._sync_log()
                return result
            except sqlitefile.NoTurn:
                msg = (f"The progress store {self.display_url} stayed busy (other "
                       f"programs were writing to it) for {budget:.0f} s.")
                raise StoreBusyError(msg) from None
            except StoreError:
                raise
            except IntegrityError:
                raise
            except DBAPIError as raised:
                error = _root_cause(raised)
                if _is_locked(error) and time.monotonic() < deadline:
                    time.sleep(delay * (1 + random.random()))
                    delay = min(delay * 2, 0.5)
                    continue
                if _is_locked(error):
                    msg = (f"The progress store {self.display_url} stayed busy (other "
                           f"programs were writing to it) for {budget:.0f} s.")
                    raise StoreBusyError(msg) from error
                reason = _unavailable_reason(error) or "the database reported an error"
                msg = f"The progress store {self.display_url} cannot be used: {reason}."
                unavailable = StoreUnavailableError(msg)
                unavailable.temporary = reason in _TEMPORARY_REASONS or bool(
                    getattr(raised, "connection_invalidated", False))
                raise unavailable from error
            except SQLAlchemyError as error:
                msg = f"The progress store {self.display_url} cannot be used: {error}."
                raise StoreUnavailableError(msg) from error

    # -- writes -----------------------------------------------------------------------
    # One statement per row and no savepoints: a savepoint costs round trips under
    # contention, and when SQLite rolls back by itself (a full disk) rolling back to a
    # savepoint that is gone would replace the real error with "no such savepoint".
    @staticmethod
    def _insert_new(connection: Connection, table: Any, conflict: list[str],
                    **values: Any) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING; whether the row was new.

        The statement is built once per table and back end, with the values as bound
        parameters: building it (and its cache key) cost more than running it, inside the
        writer's turn."""
        key = (connection.dialect.name, table.name, tuple(conflict))
        statement = _INSERT_NEW.get(key)
        if statement is None:
            maker = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
            statement = maker(table).on_conflict_do_nothing(
                index_elements=conflict).returning(table.c[conflict[0]])
            _INSERT_NEW[key] = statement
        return connection.execute(statement, values).first() is not None

    def _ensure_learner(self, connection: Connection, learner_id: str) -> None:
        exists = connection.execute(
            select(schema.learners.c.learner_id).where(
                schema.learners.c.learner_id == learner_id)
        ).first()
        if not exists:  # another kernel may add the learner meanwhile: nothing to do then
            self._insert_new(connection, schema.learners, ["learner_id"],
                             learner_id=learner_id, display_name=None, created_at=utcnow())

    def start_attempt(self, learner_id: str, quiz_id: str, *, max_score: float,
                      pass_mark: float, draw_seed: int | None = None,
                      drawn: Sequence[str] | None = None,
                      started_at: datetime | None = None) -> int:
        """Open a new attempt and return its number (1, 2, ...).

        ``started_at``: when it began, if not now (a back-dated synthetic cohort).

        ``draw_seed``/``drawn``: the random draw of a quiz with pools (the questions this
        attempt asks), kept so that a resumed attempt and the results show the same ones.
        """
        self._writable_now()

        def work(connection: Connection) -> int:
            self._ensure_learner(connection, learner_id)
            table = schema.attempts
            for _ in range(50):
                current = connection.execute(
                    select(func.max(table.c.attempt)).where(
                        table.c.learner_id == learner_id, table.c.quiz_id == quiz_id)
                ).scalar()
                number = (current or 0) + 1
                if self._insert_new(connection, table, ["learner_id", "quiz_id", "attempt"],
                                    learner_id=learner_id, quiz_id=quiz_id, attempt=number,
                                    started_at=started_at or utcnow(), max_score=max_score,
                                    pass_mark=pass_mark, **draw_columns(draw_seed, drawn)):
                    return number
                # another kernel took this number; take the next
            msg = "Could not open a new attempt (too many at once)."
            raise StoreBusyError(msg)

        return self._run(work)

    def record(self, submission: Submission) -> None:
        """Save one answer; returns only once it is committed. Safe to call twice
        (the same ``submission_id`` is stored once)."""
        self._writable_now()
        if self._spool is not None and self._record_with_others(submission):
            return

        def work(connection: Connection) -> dict[tuple[str, str, str], int]:
            versions: dict[tuple[str, str, str], int] = {}
            values = self._answer_values(connection, submission, set(), versions)
            self._insert_new(connection, schema.responses, ["submission_id"], **values)
            return versions

        versions = self._run(work)
        self._known_learners.add(submission.learner_id)  # committed: they exist now
        self._versions.update(versions)

    def _record_with_others(self, submission: Submission) -> bool:
        """Save an answer through the spool (groupcommit.py): whoever takes the next turn,
        this writer or another, commits it with every other answer waiting. True once it
        is committed and synced; False when the spool cannot be used (then the caller
        writes it alone, as before)."""
        spool, lock = self._spool, self._turn_lock
        self._check_file(True)  # the one stat of this call
        if spool is None or lock is None or spool is not self._spool:
            return False  # the file was replaced: the caller writes to the new one
        try:
            handle = sqlitefile.try_turn(lock)
        except sqlitefile.NoLockFile:
            return False
        if handle is not None:  # nobody writing: this turn, with whatever waits
            try:
                self._lead(spool, lock, handle, None, submission)
            except IntegrityError:
                return False
            return True
        waiter = spool.enqueue(submission)
        if waiter is None:
            return False
        budget = RETRY_BUDGET_SECONDS if self.retry_budget is None else self.retry_budget
        deadline = time.monotonic() + budget
        try:
            while True:
                state = waiter.state()
                if state == "committed":  # by a turn whose writer is syncing the log now
                    waiter.wait(groupcommit.SYNC_WAIT_SECONDS)  # woken once it is synced
                    if waiter.state() == "committed":
                        self._sync_log()  # that writer was killed: on disk all the same
                    state = "synced"
                if state == "synced":
                    self._known_learners.add(submission.learner_id)
                    return True
                if state == "refused":
                    return False  # a turn could not read it: the caller writes it alone
                try:
                    handle = sqlitefile.try_turn(lock)
                except sqlitefile.NoLockFile:
                    return False
                if handle is not None:
                    try:
                        if self._lead(spool, lock, handle, waiter.token):
                            return True
                    except IntegrityError:
                        return False  # written alone, so its own error (if any) is its own
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    msg = (f"The progress store {self.display_url} stayed busy (other "
                           f"programs were writing to it) for {budget:.0f} s.")
                    raise StoreBusyError(msg)
                waiter.wait(min(groupcommit.LOOK_AGAIN_SECONDS, remaining))
        finally:
            waiter.close()

    def _lead(self, spool: groupcommit.Spool, lock: Path, handle: int, own: str | None,
              answer: Submission | None = None) -> bool:
        """In the turn: commit every answer waiting in the spool in one transaction; after
        it, sync the log once for all of them and wake their writers. Whether this
        writer's own answer was among them. ``answer``: this writer's own, not spooled
        (the turn was free when it came)."""
        state: dict[str, Any] = {"handle": handle, "rows": [], "committed": False}

        @contextlib.contextmanager
        def turn(deadline: float) -> Iterator[None]:
            held, state["handle"] = state["handle"], None  # a retry takes the turn anew
            try:
                with sqlitefile.writer_turn(lock, deadline, held):
                    yield
                    spool.committed(state["rows"])  # only now, and still in the turn
                    state["committed"] = True
            finally:
                spool.wake_next()  # answers that came in meanwhile: the next turn's

        def work(connection: Connection) -> dict[tuple[str, str, str], int]:
            rows = state["rows"] = spool.collect()
            learners: set[str] = set()
            versions: dict[tuple[str, str, str], int] = {}
            values = [self._answer_values(connection, row.submission, learners, versions)
                      for row in rows]
            if answer is not None:
                values.append(self._answer_values(connection, answer, learners, versions))
            if values:  # one statement for the lot: executemany
                connection.execute(_insert_ignoring(connection, schema.responses,
                                                    ["submission_id"]), values)
            return versions

        try:
            versions = self._run(work, turn=turn, checked=True)  # and synced the log
            spool.synced(state["rows"])  # once for the batch: its answers are on disk
        finally:
            if state["handle"] is not None:
                os.close(state["handle"])  # never used (the transaction could not begin)
            if state["committed"]:
                spool.wake(state["rows"], skip=own)  # (if the sync failed: to sync again)
        self._known_learners.update(row.submission.learner_id for row in state["rows"])
        if answer is not None:
            self._known_learners.add(answer.learner_id)
        self._versions.update(versions)
        return any(row.token == own for row in state["rows"])

    def _answer_values(self, connection: Connection, submission: Submission,
                       learners: set[str],
                       versions: dict[tuple[str, str, str], int]) -> dict[str, Any]:
        """The kt_responses row of an answer, after adding its learner and question
        version if needed (``learners``, ``versions``: added in this transaction, cached
        once it commits). Only what this store has not seen committed is looked up: the
        fewer statements, the shorter each writer's turn."""
        if submission.learner_id not in self._known_learners and (
                submission.learner_id not in learners):
            self._ensure_learner(connection, submission.learner_id)
            learners.add(submission.learner_id)
        key = (submission.quiz_id, submission.question_id, submission.question_hash or "")
        version = (self._versions.get(key) or versions.get(key)
                   if submission.question_hash else None)
        if version is None:
            version = question_version(connection, submission.quiz_id,
                                       submission.question_id, submission.question_hash)
            if version is not None:
                versions[key] = version
        return {"submission_id": submission.submission_id,
                "learner_id": submission.learner_id, "quiz_id": submission.quiz_id,
                "question_id": submission.question_id, "attempt": submission.attempt,
                "response": json.dumps(submission.response), "score": submission.score,
                "max_score": submission.max_score, "correct": submission.correct,
                "duration_seconds": submission.duration_seconds,
                "submitted_at": submission.submitted_at,
                "question_hash": submission.question_hash, "question_version": version}

    def finish_attempt(self, learner_id: str, quiz_id: str, attempt: int, *, score: float,
                       passed: bool, finished_at: datetime | None = None,
                       started_at: datetime | None = None) -> None:
        """Close an attempt with its total score.

        ``started_at``, when given, replaces the time the attempt row was written (its
        first answer) with when its first question was shown, so the attempt's duration
        is the learner's time on it.
        """
        table = schema.attempts
        values: dict[str, Any] = {"score": score, "passed": passed,
                                  "finished_at": finished_at or utcnow()}
        if started_at is not None:
            values["started_at"] = started_at
        self._writable_now()

        def work(connection: Connection) -> None:
            connection.execute(update(table).where(
                table.c.learner_id == learner_id, table.c.quiz_id == quiz_id,
                table.c.attempt == attempt,
            ).values(**values))

        self._run(work)

    def record_draw(self, learner_id: str, quiz_id: str, attempt: int, *, draw_seed: int,
                    drawn: Sequence[str], max_score: float) -> None:
        """Store the draw (and its maximum score) of an open attempt stored without one:
        it was opened before its quiz had pools. A stored draw is never replaced."""
        table = schema.attempts
        self._writable_now()

        def work(connection: Connection) -> None:
            connection.execute(update(table).where(
                table.c.learner_id == learner_id, table.c.quiz_id == quiz_id,
                table.c.attempt == attempt, table.c.drawn_questions.is_(None),
                table.c.finished_at.is_(None),
            ).values(max_score=max_score, **draw_columns(draw_seed, drawn)))

        self._run(work)

    def set_display_name(self, learner_id: str, name: str) -> None:
        """The learner's name as it should appear on a completion record."""
        self._writable_now()

        def work(connection: Connection) -> None:
            self._ensure_learner(connection, learner_id)
            connection.execute(update(schema.learners).where(
                schema.learners.c.learner_id == learner_id).values(display_name=name))

        self._run(work)

    def import_history(self, attempts: list[AttemptRecord],
                       submissions: list[Submission]) -> None:
        """Write complete attempts and their answers in one transaction (demo data,
        imports): all or nothing, and thousands of rows without one commit per answer."""
        self._writable_now()

        def work(connection: Connection) -> None:
            for learner_id in sorted({a.learner_id for a in attempts}
                                     | {s.learner_id for s in submissions}):
                self._ensure_learner(connection, learner_id)
            if attempts:
                connection.execute(insert(schema.attempts), [
                    {"learner_id": a.learner_id, "quiz_id": a.quiz_id, "attempt": a.attempt,
                     "started_at": a.started_at, "finished_at": a.finished_at,
                     "score": a.score, "max_score": a.max_score, "pass_mark": a.pass_mark,
                     "passed": a.passed, **draw_columns(a.draw_seed, a.drawn)}
                    for a in attempts])
            if submissions:
                versions = {key: question_version(connection, *key) for key in
                            {(s.quiz_id, s.question_id, s.question_hash) for s in submissions}}
                connection.execute(insert(schema.responses), [
                    {"question_hash": s.question_hash,
                     "question_version": versions[(s.quiz_id, s.question_id,
                                                   s.question_hash)],
                     "submission_id": s.submission_id, "learner_id": s.learner_id,
                     "quiz_id": s.quiz_id, "question_id": s.question_id,
                     "attempt": s.attempt, "response": json.dumps(s.response),
                     "score": s.score, "max_score": s.max_score, "correct": s.correct,
                     "duration_seconds": s.duration_seconds, "submitted_at": s.submitted_at}
                    for s in submissions])

        self._run(work)

    # -- reads --------------------------------------------------------------------------
    def display_name(self, learner_id: str) -> str | None:
        def work(connection: Connection) -> str | None:
            return connection.execute(select(schema.learners.c.display_name).where(
                schema.learners.c.learner_id == learner_id)).scalar()

        return self._run(work, write=False)

    def learners(self) -> list[str]:
        def work(connection: Connection) -> list[str]:
            table = schema.learners
            return list(connection.execute(
                select(table.c.learner_id).order_by(table.c.learner_id)).scalars())

        return self._run(work, write=False)

    def responses(self, learner_id: str | None = None, quiz_id: str | None = None,
                  *, regraded: bool = True,
                  connection: Connection | None = None) -> list[Submission]:
        """Answers in the order they were saved, with regraded scores unless
        ``regraded=False`` (then the scores as first given)."""
        table = schema.responses

        def work(connection: Connection) -> list[Submission]:
            query = select(table).order_by(table.c.id)
            if learner_id is not None:
                query = query.where(table.c.learner_id == learner_id)
            if quiz_id is not None:
                query = query.where(table.c.quiz_id == quiz_id)
            latest = latest_regrades(connection, quiz_id) if regraded else {}
            return [
                _submission(row, latest.get(row.submission_id))
                for row in connection.execute(query)
            ]

        return work(connection) if connection is not None else self._run(work, write=False)

    def attempts(self, learner_id: str | None = None, quiz_id: str | None = None,
                 *, finished_only: bool = False, regraded: bool = True,
                 connection: Connection | None = None) -> list[AttemptRecord]:
        """Attempts by learner, quiz and number; totals as regraded unless ``regraded=False``."""
        table = schema.attempts

        def work(connection: Connection) -> list[AttemptRecord]:
            query = select(table).order_by(table.c.learner_id, table.c.quiz_id,
                                           table.c.attempt)
            if learner_id is not None:
                query = query.where(table.c.learner_id == learner_id)
            if quiz_id is not None:
                query = query.where(table.c.quiz_id == quiz_id)
            if finished_only:
                query = query.where(table.c.finished_at.is_not(None))
            latest = latest_attempt_regrades(connection, quiz_id) if regraded else {}
            return [
                _attempt(row, latest.get((row.learner_id, row.quiz_id, row.attempt)))
                for row in connection.execute(query)
            ]

        return work(connection) if connection is not None else self._run(work, write=False)

    def integrity_problems(self) -> list[str]:
        """SQLite's own integrity check ([] when sound); always [] for PostgreSQL."""
        if not self.is_sqlite:
            return []

        def work(connection: Connection) -> list[str]:
            rows = [r[0] for r in connection.exec_driver_sql("PRAGMA integrity_check")]
            return [] if rows == ["ok"] else rows

        return self._run(work, write=False)

    def close(self) -> None:
        _release(self.engine, self._lock_holder)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# -- question versions and regrades (store version 2) ------------------------------------
def question_version(connection: Connection, quiz_id: str, question_id: str,
                     question_hash: str | None) -> int | None:
    """The readable number of a question's content hash, registered on first sight."""
    if question_hash is None:
        return None
    table = schema.question_versions
    for _ in range(20):
        found = connection.execute(select(table.c.version).where(
            table.c.quiz_id == quiz_id, table.c.question_id == question_id,
            table.c.question_hash == question_hash)).scalar()
        if found is not None:
            return int(found)
        highest = connection.execute(select(func.max(table.c.version)).where(
            table.c.quiz_id == quiz_id, table.c.question_id == question_id)).scalar()
        maker = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        statement = maker(table).values(
            quiz_id=quiz_id, question_id=question_id, question_hash=question_hash,
            version=(highest or 0) + 1, first_seen_at=utcnow(),
        ).on_conflict_do_nothing().returning(table.c.version)
        if connection.execute(statement).first() is not None:
            return (highest or 0) + 1
        # another kernel registered this hash or this number meanwhile: look again
    msg = "Could not number the question's version (too many at once). Please try again."
    raise StoreBusyError(msg)


def latest_regrades(connection: Connection, quiz_id: str | None = None) -> dict[str, Any]:
    """The newest regrade row per submission id (the answer's current score)."""
    table = schema.regrades
    query = select(table).order_by(table.c.id)
    if quiz_id is not None:
        query = query.where(table.c.quiz_id == quiz_id)
    return {row.submission_id: row for row in connection.execute(query)}


def latest_attempt_regrades(connection: Connection,
                            quiz_id: str | None = None) -> dict[tuple[str, str, int], Any]:
    """The newest regrade row per (learner, quiz, attempt): the attempt's current total."""
    table = schema.attempt_regrades
    query = select(table).order_by(table.c.id)
    if quiz_id is not None:
        query = query.where(table.c.quiz_id == quiz_id)
    return {(row.learner_id, row.quiz_id, row.attempt): row for row in connection.execute(query)}


def _submission(row: Any, regrade: Any | None) -> Submission:
    return Submission(
        submission_id=row.submission_id, learner_id=row.learner_id,
        quiz_id=row.quiz_id, question_id=row.question_id, attempt=row.attempt,
        response=json.loads(row.response),
        score=row.score if regrade is None else regrade.new_score,
        max_score=row.max_score if regrade is None else regrade.max_score,
        correct=bool(row.correct if regrade is None else regrade.correct),
        duration_seconds=row.duration_seconds,
        submitted_at=_aware(row.submitted_at),
        question_hash=row.question_hash if regrade is None else regrade.question_hash,
        question_version=(row.question_version if regrade is None
                          else regrade.question_version),
        regraded=regrade is not None,
    )


def _attempt(row: Any, regrade: Any | None) -> AttemptRecord:
    score, passed, max_score = row.score, row.passed, row.max_score
    if regrade is not None and regrade.new_score is None and row.score is not None:
        max_score = regrade.max_score  # regraded while open; its total came at the finish
    elif regrade is not None:
        score, passed, max_score = regrade.new_score, regrade.new_passed, regrade.max_score
    return AttemptRecord(
        learner_id=row.learner_id, quiz_id=row.quiz_id, attempt=row.attempt,
        started_at=_aware(row.started_at),
        finished_at=_aware(row.finished_at) if row.finished_at else None,
        score=score, max_score=max_score, pass_mark=row.pass_mark,
        passed=None if passed is None else bool(passed),
        regraded=regrade is not None,
        draw_seed=row.draw_seed, drawn=read_drawn(row.drawn_questions),
    )


def draw_columns(seed: int | None, drawn: Sequence[str] | None) -> dict[str, Any]:
    """The kt_attempts columns that keep an attempt's draw (both null without pools)."""
    return {"draw_seed": seed,
            "drawn_questions": None if drawn is None else json.dumps(list(drawn))}


def read_drawn(value: str | None) -> tuple[str, ...] | None:
    """The drawn question ids stored in kt_attempts.drawn_questions (None: all asked)."""
    if value is None:
        return None
    ids = json.loads(value)
    return tuple(str(i) for i in ids) if isinstance(ids, list) else None


def _sqlite_file(database: str | None, query: Any) -> str | None:
    """The file path of a SQLite URL, also for URI filenames (``file:x.db?mode=ro``)."""
    if database and database.startswith("file:"):
        uri = str(query.get("uri", "")).lower() in ("true", "1")
        if uri:
            path = database[len("file:"):].split("?", 1)[0]
            if path.startswith("//"):  # file://host/path or file:///path
                path = "/" + path[2:].split("/", 1)[-1]
            return path if path else None
    return database


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; everything we store is UTC."""
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def new_submission_id() -> str:
    return uuid.uuid4().hex


def open_store(url: str | None = None) -> ProgressStore:
    """Open (creating if needed) the progress store; raises StoreError with a sentence."""
    return ProgressStore(url)


def learner_attempts(learner_id: str, store: ProgressStore | None = None) -> list[AttemptRecord]:
    """A learner's attempts from ``store``, or from the default store opened just for this."""
    if store is not None:
        return store.attempts(learner_id)
    with open_store() as own:
        return own.attempts(learner_id)
