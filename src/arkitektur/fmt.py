"""Kanonisk Turtle / formats model files into one canonical layout without changing a triple.

``format_text`` parses strictly (pyoxigraph), rewrites the layout from a comment-keeping tree
(:mod:`arkitektur.fmt_syntax`, :mod:`arkitektur.fmt_render`), and proves the result: the output
must parse to a graph isomorphic to the input, literal lexical forms included, or it raises and
nothing is written. ``format_files`` formats every file in memory first and writes only when all
of them succeeded; each write is atomic (temporary file in the same folder, fsync, ``os.replace``).

Relative IRIs: the command line reads files like ``check`` does, without a base IRI, so a
relative IRI needs an ``@base`` in the file (else exit 2). ``format_text(text, base_iri=…)``
takes a base for other callers (the W3C suite); relative IRIs are always kept as written and
``@base`` lines keep their place relative to the statements that read them.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import fmt_render, fmt_syntax
from .errors import ArkitekturError, InputError
from .loader import _decode, _reason, discover, too_large
from .turtle_lexer import LexError


class FormatError(ArkitekturError):
    """fmt cannot format a well-formed file without risk; the file is left untouched."""


def _parse(text: str, base_iri: str | None, display: str | None) -> ox.Dataset:
    try:
        return ox.Dataset(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base_iri))
    except SyntaxError as exc:
        da, en = _reason(str(exc))
        raise InputError(da, en, code="ARK-E02", file=display, line=exc.lineno, column=exc.offset) from None
    except MemoryError:  # a token over the parser's 16 MiB buffer
        raise too_large(text, display) from None


def _canonical(ds: ox.Dataset) -> ox.Dataset:
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return ds


def format_text(text: str, *, base_iri: str | None = None, display: str | None = None) -> str:
    """The canonical form of a Turtle document; raises ``InputError`` (unparseable) or
    ``FormatError`` (the round trip would not be isomorphic) and never returns changed data."""
    if text.startswith("\ufeff"):
        text = text[1:]
    before = _parse(text, base_iri, display)
    try:
        doc = fmt_syntax.read(text, base_iri)
    except (fmt_syntax.SyntaxGap, LexError) as exc:
        raise FormatError(
            f"fmt forstår ikke denne del af filen ({exc}); filen er ikke ændret.",
            f"fmt does not understand this part of the file ({exc}); the file is unchanged.",
            code="ARK-E41", file=display, line=exc.line, column=exc.column,
        ) from None
    out = fmt_render.render(doc)
    try:
        after = _parse(out, base_iri, display)
    except InputError as exc:
        raise _not_isomorphic(display, f"output does not parse: {exc.en}") from None
    if len(before) != len(after) or _canonical(before) != _canonical(after):
        raise _not_isomorphic(display, f"{len(before)} triples before, {len(after)} after")
    return out


def _not_isomorphic(display: str | None, detail: str) -> FormatError:
    return FormatError(
        "omformateringen ville ændre data (grafen ville ikke være den samme); filen er ikke ændret. "
        f"Meld venligst fejlen ({detail}).",
        f"reformatting would change the data (the graph would differ); the file is unchanged. "
        f"Please report this ({detail}).",
        code="ARK-E40", file=display,
    )


@dataclass
class FileResult:
    path: Path
    display: str
    original: bytes
    formatted: str

    @property
    def changed(self) -> bool:
        return self.original != self.formatted.encode("utf-8")


def format_file(path: Path, display: str | None = None) -> FileResult:
    """Format one file in memory (nothing is written)."""
    display = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"kan ikke læse filen: {exc.strerror}.", f"cannot read the file: {exc.strerror}.",
                         code="ARK-E01", file=display) from None
    text = _decode(path, data, display)
    return FileResult(path, display, data, format_text(text, display=display))


def format_files(paths: list[Path], *, check: bool = False) -> tuple[list[FileResult], list[ArkitekturError]]:
    """Format every ``.ttl`` under ``paths``. Returns the results and the errors; files are
    written (atomically) only when ``check`` is false and no file had an error."""
    results: list[FileResult] = []
    errors: list[ArkitekturError] = []
    for path in discover(paths):
        try:
            results.append(format_file(path))
        except ArkitekturError as exc:
            errors.append(exc)
    if not check and not errors:
        for r in results:
            if r.changed:
                write_atomic(r.path, r.formatted.encode("utf-8"), display=r.display)
    return results, errors


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes, *, display: str | None = None) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file."""
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError(
            f"kan ikke skrive filen: {exc.strerror or exc}. Den oprindelige fil er urørt.",
            f"cannot write the file: {exc.strerror or exc}. The original file is untouched.",
            code="ARK-E42", file=display or str(path),
        ) from None
    try:  # make the rename itself durable; not every platform can open a folder
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
