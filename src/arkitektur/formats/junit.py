"""JUnit XML / one testsuite per rule, one failing testcase per violation or warning, for CI dashboards."""

from __future__ import annotations

from itertools import groupby
from xml.etree import ElementTree as ET

from ..escape import clean
from ._common import title, where


def render(result, *, lang: str = "da", catalogue=None) -> str:
    rule_ids = [r.id for r in catalogue.ordered()] if catalogue is not None else []
    by_rule = {k: list(v) for k, v in groupby(result.findings, key=lambda f: f.rule)}
    for rid in by_rule:
        if rid not in rule_ids:
            rule_ids.append(rid)
    root = ET.Element("testsuites", name="arkitektur", timestamp=result.as_of)
    total = failures = 0
    for rid in rule_ids:
        findings = by_rule.get(rid, [])
        suite = ET.SubElement(root, "testsuite", name=f"{rid} {title(catalogue, rid, lang)}".strip())
        n_fail = 0
        if not findings:
            ET.SubElement(suite, "testcase", classname=rid, name="ingen fund" if lang == "da" else "no findings")
        for f in findings:
            # XML 1.0 cannot hold control characters, not even escaped: labels are cleaned of them.
            case = ET.SubElement(suite, "testcase", classname=rid, name=clean(f"{f.label or f.focus} <{f.focus}>"),
                                 file=f.file or "", line=str(f.line or ""))
            if f.severity.label in ("violation", "warning"):
                n_fail += 1
                failure = ET.SubElement(case, "failure", type=f.severity.label, message=clean(f.message))
                failure.text = clean(f"{where(f)}: {f.message}")
            else:
                out = ET.SubElement(case, "system-out")
                out.text = clean(f"{where(f)}: info: {f.message}" + (
                    f" (dispensation {f.dispensation})" if f.dispensation else ""))
        cases = max(1, len(findings))
        suite.set("tests", str(cases))
        suite.set("failures", str(n_fail))
        suite.set("errors", "0")
        total += cases
        failures += n_fail
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
