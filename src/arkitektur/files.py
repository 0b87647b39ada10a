"""Én måde at skrive filer på / the one way arkitektur writes files: atomic, all or nothing, nothing lost.

Every file the tool writes goes through ``write_all``: each new content goes to a temporary file
in the target's own folder (``.NAME.xxxx.tmp``, which is not ``*.ttl`` and so never read as a
model), is fsynced, gets the mode of the file it replaces (or ``0666 & ~umask`` for a new file),
and is renamed over the target only after every destination has been checked and every temporary
file written. A SIGKILL at any moment leaves each file either old or new. A symlink is followed:
its target is rewritten and the link kept. With ``expected`` a file is replaced only if it still
holds what the caller read, so an edit made while the command ran is never overwritten.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from .errors import ArkitekturError, InputError
from .escape import visible


class WriteError(InputError):
    """A file that cannot be written (exit 2); nothing has been written."""


class WriteErrors(WriteError):
    """Several files cannot be written; ``errors`` holds one ``WriteError`` per file."""

    def __init__(self, errors: list[ArkitekturError]) -> None:
        n = len(errors)
        super().__init__(f"{n} filer kan ikke skrives; ingen filer er ændret.",
                         f"{n} files cannot be written; no file was changed.", code=errors[0].code)
        self.errors = errors


def umask() -> int:
    """The process umask (there is no way to read it without setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _cannot(display: str, exc: OSError) -> WriteError:
    reason = exc.strerror or str(exc)
    return WriteError(f"kan ikke skrive filen: {reason}. Intet er ændret.",
                      f"cannot write the file: {reason}. Nothing was changed.", code="ARK-E42", file=display)


def _changed(display: str) -> WriteError:
    return WriteError(
        "filen er ændret, mens kommandoen kørte; den er ikke overskrevet, og intet er ændret. Kør igen.",
        "the file changed while the command ran; it was not overwritten and nothing was changed. Run again.",
        code="ARK-E110", file=display)


def _is_folder(display: str) -> WriteError:
    return WriteError("stien er en mappe, ikke en fil; angiv et filnavn.",
                      "the path is a folder, not a file; give a file name.", code="ARK-E111", file=display)


def _no_folder(display: str, folder: Path) -> WriteError:
    return WriteError(f"mappen '{folder}' findes ikke; opret den først.",
                      f"the folder '{folder}' does not exist; create it first.", code="ARK-E112", file=display)


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


class _Plan:
    """One destination: where the bytes really go and how."""

    def __init__(self, path: Path, data: bytes, display: str, expected: bytes | None, make_dirs: bool) -> None:
        self.display = display
        self.data = data
        self.expected = expected
        self.make_dirs = make_dirs
        self.old: os.stat_result | None = None
        self.tmp: str | None = None
        self.skip = False
        try:
            st = os.stat(path)
        except OSError:
            st = None
        # A device or pipe (/dev/stdout, /dev/full) is written in place: renaming over it would
        # replace the device node. Anything else: a symlink (even a chain, even a dangling one) is
        # followed so the link itself survives.
        self.direct = st is not None and not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode)
        self.real = Path(path) if self.direct else Path(os.path.realpath(path))

    def check(self) -> ArkitekturError | None:
        try:
            self.old = os.stat(self.real)
        except FileNotFoundError:
            self.old = None
        except OSError as exc:
            return _cannot(self.display, exc)
        if self.direct:
            return None
        if self.old is not None and stat.S_ISDIR(self.old.st_mode):
            return _is_folder(self.display)
        # The folder that must take the new entry: the target's, or with make_dirs the nearest
        # existing ancestor (missing folders are created only once every check has passed).
        folder = self.real.parent
        if self.make_dirs:
            while not os.path.lexists(folder) and folder.parent != folder:
                folder = folder.parent
        if not folder.is_dir():
            return _no_folder(self.display, self.real.parent)
        if not os.access(folder, os.W_OK | os.X_OK):
            return WriteError(f"mappen '{folder}' er skrivebeskyttet; intet er ændret.",
                              f"the folder '{folder}' is read-only; nothing was changed.",
                              code="ARK-E42", file=self.display)
        try:
            current = _current(self.real) if self.old is not None else None
        except OSError as exc:
            return _cannot(self.display, exc)
        if self.expected is not None and current != self.expected and current != self.data:
            return _changed(self.display)
        if current == self.data:  # already what we would write (e.g. a concurrent fmt got there first)
            self.skip = True
        return None

    def write_temp(self, mask: int) -> None:
        if self.direct or self.skip:
            return
        if self.make_dirs:
            self.real.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.real.name}.", suffix=".tmp", dir=self.real.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(self.data)
            fh.flush()
            os.fsync(fh.fileno())
        if self.old is not None:
            os.chmod(self.tmp, stat.S_IMODE(self.old.st_mode))
            if hasattr(os, "chown") and (self.old.st_uid, self.old.st_gid) != (os.getuid(), os.getgid()):
                try:  # root rewriting a colleague's file keeps it theirs
                    os.chown(self.tmp, self.old.st_uid, self.old.st_gid)
                except OSError:
                    pass
        else:
            os.chmod(self.tmp, 0o666 & ~mask)  # mkstemp gives 0600; a new file follows the umask

    def still_expected(self) -> bool:
        if self.expected is None or self.skip:
            return True
        return _current(self.real) in (self.expected, self.data)

    def discard(self) -> None:
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = None


def write_all(files: dict[Path, bytes], *, expected: dict[Path, bytes] | None = None,
              displays: dict[Path, str] | None = None, make_dirs: bool = False) -> list[Path]:
    """Write every file or none. Returns the real paths written (symlinks followed).

    ``expected[path]`` is the content the caller read; the file is replaced only if it still
    holds exactly that (or already holds ``data``: then it is left alone). Raises ``WriteError``
    (one file) or ``WriteErrors`` (several) before anything is replaced. Only a rename failing
    after all checks passed and all temporary files were written (rename in one folder does not
    fail for space or permission) could leave earlier files new and later ones old; each file is
    still whole.
    """
    expected = expected or {}
    displays = displays or {}
    plans: dict[Path, _Plan] = {}
    errors: list[ArkitekturError] = []
    for path, data in files.items():
        display = displays.get(path, str(path))
        plan = _Plan(Path(path), data, display, expected.get(path), make_dirs)
        same = plans.get(plan.real)
        if same is not None:  # two names (links) for one file: written once, if they agree
            if same.data != data:
                errors.append(WriteError(
                    f"to stier peger på samme fil ({same.display}) med forskelligt indhold.",
                    f"two paths point at the same file ({same.display}) with different contents.",
                    code="ARK-E113", file=display))
            continue
        plans[plan.real] = plan
        err = plan.check()
        if err is not None:
            errors.append(err)
    if errors:
        raise errors[0] if len(errors) == 1 else WriteErrors(errors)
    mask = umask()
    todo = list(plans.values())
    try:
        for plan in todo:
            try:
                plan.write_temp(mask)
            except OSError as exc:
                raise _cannot(plan.display, exc) from None
        # Last look before the first rename: an edit made while we formatted wins.
        changed = [_changed(p.display) for p in todo if not p.still_expected()]
        if changed:
            raise changed[0] if len(changed) == 1 else WriteErrors(changed)
        for plan in todo:
            try:
                if plan.skip:
                    continue
                if plan.direct:
                    with open(plan.real, "wb") as fh:
                        fh.write(plan.data)
                else:
                    os.replace(plan.tmp, plan.real)
                    plan.tmp = None
            except OSError as exc:
                raise _cannot(plan.display, exc) from None
    finally:
        for plan in todo:
            plan.discard()
    for folder in {p.real.parent for p in todo if not p.direct and not p.skip}:
        fsync_folder(folder)
    return [p.real for p in todo]


def write_atomic(path: Path, data: bytes, *, expected: bytes | None = None, display: str | None = None) -> Path:
    """Replace (or create) one file so that a crash leaves either the old or the new content."""
    exp = {Path(path): expected} if expected is not None else None
    return write_all({Path(path): data}, expected=exp, displays={Path(path): display or str(path)})[0]


def fsync_folder(folder: Path) -> None:
    """Make renames in ``folder`` durable; not every platform can open a folder, so best effort."""
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


def refuse_input(output: Path | None, inputs: Iterable[Path]) -> None:
    """Refuse an ``-o`` that names one of the command's own inputs: a file given as input, or a
    ``.ttl`` file under an input folder (``check -o models/viborg/systemanvendelser.ttl`` would
    replace a model with a report; a new ``.ttl`` there would be read as a model next time). Links
    are followed, so a link to a model is refused too."""
    if output is None:
        return
    try:
        out = Path(output).resolve()
    except (OSError, RuntimeError):
        return
    for source in inputs:
        try:
            src = Path(source).resolve()
        except (OSError, RuntimeError):
            continue
        if out == src or (out.suffix.lower() == ".ttl" and src in out.parents):
            raise WriteError(
                "-o peger på en af kommandoens egne inputfiler; resultatet ville erstatte modellen. "
                "Vælg et andet filnavn. Intet er skrevet.",
                "-o names one of the command's own input files; the result would replace the model. "
                "Choose another file name. Nothing was written.", code="ARK-E137", file=str(output))


def write_output(data: bytes | str, output: Path | None, *, stdout: IO, inputs: Iterable[Path] = ()) -> None:
    """A command's result: to ``-o`` (atomically, see ``write_all``; text as UTF-8, its terminal
    controls made visible by ``escape.visible``) or to ``stdout``,
    a stream the caller passes (text for ``str``, binary for ``bytes``), since library code does
    not print. ``inputs``: what the command read — ``-o`` may not name one of them (``refuse_input``)."""
    if isinstance(data, str):
        data = visible(data)
    if output is None:
        stdout.write(data)
        stdout.flush()
        return
    refuse_input(output, inputs)
    write_atomic(Path(output), data.encode("utf-8") if isinstance(data, str) else data)


def replace_folder(target: Path, contents: dict[str, bytes], remove_old: Callable[[Path], bool]) -> Path | None:
    """Put a whole folder in place at once: never half-written, an existing one kept until the new one is complete.

    ``contents`` (relative path -> bytes; a path ending in "/" is a folder, made even when empty) is
    written into a temporary folder beside ``target``
    (``.NAME.xxxx.tmp``), every file and folder fsynced and following the umask; then an existing
    ``target`` is renamed aside, the new folder renamed into place, and the old one handed to
    ``remove_old`` (which deletes it its own careful way). Returns the old folder if ``remove_old``
    could not remove it, else ``None``. On any error — or Ctrl-C — the temporary folder is removed
    and ``target`` is as before; the ``OSError`` propagates, as ``FolderNotCreated`` when not even
    the temporary folder could be made.
    """
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise FolderNotCreated(exc.errno, exc.strerror, exc.filename) from None
    kept = None
    try:
        os.chmod(tmp, 0o777 & ~umask())  # mkdtemp gives 0700; colleagues must be able to open it
        folders = {tmp}
        for name, data in contents.items():
            path = tmp / name
            folder = path if name.endswith("/") else path.parent
            if folder not in folders:
                folder.mkdir(parents=True, exist_ok=True)
                folders.add(folder)
            if name.endswith("/"):
                continue
            with open(path, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for folder in sorted(folders, key=lambda f: -len(f.parts)):
            fsync_folder(folder)
        if os.path.lexists(target):
            old = parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
            target.rename(old)
            try:
                tmp.rename(target)
            except BaseException:
                old.rename(target)
                raise
            kept = None if remove_old(old) else old
        else:
            tmp.rename(target)
        fsync_folder(parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # our own temporary folder (gone once renamed), never the user's
        raise
    return kept


class FolderNotCreated(OSError):
    """``replace_folder`` could not create its temporary folder beside the target."""
