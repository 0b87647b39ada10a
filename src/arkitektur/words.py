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

#: The diagrams' shared words (views/model.py, views/diagram.py, views/layout.py): subtitle, legend.
VIEW = {
    "da": {"asof": "pr. {d}", "task": "opgave {x}", "legend": "Signaturforklaring",
           "count": "×{n}: {n} forbindelser, tegnet som én streg", "of_which": ", heraf {n} med ",
           "fb_kontekst": "Uden for udsnittet (anden opgave eller kommune)",
           "fb_system_ny": "Planlagt eller under indfasning", "fb_system_udfases": "Udfases",
           "register": "Grunddataregister", "infrastruktur": "Fælles infrastruktur",
           "via": "Via fælles infrastruktur", "p2p": "Punkt-til-punkt",
           "p2p_register": "Grunddata punkt-til-punkt (FDA 2.1)", "system": "System (kommunens anvendelse)"},
    "en": {"asof": "as of {d}", "task": "task {x}", "legend": "Legend",
           "count": "×{n}: {n} connections, drawn as one line", "of_which": ", of which {n} with ",
           "fb_kontekst": "Outside the selection (another task or municipality)",
           "fb_system_ny": "Planned or being introduced", "fb_system_udfases": "Being retired",
           "register": "Base register", "infrastruktur": "Shared infrastructure",
           "via": "Via shared infrastructure", "p2p": "Point to point",
           "p2p_register": "Base data point to point (FDA 2.1)", "system": "System (the municipality's usage)"},
}

#: ``render maal`` (views/maal.py).
MAAL = {
    "da": {"sub": "Én bane pr. medlem: systemet i drift i dag → målsystemet", "count": "opgaver",
           "no_system": "intet system i drift", "plan": "plan", "no_plan": "ingen plan",
           "tasks_one": "{n} opgave uden system", "tasks_many": "{n} opgaver uden system",
           "member_from": "medlem fra {d}", "no_targets": "ingen målløsninger for medlemmet",
           "empty": "Ingen målløsninger at vise for dette filter.", "by": "senest {d}",
           "lg_target": "Målsystem (målløsning), i hver bane der peger på det", "lg_system": "System i drift i dag",
           "lg_konvergeret": "konvergeret: bruger allerede målsystemet", "lg_planlagt": "planlagt: udbud eller projekt",
           "lg_divergerende": "divergerende: ingen plan",
           "lg_ikke_registreret": "ikke registreret: intet system registreret for opgaven",
           "lg_ikke_omfattet": "ikke omfattet: ikke medlem på datoen", "lg_disp": "{x}: afvigelsen er godkendt"},
    "en": {"sub": "One lane per member: the system in operation today → the target system", "count": "tasks",
           "no_system": "no system in operation", "plan": "plan", "no_plan": "no plan",
           "tasks_one": "{n} task without a system", "tasks_many": "{n} tasks without a system",
           "member_from": "member from {d}", "no_targets": "no target solutions for the member",
           "empty": "No target solutions to show for this filter.", "by": "by {d}",
           "lg_target": "Target system (target solution), in every lane that points to it",
           "lg_system": "System in operation today",
           "lg_konvergeret": "converged: already uses the target system",
           "lg_planlagt": "planned: procurement or project", "lg_divergerende": "diverging: no plan",
           "lg_ikke_registreret": "not registered: no system registered for the task",
           "lg_ikke_omfattet": "not covered: not a member on the date", "lg_disp": "{x}: the deviation is approved"},
}

#: ``render integrationer`` (views/integrationer.py).
INTEGRATIONER = {
    "da": {"sub": "Én bane pr. medlem; integrationer via fælles infrastruktur går gennem platformens knude i banen",
           "count": "integrationer", "empty_lane": "ingen integrationer registreret",
           "empty": "Ingen integrationer at vise for dette filter.",
           "lg_kontekst": "Et andet medlems system (også vist i dets bane)",
           "lg_infrastruktur": "Serviceplatformen, Beskedfordeler m.fl."},
    "en": {"sub": "One lane per member; integrations via shared infrastructure pass through the platform's node "
                  "in the lane",
           "count": "integrations", "empty_lane": "no integrations registered",
           "empty": "No integrations to show for this filter.",
           "lg_kontekst": "Another member's system (also shown in its lane)",
           "lg_infrastruktur": "Serviceplatformen, Beskedfordeler etc."},
}

#: ``render dataflow`` (views/dataflow.py); the categories keyed by the view's style kinds.
DATAFLOW = {
    "da": {"sub": "Stregens tykkelse og mønster viser personoplysningernes kategori", "count": "dataflows",
           "foelsom": "FØLSOMME", "almindelig": "almindelige", "ingen": "ingen", "ukendt": "ikke angivet",
           "sensitive": "▲ FØLSOMME OPLYSNINGER", "no_basis": "uden retsgrundlag!",
           "tip_pd": "personoplysninger: {x}", "tip_basis": "retsgrundlag: {x}",
           "empty": "Ingen dataflows (ark:Dataflow) at vise for dette filter.",
           "lg_foelsom": "Følsomme personoplysninger", "lg_almindelig": "Almindelige personoplysninger",
           "lg_ingen": "Ingen personoplysninger", "lg_ukendt": "Kategori ikke angivet"},
    "en": {"sub": "The line's width and pattern show the category of personal data", "count": "data flows",
           "foelsom": "SENSITIVE", "almindelig": "ordinary", "ingen": "none", "ukendt": "not stated",
           "sensitive": "▲ SENSITIVE PERSONAL DATA", "no_basis": "no legal basis!",
           "tip_pd": "personal data: {x}", "tip_basis": "legal basis: {x}",
           "empty": "No data flows (ark:Dataflow) to show for this filter.",
           "lg_foelsom": "Sensitive personal data", "lg_almindelig": "Ordinary personal data",
           "lg_ingen": "No personal data", "lg_ukendt": "Category not stated"},
}

#: ``render harmonisering`` (views/harmonisering.py).
HARMONISERING = {
    "da": {"only_target": "Kun opgaver med en målløsning", "all": "Alle opgaver, også uden målløsning",
           "head": ["Opgave (KLE)", "målsystem og frist"], "target": "mål: {s}", "by": "senest {d}",
           "no_target": "ingen målløsning", "no_registered": "intet system registreret",
           "no_system": "intet system i drift", "plan": "plan: {p}", "no_plan": "ingen plan", "end": "udløb {d}",
           "lg_disp": "{x}: godkendt afvigelse"},
    "en": {"only_target": "Only tasks with a target solution", "all": "All tasks, also those without a target solution",
           "head": ["Task (KLE)", "target system and deadline"], "target": "target: {s}", "by": "by {d}",
           "no_target": "no target solution", "no_registered": "no system registered",
           "no_system": "no system in operation", "plan": "plan: {p}", "no_plan": "no plan", "end": "expires {d}",
           "lg_disp": "{x}: approved deviation"},
}

#: ``render roadmap`` (views/roadmap.py): the timeline's texts and legend.
ROADMAP_VIEW = {
    "da": {"lanes": "Én bane pr. medlem: ", "windows": "Fælles vinduer: kontraktudløb højst {n} måneder fra hinanden",
           "tip_window": "Fælles udbudsvindue {a} – {b}", "covered": "dækket af ", "no_udbud": "intet udbud planlagt",
           "deadline": "Målløsningens frist: {d}", "planned": "planlagt {d}", "end": "{k}: kontraktudløb {d}",
           "notice": "{k}: opsigelsesdato {d}", "today": "i dag {d}", "udbud_tag": "U",
           "empty": "Ingen kontrakter, udbud eller vinduer at vise for dette filter.",
           "target": "mål: {s}, senest {d}",
           "lg_end": "Kontraktudløb (kommunens forkortelse)", "lg_notice": "Opsigelsesdato (linjen: opsigelse → udløb)",
           "lg_soon": "Opsigelsesdato inden for et år", "lg_udbud": "Planlagt udbud",
           "lg_window": "Fælles vindue, dækket af et udbud", "lg_open": "Fælles vindue uden udbud",
           "lg_senest": "Målløsningens frist"},
    "en": {"lanes": "One lane per member: ", "windows": "Joint windows: contract ends at most {n} months apart",
           "tip_window": "Joint procurement window {a} – {b}", "covered": "covered by ",
           "no_udbud": "no procurement planned", "deadline": "Target deadline: {d}", "planned": "planned {d}",
           "end": "{k}: contract end {d}", "notice": "{k}: notice date {d}", "today": "today {d}", "udbud_tag": "P",
           "empty": "No contracts, procurements or windows to show for this filter.",
           "target": "target: {s}, by {d}",
           "lg_end": "Contract end (the municipality's abbreviation)", "lg_notice": "Notice date (the line: notice → end)",
           "lg_soon": "Notice date within a year", "lg_udbud": "Planned procurement",
           "lg_window": "Joint window, covered by a procurement", "lg_open": "Joint window without a procurement",
           "lg_senest": "Target deadline"},
}
