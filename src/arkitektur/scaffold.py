"""Nyt medlem / scaffolds a new member municipality: its Kommune and Forum, and its Medlemskab of the collaboration.

Only new files are written (``<dir>/<slug>/kommune.ttl`` and ``medlemskab-<slug>.ttl`` next to the
file that declares the collaboration); existing files are never edited: ``<samarbejde> ark:medlem
<kommune>`` is stated in the new membership file, and RDF merges it with the rest. Both files are
written in ``fmt``'s canonical form. Nothing is written when anything is wrong (exit 2).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef

from . import loader
from .check import model_paths
from .errors import InputError, UsageError
from .files import write_atomic
from .fmt import format_text
from .formatting import label
from .namespaces import ARK, PREFIXES, RDF, SKOS, curie, declared_prefixes

DEFAULT_BASE = "https://w3id.org/arkitektur/eksempel/"
_STANDARD = {p: PREFIXES[p] for p in ("ark", "rdfs", "xsd")}  # the prefixes every new file may declare
_TRANSLIT = {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"}


def _ascii(text: str) -> str:
    text = "".join(_TRANSLIT.get(c, c) for c in text)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slug(name: str) -> str:
    """``Ringkøbing-Skjern`` → ``ringkoebing-skjern`` (lowercase ASCII, æ→ae, ø→oe, å→aa)."""
    return re.sub(r"[^a-z0-9]+", "-", _ascii(name).lower()).strip("-")


def local_name(name: str) -> str:
    """``Ringkøbing-Skjern`` → ``RingkoebingSkjern`` (the IRI's local name, like ``vi:Viborg``)."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", _ascii(name)) if p)


@dataclass
class Plan:
    """What ``new kommune`` will write, and what the newcomer still has to model."""

    name: str
    slug: str
    kommune: str
    forum: str
    medlemskab: str
    samarbejde: str
    fra: dt.date
    files: dict[Path, str] = field(default_factory=dict)
    folder: Path | None = None
    maalloesninger: list[tuple[str, str, str]] = field(default_factory=list)  # (opgave, system, senest)
    udbud_uden: list[str] = field(default_factory=list)  # Udbud on/after fra without the newcomer


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _lit(text: str, lang: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


def _error(da: str, en: str, code: str, file: str | None = None) -> UsageError:
    return UsageError(da, en, code=code, file=file)


def plan_kommune(
    name: str,
    *,
    directory: Path = Path("models"),
    kode: str | None = None,
    samarbejde: str | None = None,
    fra: dt.date | None = None,
) -> Plan:
    """Check everything and compose the two files; raises ``ArkitekturError`` and writes nothing."""
    name = re.sub(r"\s+[Kk]ommune$", "", " ".join(name.split()))
    the_slug, local = slug(name), local_name(name)
    if not the_slug or not the_slug[0].isalpha() or not local:
        raise _error(f"'{name}' giver ikke et brugbart navn (det skal begynde med et bogstav).",
                     f"'{name}' does not give a usable name (it must start with a letter).", "ARK-E60")
    if kode is not None and not re.fullmatch(r"\d{3}", kode):
        raise _error(f"--kode '{kode}': en kommunekode er tre cifre, fx 740.",
                     f"--kode '{kode}': a municipality code has three digits, e.g. 740.", "ARK-E60")
    if not directory.is_dir():
        raise _error("mappen findes ikke (angiv repositoriets models-mappe med --dir).",
                     "the folder does not exist (give the repository's models folder with --dir).",
                     "ARK-E01", str(directory))
    folder = directory / the_slug
    if folder.exists():
        raise _error(f"{folder} findes allerede: kommunen ser ud til at være oprettet.",
                     f"{folder} already exists: the municipality seems to exist already.", "ARK-E61", str(folder))

    repo = loader.load(model_paths([directory]))  # not the own rules' examples
    g = repo.graph()
    collaborations = sorted(set(repo.model.subjects(RDF.type, ARK.Samarbejde)), key=str)
    if samarbejde:
        chosen = URIRef(samarbejde.strip("<>"))
        if chosen not in collaborations:
            raise _error(f"--samarbejde {samarbejde}: intet ark:Samarbejde med den IRI i {directory}.",
                         f"--samarbejde {samarbejde}: no ark:Samarbejde with that IRI in {directory}.", "ARK-E62")
    elif len(collaborations) == 1:
        chosen = collaborations[0]
    else:
        found = ", ".join(f"<{c}>" for c in collaborations) or "ingen / none"
        raise _error(f"fandt {len(collaborations)} samarbejder i {directory} ({found}); angiv et med --samarbejde IRI.",
                     f"found {len(collaborations)} collaborations in {directory} ({found}); choose one with --samarbejde IRI.",
                     "ARK-E62")

    sam_ns = _namespace(str(chosen))
    base = sam_ns.rstrip("#/")
    base = base[: base.rfind("/") + 1] if "/" in base.split("://", 1)[-1] else DEFAULT_BASE
    ns = f"{base}{the_slug}#"
    kommune, forum = URIRef(ns + local), URIRef(ns + f"Forum_{local}")
    medlemskab = URIRef(sam_ns + f"Medlemskab_{local}")
    for iri in (kommune, forum, medlemskab):
        if (iri, None, None) in repo.model or (None, None, iri) in repo.model:
            file, line = repo.locator.locate(str(iri))
            where = f" ({file}:{line})" if file else ""
            raise _error(f"<{iri}> findes allerede i repositoriet{where}.",
                         f"<{iri}> already exists in the repository{where}.", "ARK-E61", file)
    if kode is not None:
        for other in repo.model.subjects(ARK.kommunekode, Literal(kode)):
            raise _error(f"kommunekoden {kode} bruges allerede af <{other}>.",
                         f"the municipality code {kode} is already used by <{other}>.", "ARK-E61")

    sam_file, _ = repo.locator.locate(str(chosen))
    sam_folder = Path(sam_file).parent if sam_file else directory / "samarbejde"
    membership_file = sam_folder / f"medlemskab-{the_slug}.ttl"
    if membership_file.exists():
        raise _error("filen findes allerede.", "the file already exists.", "ARK-E61", str(membership_file))

    day = fra or dt.date.today()
    known: dict[str, str] = {}  # namespace -> the prefix the repository's files declare for it first
    for pfx, namespace in declared_prefixes(repo.model_files):
        if pfx:
            known.setdefault(namespace, pfx)
    prefixes = dict(_STANDARD)
    sam_prefix = known.get(sam_ns, "sam")
    if sam_prefix in _STANDARD or sam_prefix == the_slug:
        sam_prefix = "samarbejde" if the_slug == "sam" else "sam"
    prefixes[sam_prefix] = sam_ns
    prefixes[the_slug] = ns
    sam_label = label(g, chosen)

    def t(iri) -> str:
        return curie(str(iri), prefixes) or f"<{iri}>"

    def header(lines: list[str], used: list[str]) -> str:
        head = "".join(f"# {ln}\n" for ln in lines) + "\n"
        return head + "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in used) + "\n"

    kode_line = f' ;\n    ark:kommunekode "{kode}"' if kode else ""
    kommune_ttl = header(
        [f"{name} Kommune: kommunen og dens strategiske digitaliseringsforum.",
         f"{name} Municipality: the municipality and its strategic digitalisation forum.",
         f"Medlem af {sam_label} fra {day.isoformat()} (se {membership_file.name}).",
         "Næste skridt / next steps: docs/onboarding.md."],
        ["ark", "rdfs", the_slug],
    ) + (
        f"{t(kommune)}\n    a ark:Kommune ;\n"
        f"    rdfs:label {_lit(name + ' Kommune', 'da')} , {_lit(name + ' Municipality', 'en')}{kode_line} .\n\n"
        f"{t(forum)}\n    a ark:Forum ;\n"
        f"    rdfs:label {_lit('Strategisk digitaliseringsforum, ' + name + ' Kommune', 'da')} ,\n"
        f"        {_lit('Strategic digitalisation forum, ' + name + ' Municipality', 'en')} ;\n"
        f"    ark:kommune {t(kommune)} .\n"
    )
    membership_ttl = header(
        [f"{name} Kommunes medlemskab af {sam_label} fra {day.isoformat()}.",
         f"{name} Municipality's membership of the collaboration from {day.isoformat()}.",
         "Oprettet med / created with 'arkitektur new kommune'."],
        sorted({"ark", "rdfs", "xsd", sam_prefix, the_slug}),
    ) + (
        f"{t(medlemskab)}\n    a ark:Medlemskab ;\n"
        f"    rdfs:label {_lit(name + ' Kommunes medlemskab af samarbejdet', 'da')} ,\n"
        f"        {_lit(name + ' Municipality' + chr(39) + 's membership of the collaboration', 'en')} ;\n"
        f"    ark:samarbejde {t(chosen)} ;\n    ark:kommune {t(kommune)} ;\n"
        f'    ark:medlemFra "{day.isoformat()}"^^xsd:date .\n\n'
        f"{t(chosen)}\n    ark:medlem {t(kommune)} .\n"
    )
    plan = Plan(name=name, slug=the_slug, kommune=str(kommune), forum=str(forum), medlemskab=str(medlemskab),
                samarbejde=str(chosen), fra=day, folder=folder)
    plan.files[folder / "kommune.ttl"] = format_text(kommune_ttl, display=str(folder / "kommune.ttl"))
    plan.files[membership_file] = format_text(membership_ttl, display=str(membership_file))

    # What the newcomer still has to model: every target solution of the collaboration, and the
    # procurements planned on or after its medlemFra that do not include it (HEL-1 will say so).
    for ma in g.subjects(ARK.samarbejde, chosen):
        if (ma, RDF.type, ARK.Maalarkitektur) not in g:
            continue
        for ml in g.objects(ma, ARK.maalloesning):
            task = g.value(ml, ARK.opgave)
            notation = g.value(task, SKOS.notation) if task is not None else None
            task_text = f"{notation} {label(g, task)}" if notation else label(g, task) if task else "?"
            system = g.value(ml, ARK.maalsystem)
            plan.maalloesninger.append((task_text, label(g, system) if system else "?",
                                        str(g.value(ml, ARK.senest) or "")))
    plan.maalloesninger = sorted(set(plan.maalloesninger))
    for u in g.subjects(RDF.type, ARK.Udbud):
        when = g.value(u, ARK.planlagtDato)
        try:
            planned = dt.date.fromisoformat(str(when)) if when is not None else None
        except ValueError:
            planned = None
        if planned is not None and planned >= day:
            plan.udbud_uden.append(f"{label(g, u)} ({planned.isoformat()})")
    plan.udbud_uden.sort()
    return plan


def write(plan: Plan) -> None:
    """Write the plan's files atomically; if one cannot be written, remove what was written."""
    written: list[Path] = []
    created_folder = plan.folder is not None and not plan.folder.exists()
    try:
        for path, text in plan.files.items():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(f"kan ikke oprette mappen: {exc.strerror}.",
                                 f"cannot create the folder: {exc.strerror}.", code="ARK-E42",
                                 file=str(path.parent)) from None
            write_atomic(path, text.encode("utf-8"))
            written.append(path)
    except BaseException:
        for path in written:
            if plan.folder is None or plan.folder not in path.parents:
                path.unlink(missing_ok=True)
        if created_folder and plan.folder.exists():
            shutil.rmtree(plan.folder, ignore_errors=True)
        raise


def new_kommune(name: str, **options) -> Plan:
    """Plan and write a new member; see :func:`plan_kommune` for the options."""
    plan = plan_kommune(name, **options)
    write(plan)
    return plan
