"""Ord / the Danish and English words of every output, one table per output, in one place.

Each table maps a language to its words; ``words(TABLE, lang)`` picks English for "en" and Danish
for anything else, as every command does. A translator or reviewer reads all of them here.
"""

from __future__ import annotations


def words(table: dict, lang: str) -> dict:
    """``table``'s words in ``lang``: English for "en", Danish otherwise."""
    return table["en" if lang == "en" else "da"]


#: The divergence statuses in English (the Danish word is the status value itself).
STATUS_EN = {"konvergeret": "converged", "planlagt": "planned", "divergerende": "diverging",
             "ikke registreret": "not registered", "ikke omfattet": "not covered"}


def status(value: str, lang: str) -> str:
    """A convergence status as a reader reads it in ``lang``."""
    return STATUS_EN[value] if lang == "en" else value


#: ``render landskab`` (views/landskab.py): subtitle, box titles, the integration table, the legend.
LANDSKAB = {
    "da": {"sub": "Systemer grupperet efter opgaveområde (KLE-hovedgruppe); udfasede systemer er udeladt. "
                  "Hver integration har et nummer – se tabellen",
           "no_task": "Uden opgave", "shared": "Fælles infrastruktur og grunddata",
           "outside": "Egne systemer uden for udsnittet", "other": "Andre", "direct": "direkte",
           "nr": "Nr.", "from": "Fra", "to": "Til", "via": "Via", "kind": "SF-nr. · mønster",
           "empty": "Ingen systemer at vise for dette filter.",
           "lg_system": "System i drift", "lg_new": "Planlagt eller under indfasning", "lg_out": "Udfases",
           "lg_context": "En anden kommunes system", "lg_register": "Grunddataregister",
           "lg_infra": "Fælles infrastruktur", "lg_via": "Integration via fælles infrastruktur",
           "lg_p2p": "Punkt-til-punkt", "lg_p2p_register": "Grunddata punkt-til-punkt (FDA 2.1)",
           "lg_number": "Nr. i tabellen"},
    "en": {"sub": "Systems grouped by task area (KLE main group); retired systems left out. "
                  "Every integration has a number – see the table",
           "no_task": "No task", "shared": "Shared infrastructure and base registers",
           "outside": "Own systems outside the selection", "other": "Other", "direct": "direct",
           "nr": "No.", "from": "From", "to": "To", "via": "Via", "kind": "SF no. · pattern",
           "empty": "No systems to show for this filter.",
           "lg_system": "System in operation", "lg_new": "Planned or being introduced", "lg_out": "Being retired",
           "lg_context": "Another municipality's system", "lg_register": "Base register",
           "lg_infra": "Shared infrastructure", "lg_via": "Integration via shared infrastructure",
           "lg_p2p": "Point to point", "lg_p2p_register": "Base data point to point (FDA 2.1)",
           "lg_number": "No. in the table"},
}

#: ``check --format text`` (formats/text.py).
CHECK_TEXT = {
    "da": {"violation": "overtrædelse", "warning": "advarsel", "info": "info",
           "summary": "{v} overtrædelser, {w} advarsler, {i} info – {files} filer tjekket pr. {as_of}",
           "none": "Ingen fund.", "disp": "dispensation"},
    "en": {"violation": "violation", "warning": "warning", "info": "info",
           "summary": "{v} violations, {w} warnings, {i} info – {files} files checked as of {as_of}",
           "none": "No findings.", "disp": "dispensation"},
}

#: ``check --format markdown`` (formats/markdown.py).
CHECK_MARKDOWN = {
    "da": {"head": "Arkitekturtjek", "asof": "pr.", "rule": "Regel", "sev": "Alvor", "count": "Fund",
           "where": "Sted", "elem": "Element", "msg": "Besked", "none": "Ingen fund. ✅",
           "violation": "overtrædelse", "warning": "advarsel", "info": "info",
           "violations": "overtrædelser", "warnings": "advarsler", "infos": "info"},
    "en": {"head": "Architecture check", "asof": "as of", "rule": "Rule", "sev": "Severity", "count": "Findings",
           "where": "Location", "elem": "Element", "msg": "Message", "none": "No findings. ✅",
           "violation": "violation", "warning": "warning", "info": "info",
           "violations": "violations", "warnings": "warnings", "infos": "info"},
}

#: ``divergence`` (presenters/divergence.py).
DIVERGENCE = {
    "da": {"title": "Harmoniseringsmatrix pr. {as_of}", "collab": "Samarbejde", "members": "Medlemmer",
           "from": "medlem fra {d}", "target": "målsystem {s}, senest {d}", "notarget": "ingen målløsning",
           "kommune": "Kommune", "status": "Status", "systems": "Systemer", "end": "Udløb",
           "notice": "Opsigelse", "plan": "Plan", "summary": "Konvergens (andel af opgaver med målløsning)",
           "samlet": "Samlet", "of": "{n} af {d}", "none": "Ingen opgaver at vise.", "task": "Opgave",
           "maal": "Målsystem", "senest": "Senest", "notyet": "ikke medlem endnu"},
    "en": {"title": "Harmonisation matrix as of {as_of}", "collab": "Collaboration", "members": "Members",
           "from": "member from {d}", "target": "target system {s}, by {d}", "notarget": "no target solution",
           "kommune": "Municipality", "status": "Status", "systems": "Systems", "end": "Expires",
           "notice": "Notice", "plan": "Plan", "summary": "Convergence (share of tasks with a target solution)",
           "samlet": "Overall", "of": "{n} of {d}", "none": "No tasks to show.", "task": "Task",
           "maal": "Target system", "senest": "By", "notyet": "not yet a member"},
}

#: ``divergence --historik`` (presenters/divergence.py) and the pack's Udvikling section.
HISTORY = {
    "da": {"title": "Konvergens pr. commit ({span})", "commit": "Commit", "date": "Dato", "share": "Andel",
           "of": "{n} af {d}", "cells": "Konvergeret", "subject": "Besked", "none": "Ingen commits i intervallet.",
           "error": "kan ikke læses"},
    "en": {"title": "Convergence per commit ({span})", "commit": "Commit", "date": "Date", "share": "Share",
           "of": "{n} of {d}", "cells": "Converged", "subject": "Message", "none": "No commits in the range.",
           "error": "cannot be read"},
}

#: ``roadmap`` (presenters/roadmap.py); the flag sentences are keyed by the flag types of roadmap.py.
ROADMAP = {
    "da": {"title": "Køreplan pr. {as_of} (fælles udbudsvinduer på {n} måneder)",
           "target": "målsystem {s}, senest {d}", "notarget": "ingen målløsning",
           "kommune": "Kommune", "status": "Status", "systems": "Systemer i drift", "end": "Kontraktudløb",
           "notice": "Opsigelsesdato", "from": "medlem fra {d}", "udbud": "Udbud", "window": "Vindue",
           "windows": "Fælles udbudsvinduer", "nowindows": "Ingen fælles udbudsvinduer.",
           "flags": "Opmærksomhedspunkter", "task": "Opgave", "period": "Periode", "covered": "dækket af",
           "nocand": "før medlemskab", "none": "Ingen opgaver at vise.", "date": "Dato",
           "calendar": "Kalender", "event": "Hændelse", "what": "System eller udbud — opgave", "kommuner": "Kommuner",
           "covered_h": "Dækket af udbud", "today": "◀ køreplan pr.",
           "ev_end": "udløb", "ev_notice": "opsigelse", "ev_udbud": "udbud",
           "oneday": "{d} (én dag)",
           "fastlaast": "{k} er bundet af {s} til {d}, efter målløsningens frist {senest}",
           "udloebet": "{k}: kontrakten for {s} udløb {d}, men systemet er stadig i drift",
           "opsigelse_passeret": "{k}: opsigelsesdatoen for {s} ({d}) er passeret",
           "opsigelse_snart": "{k}: opsigelsesdato for {s} inden for et år ({d})",
           "udbud_efter_senest": "{u} er planlagt {d}, efter målløsningens frist {senest}"},
    "en": {"title": "Roadmap as of {as_of} (joint procurement windows of {n} months)",
           "target": "target system {s}, by {d}", "notarget": "no target solution",
           "kommune": "Municipality", "status": "Status", "systems": "Systems in operation",
           "end": "Contract end", "notice": "Notice date", "from": "member from {d}", "udbud": "Procurement",
           "window": "Window", "windows": "Joint procurement windows", "nowindows": "No joint procurement windows.",
           "flags": "Points of attention", "task": "Task", "period": "Period", "covered": "covered by",
           "nocand": "before membership", "none": "No tasks to show.", "date": "Date",
           "calendar": "Calendar", "event": "Event", "what": "System or procurement — task", "kommuner": "Municipalities",
           "covered_h": "Covered by procurement", "today": "◀ as of",
           "ev_end": "expiry", "ev_notice": "notice", "ev_udbud": "procurement",
           "oneday": "{d} (single day)",
           "fastlaast": "{k} is bound to {s} until {d}, after the target deadline {senest}",
           "udloebet": "{k}: the contract for {s} ended {d}, but the system is still in operation",
           "opsigelse_passeret": "{k}: the notice date for {s} ({d}) has passed",
           "opsigelse_snart": "{k}: notice date for {s} within a year ({d})",
           "udbud_efter_senest": "{u} is planned for {d}, after the target deadline {senest}"},
}

#: ``diff`` (presenters/diff.py).
DIFF = {
    "da": {"title": "Arkitekturændringer {base} → {head}", "worktree": "arbejdskopien", "asof": "pr. {d}",
           "elements": "Elementer", "added": "tilføjet", "removed": "fjernet", "changed": "ændret",
           "findings": "Fund", "appeared": "nye", "fixed": "rettet", "convergence": "Konvergens",
           "kommune": "Kommune", "before": "Før", "after": "Efter", "samlet": "Samlet", "task": "Opgave",
           "property": "Egenskab", "class": "Klasse", "element": "Element", "rule": "Regel",
           "severity": "Alvor", "message": "Besked", "where": "Fil", "cells": "Ændrede celler",
           "none": "Ingen semantiske ændringer.", "anon": "Anonym struktur (blank node)",
           "anon_added": "anonym struktur tilføjet", "anon_removed": "anonym struktur fjernet",
           "nofindings": "Ingen ændringer i fund.", "unchecked": "ikke tjekket",
           "skipped": "Modellerne blev ikke tjekket (--skip-check).", "noconv": "Ingen ændring i konvergens.",
           "more": "… og {n} flere (se jobbets log: arkitektur diff --format text)",
           "violation": "overtrædelse", "warning": "advarsel", "info": "info", "absent": "–",
           "added_h": "Tilføjet", "removed_h": "Fjernet", "changed_h": "Ændret",
           "appeared_h": "Nye fund", "fixed_h": "Rettede fund"},
    "en": {"title": "Architecture changes {base} → {head}", "worktree": "working tree", "asof": "as of {d}",
           "elements": "Elements", "added": "added", "removed": "removed", "changed": "changed",
           "findings": "Findings", "appeared": "new", "fixed": "fixed", "convergence": "Convergence",
           "kommune": "Municipality", "before": "Before", "after": "After", "samlet": "Overall", "task": "Task",
           "property": "Property", "class": "Class", "element": "Element", "rule": "Rule",
           "severity": "Severity", "message": "Message", "where": "File", "cells": "Changed cells",
           "none": "No semantic changes.", "anon": "Anonymous structure (blank node)",
           "anon_added": "anonymous structure added", "anon_removed": "anonymous structure removed",
           "nofindings": "No change in findings.", "unchecked": "not checked",
           "skipped": "The models were not checked (--skip-check).", "noconv": "No change in convergence.",
           "more": "… and {n} more (see the job log: arkitektur diff --format text)",
           "violation": "violation", "warning": "warning", "info": "info", "absent": "–",
           "added_h": "Added", "removed_h": "Removed", "changed_h": "Changed",
           "appeared_h": "New findings", "fixed_h": "Fixed findings"},
}

#: ``new kommune`` (cli/new.py): what was written and what the newcomer still has to model.
NEW = {
    "da": {"created": "Oprettet {name} Kommune <{iri}>, medlem fra {fra}:",
           "next": "Næste skridt (docs/onboarding.md):",
           "step1": ["  1. Registrér {name}s systemanvendelser (ark:Systemanvendelse med ark:kommune, ark:system,",
                     "     ark:livscyklus, ark:understoetterOpgave, ark:kontrakt) i {folder}/systemanvendelser.ttl."],
           "targets": ["     Målarkitekturen har {n} målløsning(er); for hver opgave tjekker HEL-2/HEL-3,",
                       "     om kommunens system er målsystemet:"],
           "by": " (senest {d})",
           "step2": "  2. Kontrakter, integrationer og dataflows i {folder}/ (se de andre medlemmers mapper).",
           "step3": "  3. Udbud planlagt fra {fra} skal have {name} som ark:deltager (HEL-1 melder dem nu):",
           "run": "  Kør: arkitektur check {models}"},
    "en": {"created": "Created {name} Kommune <{iri}>, member from {fra}:",
           "next": "Next steps (docs/onboarding.md):",
           "step1": ["  1. Register {name}'s system usages (ark:Systemanvendelse with ark:kommune, ark:system,",
                     "     ark:livscyklus, ark:understoetterOpgave, ark:kontrakt) in {folder}/systemanvendelser.ttl."],
           "targets": ["     The target architecture has {n} target solution(s); for each task HEL-2/HEL-3 check",
                       "     whether the municipality's system is the target system:"],
           "by": " (by {d})",
           "step2": "  2. Contracts, integrations and data flows in {folder}/ (see the other members' folders).",
           "step3": "  3. Procurements planned from {fra} must have {name} as ark:deltager (HEL-1 reports them now):",
           "run": "  Run: arkitektur check {models}"},
}

#: ``fmt`` (cli/fmt.py): per file and the sum. The Danish lines carry the English alongside, as
#: before ``--lang``: scripts and CI logs read them.
FMT = {
    "da": {"would": "ville blive ændret", "done": "formateret",
           "broken": "{n} fil(er) kan ikke formateres eller skrives; ingen filer er ændret. "
                     "/ {n} file(s) cannot be formatted or written; no file was changed.",
           "check": "{n} fil(er) ville blive ændret, {same} er kanoniske. / {n} file(s) would change, "
                    "{same} already canonical.",
           "sum": "{n} fil(er) formateret, {same} uændret. / {n} formatted, {same} unchanged."},
    "en": {"would": "would change", "done": "formatted",
           "broken": "{n} file(s) cannot be formatted or written; no file was changed.",
           "check": "{n} file(s) would change, {same} already canonical.",
           "sum": "{n} file(s) formatted, {same} unchanged."},
}
