"""SARIF 2.1.0 / one ``rules[]`` entry per rule, every result with a physical location (OASIS SARIF 2.1.0)."""

from __future__ import annotations

import json

from .. import version
from ._common import file_uri

_LEVEL = {"violation": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def _rule_entry(rule, lang: str) -> dict:
    other = "en" if lang == "da" else "da"

    def pick(d):
        return d.get(lang) or d.get(other) or rule.id

    entry = {
        "id": rule.id,
        "name": rule.id.replace("-", "").replace(".", "_"),
        "shortDescription": {"text": pick(rule.title)},
        "fullDescription": {"text": pick(rule.problem) if rule.problem else pick(rule.title)},
        "help": {"text": pick(rule.solution) if rule.solution else pick(rule.message)},
        "defaultConfiguration": {"level": _LEVEL[max(rule.severities).label] if rule.severities else "error"},
        "properties": {"principle": pick(rule.principle) if rule.principle else "", "severity": rule.severity_code},
    }
    if rule.source:
        entry["helpUri"] = rule.source
    if rule.own:  # the repository's own rule (docs/egne-regler.md): where it is written
        entry["properties"]["origin"] = rule.origin
        entry["properties"]["tags"] = ["egen regel / own rule"]
    return entry


def document(result, *, lang: str = "da", catalogue=None) -> dict:
    rules = catalogue.ordered() if catalogue is not None else []
    index = {r.id: i for i, r in enumerate(rules)}
    fallback = result.files[0] if result.files else "models"
    results = []
    for f in result.findings:
        region = {"startLine": f.line or 1}
        if f.line and f.column:
            region["startColumn"] = f.column
        res = {
            "ruleId": f.rule,
            "level": _LEVEL[f.severity.label],
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": file_uri(f.file or fallback)}, "region": region},
                "logicalLocations": [{"fullyQualifiedName": f.focus, **({"name": f.label} if f.label else {})}],
            }],
            "properties": {"focus": f.focus, "kommune": f.kommune, "path": f.path, "value": f.value},
        }
        if f.fix is not None:  # SARIF 2.1.0 §3.55 fix: replace the typo'd term in the file
            x = f.fix
            res["fixes"] = [{
                "description": {"text": x.replacement},
                "artifactChanges": [{
                    "artifactLocation": {"uri": file_uri(f.file or fallback)},
                    "replacements": [{
                        "deletedRegion": {"startLine": x.line, "startColumn": x.column,
                                          "endLine": x.end_line, "endColumn": x.end_column},
                        "insertedContent": {"text": x.replacement},
                    }],
                }],
            }]
        if f.rule in index:
            res["ruleIndex"] = index[f.rule]
        if f.dispensation:
            res["suppressions"] = [{"kind": "external", "status": "accepted",
                                    "justification": f"ark:Dispensation {f.dispensation}"}]
        results.append(res)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "arkitektur",
                "version": version(),
                "informationUri": "https://w3id.org/arkitektur",
                "rules": [_rule_entry(r, lang) for r in rules],
            }},
            "results": results,
            "properties": {"as_of": result.as_of},
        }],
    }


def render(result, *, lang: str = "da", catalogue=None) -> str:
    return json.dumps(document(result, lang=lang, catalogue=catalogue), ensure_ascii=False, indent=2) + "\n"
