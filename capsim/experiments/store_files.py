"""The files of a store: one writer at a time (a lock), whole writes, errors in one line.

A store that cannot be used raises a :class:`StoreError`: :class:`StoreBusyError` when
another process writes it, :class:`StoreDamagedError` when its files cannot be read as a
store, :class:`StoreWriteError` when it cannot be written (a full disk, no permission).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one writer is then the user's business
    fcntl = None  # type: ignore[assignment]

LOCK = "lock"


class StoreError(RuntimeError):
    """A store that cannot be used as it is: in use, damaged, or not writable."""


class StoreBusyError(StoreError):
    """Another process is writing to the store."""


class StoreDamagedError(StoreError):
    """The store's files cannot be read as a store: its runs cannot be trusted."""


class StoreWriteError(StoreError):
    """The store cannot be written (a full disk, no permission, an I/O error)."""


class FolderLock:
    """An exclusive ``flock`` on ``folder/lock``, held until released or this process ends."""

    def __init__(self, descriptor: int | None) -> None:
        self._descriptor = descriptor

    @classmethod
    def none(cls) -> FolderLock:
        """No lock: for a store opened only to be read."""
        return cls(None)

    @classmethod
    def take(cls, folder: Path, create: bool) -> FolderLock:
        """Lock ``folder`` (made first if ``create``); :class:`StoreBusyError` if it is held."""
        if create:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreWriteError(os_reason(folder, error)) from None
        if fcntl is None:
            return cls(None)
        path = folder / LOCK
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise StoreWriteError(os_reason(path, error)) from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(descriptor, 32).decode("ascii", "replace").strip()
            os.close(descriptor)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise StoreBusyError(
                f"{folder} is in use by another sweep{who}: wait for it to end, or use "
                "another folder"
            ) from None
        try:
            os.ftruncate(descriptor, 0)
            os.write(descriptor, f"{os.getpid()}\n".encode("ascii"))
        except OSError:
            pass  # the process number is only a courtesy to whoever is refused
        return cls(descriptor)

    def release(self) -> None:
        """Release the lock (nothing if it was not taken)."""
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing the descriptor releases the flock
            self._descriptor = None

    @contextmanager
    def released_on_failure(self) -> Iterator[FolderLock]:
        """This lock, released if the block raises; else kept, by the store it opened."""
        try:
            yield self
        except BaseException:
            self.release()
            raise


@contextmanager
def guarded(database: Path) -> Iterator[None]:
    """Turn SQLite and file errors on ``database`` into :class:`StoreError`."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        code = getattr(error, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_FULL:
            raise StoreWriteError(f"cannot write {database}: no space left on device") from None
        if isinstance(error, sqlite3.OperationalError) and code != sqlite3.SQLITE_CORRUPT:
            raise StoreWriteError(f"cannot write {database}: {error}") from None
        raise StoreDamagedError(
            f"{database} is damaged ({error}): its runs cannot be trusted; start the sweep "
            "again in a new folder"
        ) from None
    except (FileNotFoundError, FileExistsError):
        raise
    except OSError as error:
        raise StoreWriteError(os_reason(database.parent, error)) from None


def write_whole(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` whole or not at all: ``write`` writes a staging file, renamed into place.

    Raises :class:`StoreWriteError` (the staging file removed) if it cannot be written.
    """
    staging = path.with_name(f".{path.name}.tmp")
    try:
        write(staging)
        os.replace(staging, path)
    except OSError as error:
        staging.unlink(missing_ok=True)
        raise StoreWriteError(os_reason(path, error)) from None


def os_reason(path: Path, error: OSError) -> str:
    """One line for a file that cannot be written."""
    reason = (error.strerror or str(error)).lower()
    return f"cannot write {error.filename or path}: {reason}"


__all__ = [
    "LOCK",
    "FolderLock",
    "StoreBusyError",
    "StoreDamagedError",
    "StoreError",
    "StoreWriteError",
    "guarded",
    "os_reason",
    "write_whole",
]
