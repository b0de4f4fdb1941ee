"""One SQLite connection used from the event loop through one thread of its own: what the
job store and the state store share.

WAL mode, autocommit (each statement its own transaction), statements run one at a time in
the connection's own thread; a statement is shielded from a cancelled caller (shutdown), so
a write the caller gave up on still finishes rather than being left half done in its view.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

_T = TypeVar("_T")


class SqliteThread:
    """A SQLite file, opened on :meth:`open`.

    Args:
        path: the database file (its folder is created).
        name: the thread's name prefix.
        error: raised (from the ``sqlite3.Error``) when a statement fails.
        setup: run once on the new connection (pragmas, schema).
    """

    def __init__(
        self,
        path: Path,
        *,
        name: str,
        error: Callable[[str], Exception],
        setup: Callable[[sqlite3.Connection], object] = lambda db: None,
    ) -> None:
        self.path = path
        self._error = error
        self._setup = setup
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._db: sqlite3.Connection | None = None

    async def open(self) -> None:
        """Open (or create) the database; raises ``OSError`` or ``error`` if it cannot."""

        def open_db() -> None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
            db.execute("PRAGMA journal_mode=WAL")
            self._setup(db)
            self._db = db

        await self._call(open_db)

    async def run(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """``work`` on the connection, in its thread."""

        def run() -> _T:
            if self._db is None:
                raise sqlite3.ProgrammingError("the database is not open")
            return work(self._db)

        return await self._call(run)

    async def close(self) -> None:
        def close_db() -> None:
            if self._db is not None:
                self._db.close()
                self._db = None

        await self._call(close_db)
        self._thread.shutdown(wait=False)  # its last statement ran above

    async def _call(self, work: Callable[[], _T]) -> _T:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.shield(loop.run_in_executor(self._thread, work))
        except sqlite3.Error as exc:
            raise self._error(f"{type(exc).__name__}: {exc}") from exc
