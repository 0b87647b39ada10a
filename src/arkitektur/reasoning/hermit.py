"""HermiT-kørsler / runs the HermiT reasoner (the jar owlready2 ships) in its own JVM and reads its answer.

HermiT runs as a subprocess with its command line given here, so the JVM options and the Java
executable go to that one process: no module global of owlready2 and no environment variable of
this process is changed, and two calls can run at once.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from ..errors import ArkitekturError, JavaMissing
from .records import Inferred

# Each HermiT run starts a JVM; localising culprits stops after this many runs in all.
MAX_RUNS = 40

# HermiT runs are short: a JVM that only uses the quick JIT tier and the serial collector
# finishes much sooner (measured 4.4 s -> 1.1 s per run on a busy 2-core machine). 2000 MB of
# heap is owlready2's setting for the same jar.
_JVM_FLAGS = ("-XX:+IgnoreUnrecognizedVMOptions", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx2000M")
# -c classify classes, -O/-D object and data properties, -I realise individuals; datatypes
# outside the OWL 2 datatype map (xsd:date, xsd:gYear, xsd:duration) are not an error.
_HERMIT_ARGS = ("org.semanticweb.HermiT.cli.CommandLine", "-c", "-O", "-D", "-I")
# A JAVA_TOOL_OPTIONS of the user's makes the JVM say so; not part of an error's detail.
_PICKED_UP = "Picked up JAVA_TOOL_OPTIONS"
# HermiT answers one axiom a line: ``SubClassOf( <a> <b> )``, ``Type( <i> <c> )``,
# ``EquivalentClasses( <owl:Nothing> <c> … )``.
_AXIOM = re.compile(r"^([A-Za-z]+)\( ((?:<[^>]+>\s*)+)\)$", re.MULTILINE)
_RELATIONS = {"SubClassOf": str(RDFS.subClassOf), "Type": str(RDF.type)}
_NOTHING = str(OWL.Nothing)


class Inconsistent(Exception):
    """HermiT found the graph inconsistent."""


class OutOfRuns(Exception):
    """MAX_RUNS HermiT runs are used up."""


def find_java(java: str | None) -> str:
    """The Java executable (``java`` on PATH by default); :class:`JavaMissing` (ARK-E20) if none."""
    found = shutil.which(java if java is not None else "java")
    if found is None:
        raise JavaMissing()
    return found


def _classpath() -> str:
    """HermiT as owlready2 ships it: its folder and jar (found without importing owlready2)."""
    spec = importlib.util.find_spec("owlready2")
    hermit = Path(next(iter(spec.submodule_search_locations))) / "hermit"
    return os.pathsep.join([str(hermit), str(hermit / "HermiT.jar")])


class HermiT:
    """Runs HermiT on graphs, one JVM per run, files in ``scratch``; counts the runs."""

    def __init__(self, java: str, scratch: str) -> None:
        self.java = java
        self.scratch = scratch
        self.runs = 0
        self.last_unsat: list[str] = []

    def reason(self, graph: Graph, *, classify: bool = False) -> tuple[list[str], list[Inferred]]:
        """Unsatisfiable classes and (with ``classify``) inferred facts; raises Inconsistent."""
        self.runs += 1
        fd, path = tempfile.mkstemp(prefix="graf-", suffix=".nt", dir=self.scratch)
        os.close(fd)
        try:
            graph.serialize(destination=path, format="nt", encoding="utf-8")
            done = subprocess.run(
                [self.java, *_JVM_FLAGS, "-cp", _classpath(), *_HERMIT_ARGS, Path(path).as_uri(),
                 "--ignoreUnsupportedDatatypes"],
                capture_output=True, check=False,
            )
        except OSError as e:
            raise _failed(str(e) or type(e).__name__) from e
        finally:
            os.unlink(path)
        output = done.stdout.decode("utf-8", "replace")
        if done.returncode != 0:
            said = output + done.stderr.decode("utf-8", "replace")
            if done.returncode == 1 and "Inconsistent ontology" in said:
                raise Inconsistent()
            lines = [line.strip() for line in said.splitlines()
                     if line.strip() and not line.startswith(_PICKED_UP)]
            raise _failed(" ".join(lines[:3])[:500] or f"exit {done.returncode}")
        unsat: set[str] = set()
        inferred = []
        for relation, iris in _AXIOM.findall(output):
            iris = re.findall(r"<([^>]+)>", iris)
            if relation == "EquivalentClasses" and _NOTHING in iris:
                unsat.update(i for i in iris if i != _NOTHING)
            elif classify and relation in _RELATIONS and len(iris) == 2:
                inferred.append(Inferred(iris[0], _RELATIONS[relation], iris[1]))
        self.last_unsat = sorted(unsat)
        return self.last_unsat, inferred

    def consistent(self, graph: Graph) -> bool:
        if self.runs >= MAX_RUNS:
            raise OutOfRuns()
        try:
            self.reason(graph)
        except Inconsistent:
            return False
        return True


def _failed(detail: str) -> ArkitekturError:
    return ArkitekturError(
        f"HermiT-ræsonneren kunne ikke køre: {detail}",
        f"The HermiT reasoner failed to run: {detail}",
        code="ARK-E21",
    )
