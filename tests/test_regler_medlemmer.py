"""HEL-1 and HEL-2 never assume two members: a collaboration of three (or more), and a member that joins later."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from arkitektur.check import run_check
from hostile import PREFIXES

AS_OF = dt.date(2016, 6, 1)
EX = "https://example.org/"

KOMMUNER = [("silkeborg", "Silkeborg Kommune", "740"), ("viborg", "Viborg Kommune", "791"),
            ("skive", "Skive Kommune", "779"), ("randers", "Randers Kommune", "730")]



def _samarbejde(members: list[tuple[str, str, str]], medlem_fra: dict[str, str] | None = None) -> str:
    """Members, the collaboration, optional Medlemskab dates, an ESDH task and its target (SBSYS)."""
    parts = [PREFIXES]
    for slug, label, kode in members:
        parts.append(f'ex:{slug} a ark:Kommune ; rdfs:label "{label}"@da ; ark:kommunekode "{kode}" .\n')
    medlemmer = " , ".join(f"ex:{slug}" for slug, _, _ in members)
    parts.append(f'ex:samarbejde a ark:Samarbejde ; rdfs:label "It-samarbejdet"@da ; ark:medlem {medlemmer} .\n')
    for slug, day in (medlem_fra or {}).items():
        parts.append(
            f'ex:medlemskab-{slug} a ark:Medlemskab ; rdfs:label "Medlemskab: {slug}"@da ;\n'
            f'    ark:samarbejde ex:samarbejde ; ark:kommune ex:{slug} ; ark:medlemFra "{day}"^^xsd:date .\n'
        )
    parts.append("""\
kle00:00.01.10 a ark:Opgave ; skos:notation "00.01.10" ; rdfs:label "Sagsstyring og journalisering"@da .
ex:sbsys a ark:ItSystem ; rdfs:label "SBSYS"@da .
ex:acadre a ark:ItSystem ; rdfs:label "Acadre"@da .
ex:maalarkitektur a ark:Maalarkitektur ; rdfs:label "Målarkitektur 2016"@da ;
    ark:samarbejde ex:samarbejde ; ark:gaelderFra "2016-01-01"^^xsd:date ; ark:maalloesning ex:ml-esdh .
ex:ml-esdh a ark:Maalloesning ; rdfs:label "ESDH: SBSYS"@da ;
    ark:opgave kle00:00.01.10 ; ark:maalsystem ex:sbsys ; ark:senest "2018-12-31"^^xsd:date .
""")
    return "\n".join(parts)


def _udbud(name: str, deltagere: list[str], day: str) -> str:
    who = " , ".join(f"ex:{d}" for d in deltagere)
    return (f'ex:{name} a ark:Udbud ; rdfs:label "{name}"@da ; ark:deltager {who} ;\n'
            f'    ark:omfatter kle00:00.01.10 ; ark:planlagtDato "{day}"^^xsd:date .\n')


def _anvendelse(kommune: str, system: str, livscyklus: str = "IDrift") -> str:
    return (f'ex:{kommune}-{system} a ark:Systemanvendelse ; rdfs:label "{kommune}: {system}"@da ;\n'
            f'    ark:system ex:{system} ; ark:kommune ex:{kommune} ; ark:livscyklus ark:{livscyklus} ;\n'
            f'    ark:understoetterOpgave kle00:00.01.10 .\n')


def _check(tmp_path: Path, text: str, rules: str) -> set[tuple[str, str, str, str | None]]:
    model = tmp_path / "model.ttl"
    model.write_text(text, encoding="utf-8")
    result = run_check([model], as_of=AS_OF, select=f"{rules},MOD-1,MOD-2")
    return {(f.rule, f.severity.label, f.focus, f.value) for f in result.findings}


@pytest.mark.parametrize("n", [3, 4])
def test_hel1_requires_every_member_not_just_two(tmp_path, n):
    members = KOMMUNER[:n]
    slugs = [m[0] for m in members]
    text = (_samarbejde(members)
            + _udbud("udbud-uden-de-sidste", slugs[:2], "2016-10-01")
            + _udbud("udbud-alle", slugs, "2017-03-01"))
    assert _check(tmp_path, text, "HEL-1") == {
        ("HEL-1", "violation", EX + "udbud-uden-de-sidste", EX + slug) for slug in slugs[2:]
    }


def test_hel2_flags_the_third_members_divergent_usage(tmp_path):
    text = (_samarbejde(KOMMUNER[:3])
            + _anvendelse("silkeborg", "sbsys")
            + _anvendelse("viborg", "sbsys")
            + _anvendelse("skive", "acadre"))
    assert _check(tmp_path, text, "HEL-2") == {("HEL-2", "violation", EX + "skive-acadre", EX + "sbsys")}


def test_hel2_third_member_with_a_plan_is_a_warning(tmp_path):
    text = (_samarbejde(KOMMUNER[:3])
            + _anvendelse("silkeborg", "sbsys")
            + _anvendelse("viborg", "acadre")
            + _anvendelse("skive", "acadre")
            + _udbud("udbud-esdh", ["viborg", "skive"], "2017-06-01"))
    found = _check(tmp_path, text, "HEL-1,HEL-2")
    assert found == {
        ("HEL-2", "warning", EX + "viborg-acadre", EX + "sbsys"),
        ("HEL-2", "warning", EX + "skive-acadre", EX + "sbsys"),
        ("HEL-1", "violation", EX + "udbud-esdh", EX + "silkeborg"),
    }


def test_member_that_joins_later_is_not_required_before_it_joins(tmp_path):
    text = (_samarbejde(KOMMUNER[:3], medlem_fra={"skive": "2017-01-01"})
            + _udbud("udbud-foer-skive", ["silkeborg", "viborg"], "2016-10-01")
            + _udbud("udbud-paa-dagen", ["silkeborg", "viborg"], "2017-01-01")
            + _udbud("udbud-efter-skive", ["silkeborg", "viborg"], "2017-03-01")
            + _udbud("udbud-med-skive", ["silkeborg", "viborg", "skive"], "2017-06-01"))
    assert _check(tmp_path, text, "HEL-1") == {
        ("HEL-1", "violation", EX + "udbud-paa-dagen", EX + "skive"),
        ("HEL-1", "violation", EX + "udbud-efter-skive", EX + "skive"),
    }


def test_member_that_has_not_joined_yet_is_not_held_to_the_target(tmp_path):
    text = (_samarbejde(KOMMUNER[:3], medlem_fra={"skive": "2017-01-01"})
            + _anvendelse("silkeborg", "sbsys")
            + _anvendelse("viborg", "sbsys")
            + _anvendelse("skive", "acadre")
            + _anvendelse("skive", "acadre", "Planlagt").replace("ex:skive-acadre", "ex:skive-acadre-ny"))
    assert _check(tmp_path, text, "HEL-2,HEL-3") == set()
    # … until it has joined.
    model = tmp_path / "model.ttl"
    result = run_check([model], as_of=dt.date(2017, 1, 1), select="HEL-2,HEL-3")
    assert {(f.rule, f.severity.label, f.focus) for f in result.findings} == {
        ("HEL-2", "violation", EX + "skive-acadre"),
        ("HEL-3", "violation", EX + "skive-acadre-ny"),
    }


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_a_member_described_nowhere_is_a_mod2_finding(tmp_path, engine):
    """The derived membership facts (afl:medlemAf …) about a typo'd member do not describe it."""
    text = _samarbejde(KOMMUNER[:2]).replace("ark:medlem ex:silkeborg , ex:viborg", "ark:medlem ex:silkeborg , ex:viborg , ex:skiv")
    (tmp_path / "m.ttl").write_text(text, encoding="utf-8")
    result = run_check([tmp_path], as_of=AS_OF, engine=engine)
    assert {(f.rule, f.severity.label, f.focus, f.value) for f in result.findings if f.rule == "MOD-2"} == {
        ("MOD-2", "violation", EX + "samarbejde", EX + "skiv")}
