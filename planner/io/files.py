"""Writing files safely: all or nothing, never half a file, nothing left behind.

* :func:`write_files_atomic` writes several text outputs (a report, maps,
  an export) to temporary names first and renames them into place only when
  all are written; on a failure nothing is replaced and the temporary files
  and any folders made for them are removed.
* :func:`write_new_file` writes a new file (the register) under no name at
  all until it is complete (``O_TMPFILE``, then linked into place), so a
  process killed meanwhile leaves nothing behind and an existing file is
  never replaced.

A path the system refuses (no rights, a file where a folder should be, a
file name too long, a full disk) is an :class:`~planner.errors.InputError`
naming the path and what to do.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from planner.errors import InputError


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file in the same folder."""
    return write_files_atomic({Path(path): text})[0]


def write_files_atomic(files: dict, *, private: bool = False) -> list[Path]:
    """Write several files (path -> text, or bytes) all or nothing; return the paths.

    ``private`` files (personal data: letters) are readable by owner and group
    only; others are for sharing (``0666`` less the umask).

    Every file is first written to a temporary name next to its target;
    only when all of them are written are they renamed into place. On any
    failure the temporary files (and folders made for them) are removed,
    nothing is replaced, and the error is an :class:`InputError` naming the
    path and what to do.
    """
    made_dirs: list[Path] = []
    temps: list[tuple[str, Path]] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for path, text in files.items():
            path = Path(path)
            check_target(path)
            made_dirs += make_folders(path.parent)
            try:
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp")
            except OSError as exc:
                raise write_error(path, exc) from None
            temps.append((tmp, path))
            try:
                data = text if isinstance(text, bytes) else text.encode("utf-8")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.chmod(tmp, (0o660 if private else 0o666) & ~umask)  # mkstemp makes 0600
            except OSError as exc:
                raise write_error(path, exc) from None
        done = []
        for tmp, path in temps:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise write_error(path, exc) from None
            done.append(path)
        temps = []
        return done
    except BaseException:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
        remove_folders(made_dirs)
        raise


def check_target(path: Path) -> None:
    """An output path that can be a file: not a folder, and no file where a folder should be."""
    try:
        if path.is_dir():
            raise InputError(f"{path}: is een map; kies een bestandsnaam voor de uitvoer")
        for part in path.parents:
            if part.exists():
                if not part.is_dir():
                    raise InputError(f"{part}: is een bestand, geen map; kies een andere uitvoermap")
                break
    except OSError as exc:  # e.g. a file name too long
        raise write_error(path, exc) from None


def make_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and missing parents; return the folders made (to undo)."""
    missing = []
    for part in (folder, *folder.parents):
        if part.exists():
            break
        missing.append(part)
    for part in reversed(missing):
        try:
            part.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            raise write_error(part, exc) from None
    return list(reversed(missing))  # outermost first; undone in reverse


def remove_folders(made: list[Path]) -> None:
    """Remove the (empty) folders :func:`make_folders` made, innermost first."""
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:
            pass


def write_error(path: Path, exc: OSError) -> InputError:
    """The error for an output path the system refused, naming it and what to do."""
    return InputError(f"{path}: kan niet worden geschreven ({exc.strerror or exc}); kies een andere map of "
                      "bestandsnaam, of controleer de rechten en de vrije ruimte (er is niets geschreven)")


_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]+\.tmp$")


def write_new_file(path: Path, data: bytes, *, what: str = "bestand") -> None:
    """Write ``data`` to the new file ``path`` atomically; never over an existing file.

    Where the file system cannot make a file without a name, a temporary file
    ``.NAME.<pid>-<hex>.tmp`` is used; such files of dead processes are
    removed by :func:`remove_stale_temps`.
    """
    exists = InputError(f"{path}: {what} bestaat al; kies een andere naam of verwijder het eerst")
    try:
        fd = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o600)  # no name until linked
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        try:
            _write_all(fd, data, path, what)
            try:
                os.link(f"/proc/self/fd/{fd}", path)  # atomic, and fails when path exists
            except FileExistsError:
                raise exists from None
            except OSError:  # e.g. no /proc: fall back to a named temporary file
                linked = False
            else:
                linked = True
        finally:
            os.close(fd)
        if linked:
            _sync_folder(path.parent)
            return
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            _write_all(fd, data, path, what)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise exists from None
    except OSError as exc:
        raise InputError(f"{path}: {what} kan niet worden geschreven ({exc.strerror}); controleer de map "
                         "en de rechten") from None
    finally:
        tmp.unlink(missing_ok=True)
    _sync_folder(path.parent)


def _write_all(fd: int, data: bytes, path: Path, what: str) -> None:
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except OSError as exc:
        raise InputError(f"{path}: {what} kan niet worden geschreven ({exc.strerror}); controleer de map, "
                         "de rechten en de vrije ruimte") from None


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_temps(path: Path, *, max_age_s: float = 3600.0) -> list[Path]:
    """Remove the temporary files a killed ``init`` left next to ``path``; return them.

    A file ``.NAME.<pid>-<hex>.tmp`` is removed when process ``pid`` no
    longer runs; an older-style ``.NAME.<random>.tmp`` when it is older than
    ``max_age_s`` (an init takes seconds).
    """
    removed = []
    try:
        candidates = list(path.parent.glob(f".{_glob_escape(path.name)}.*.tmp"))
    except OSError:
        return removed
    for tmp in candidates:
        m = _TEMP.match(tmp.name)
        try:
            if m and m["name"] == path.name:
                if _alive(int(m["pid"])):
                    continue
            elif time.time() - tmp.stat().st_mtime < max_age_s:
                continue
            tmp.unlink()
            removed.append(tmp)
        except OSError:
            continue
    return removed


def _glob_escape(name: str) -> str:
    """``name`` as a glob pattern that matches only itself."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _alive(pid: int) -> bool:
    """Does process ``pid`` run (on this machine)?"""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
