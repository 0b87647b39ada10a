"""Mødepakken / the static HTML meeting pack (figures, findings, matrix, roadmap, benefits, diagrams), written atomically.

One folder: ``index.html`` with everything inline (CSS, SVG; no script, no network — a
Content-Security-Policy forbids both) and ``diagrammer/*.svg`` for full-size viewing. ``data`` says
what the pack holds, ``svg`` draws and checks the diagrams, ``html`` renders the page from Jinja2
templates with autoescape; ``write_pack`` puts the folder in place (docs/diagrammer.md).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import files as filesys
from .. import render as render_mod
from ..check import Context
from ..divergence import Matrix, build_matrix
from ..errors import UsageError
from ..findings import CheckResult
from ..roadmap import Roadmap, build_roadmap
from ..trajectory import Commit
from .. import version
from .data import Benefit, benefit_columns, benefits, collect, realisation
from .html import page
from .svg import Diagram, UnsafeSvg, check_svg, diagram_specs, inline_svg, make_diagrams, slug

__all__ = ["MARKER", "Benefit", "Diagram", "Pack", "UnsafeSvg", "benefit_columns", "benefits", "build_pack",
           "check_svg", "collect", "diagram_specs", "inline_svg", "make_diagrams", "page", "realisation", "slug",
           "write_pack"]

MARKER = ".arkitektur-moedepakke"


@dataclass
class Pack:
    """The meeting pack before it is written: the page and the diagram files."""

    title: str
    as_of: dt.date
    html: str
    diagrams: list[Diagram]
    notes: list[str]
    deck: dict[str, bytes] = field(default_factory=dict)   # lysbilleder/*.html (report --slides)


def build_pack(ctx: Context, result: CheckResult, *, timeout: float = render_mod.DEFAULT_TIMEOUT,
               matrix: Matrix | None = None, plan: Roadmap | None = None, history: list[Commit] | None = None,
               span: str | None = None, horizon: str | None = None, slides: bool = False) -> Pack:
    """Everything of the pack in memory; nothing is written yet. ``history``: the commits of ``span``
    (Udvikling); ``horizon``: ``--horisont`` (6m when None); ``slides``: also the 16:9 deck (report/slides)."""
    matrix = matrix or build_matrix(ctx)
    plan = plan or build_roadmap(ctx)
    diagrams = make_diagrams(ctx, matrix, plan, timeout)
    items = benefits(ctx.graph)
    title, html = page(ctx, result, matrix, plan, diagrams, items, history, span, horizon)
    notes = [f"{d.title}: {d.note}" for d in diagrams if d.note]
    pack = Pack(title=title, as_of=matrix.as_of, html=html, diagrams=diagrams, notes=notes)
    if slides:
        from .slides import build_deck   # the deck lays every view out again: only when asked for

        deck = build_deck(ctx, matrix, plan, title, matrix.as_of.isoformat(), timeout=timeout)
        pack.deck, pack.notes = deck.files, pack.notes + deck.notes
    return pack


# --------------------------------------------------------------------------- writing


def _refuse(da: str, en: str) -> UsageError:
    return UsageError(da, en, code="ARK-E108")


# The pack's own subfolders and the one kind of file the tool writes in each.
_SUBFOLDERS = {"diagrammer": ".svg", "lysbilleder": ".html"}


def _our_files(folder: Path) -> list[Path] | None:
    """Every file of an earlier pack in ``folder`` (deepest first), or None if it holds anything the
    tool does not write there (or a link): then it is not provably ours and is never deleted."""
    if not (folder / MARKER).is_file():
        return None
    files: list[Path] = []
    for entry in folder.iterdir():
        if entry.name in ("index.html", MARKER) and entry.is_file() and not entry.is_symlink():
            files.append(entry)
        elif entry.name in _SUBFOLDERS and entry.is_dir() and not entry.is_symlink():
            for inner in entry.iterdir():
                if inner.suffix != _SUBFOLDERS[entry.name] or inner.is_symlink() or not inner.is_file():
                    return None
                files.append(inner)
            files.append(entry)
        else:
            return None
    return files


def _remove_pack(folder: Path) -> bool:
    """Delete an earlier pack file by file (never rmtree); False if something new had appeared in it."""
    for entry in _our_files(folder) or []:
        try:
            entry.rmdir() if entry.is_dir() else entry.unlink()
        except OSError:
            return False
    try:
        folder.rmdir()
    except OSError:
        return False
    return True


def write_pack(pack: Pack, out_dir: Path) -> Path:
    """Write the pack into a temporary folder next to ``out_dir``, then rename it into place.

    ``out_dir`` is resolved once (links, ``..``); that same folder is checked and replaced, and
    only if it is empty or an earlier meeting pack holding nothing but what the tool wrote there
    (the marker file, index.html, diagrammer/*.svg, lysbilleder/*.html). The old pack is deleted file by file, never
    with rmtree. On any error the temporary folder is removed and ``out_dir`` is untouched.
    """
    target = Path(os.path.realpath(out_dir))
    if target.parent == target:
        raise _refuse(f"-o: '{out_dir}' kan ikke bruges som mappe til mødepakken.",
                      f"-o: '{out_dir}' cannot be used as the meeting pack's folder.")
    if os.path.lexists(target):
        if not target.is_dir():
            raise _refuse(f"-o: '{out_dir}' findes og er ikke en mappe.", f"-o: '{out_dir}' exists and is not a folder.")
        try:
            empty = not any(target.iterdir())
            ours = empty or _our_files(target) is not None
        except OSError as exc:
            raise filesys.WriteError(f"-o: kan ikke læse mappen: {exc.strerror}.", f"-o: cannot read the folder: "
                                   f"{exc.strerror}.", code="ARK-E42", file=str(out_dir)) from None
        if not ours:
            shown = f"'{out_dir}'" + (f" (= '{target}')" if str(target) != str(Path(out_dir).absolute()) else "")
            raise _refuse(
                f"-o: mappen {shown} findes og er ikke tom eller en tidligere mødepakke (med andre filer "
                "end dem, arkitektur skriver); vælg en ny eller tom mappe.",
                f"-o: the folder {shown} exists and is neither empty nor an earlier meeting pack (it holds files "
                "arkitektur does not write); choose a new or empty folder.")
    contents = {"index.html": pack.html.encode("utf-8"), "diagrammer/": b"",
                MARKER: f"arkitektur {version()} mødepakke pr. {pack.as_of.isoformat()}\n".encode("utf-8")}
    contents.update({f"diagrammer/{d.name}.svg": d.raw for d in pack.diagrams if d.raw is not None})
    contents.update(pack.deck)
    try:
        kept = filesys.replace_folder(target, contents, _remove_pack)
    except filesys.FolderNotCreated as exc:
        raise filesys.WriteError(f"-o: kan ikke oprette mappen: {exc.strerror}. Intet er ændret.",
                                 f"-o: cannot create the folder: {exc.strerror}. Nothing was changed.",
                                 code="ARK-E42", file=str(out_dir)) from None
    except OSError as exc:
        raise filesys.WriteError(f"-o: kan ikke skrive mødepakken: {exc.strerror or exc}. Intet er ændret.",
                                 f"-o: cannot write the meeting pack: {exc.strerror or exc}. Nothing was changed.",
                                 code="ARK-E42", file=str(out_dir)) from None
    if kept is not None:
        pack.notes.append(f"den tidligere mødepakke ligger i '{kept}', fordi der kom nye filer i den "
                          f"under kørslen; slet den selv / the earlier pack was kept in '{kept}'.")
    return Path(os.path.normpath(out_dir)) / "index.html"
