"""``--endpoint URL`` på læsekommandoerne / one decorator: run a command over the publication on a SPARQL server.

The published files (their exact text, checksum-checked: server/published.py) are written into a
temporary folder under their git paths, the command runs there with those paths, exactly as over
the files of the published commit, and the folder is removed. Findings therefore point at the
file and line in git, and the results equal those from the files (docs/server.md, "hvor arbejdet
sker"; tests/test_server.py compares the JSON of both).
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

import click

from ..errors import UsageError

ENDPOINT_HELP = ("Læs den publicerede udgave fra en SPARQL-server i stedet for filer (arkitektur publish) / "
                 "read the publication on a SPARQL server instead of files (docs/server.md).")


def endpoint_option(*, paths: tuple[str, ...] = ("paths",), files: tuple[str, ...] = (),
                    refuse: tuple[str, ...] = ()):
    """Add ``--endpoint URL`` and ``--graf-prefiks IRI`` to a command (place it right under
    ``@main.command``). ``paths``: the parameters that name model paths (must be empty with
    --endpoint); ``files``: string parameters that may name a file of the caller (made absolute);
    ``refuse``: options that read git history and so cannot be combined with --endpoint."""

    def decorate(command):
        @functools.wraps(command)
        def wrapper(*args, endpoint=None, graf_prefiks=None, **kwargs):
            if endpoint is None:
                if graf_prefiks is not None:
                    raise click.UsageError("--graf-prefiks kræver --endpoint / --graf-prefiks needs --endpoint")
                return command(*args, **kwargs)
            given = [p for p in paths if kwargs.get(p)] + [r for r in refuse if kwargs.get(r)]
            if given:
                names = ", ".join(given)
                raise UsageError(
                    f"--endpoint læser den publicerede udgave: kan ikke kombineres med {names}.",
                    f"--endpoint reads the publication: it cannot be combined with {names}.", code="ARK-E161")
            return _run_published(command, args, kwargs, endpoint, graf_prefiks, paths[0], files)

        wrapper = click.option("--graf-prefiks", "graf_prefiks", metavar="IRI",
                               help="Hvilken publicering på serveren (standard: den eneste) / which publication.")(wrapper)
        return click.option("--endpoint", metavar="URL", help=ENDPOINT_HELP)(wrapper)

    return decorate


def _run_published(command, args, kwargs, url, prefix, paths_param, files):
    from ..server import endpoint as endpoint_mod
    from ..server import published

    with endpoint_mod.connect(url) as ep:
        pub = published.read(ep, prefix)
    for name, value in kwargs.items():  # the caller's own files stay where the caller named them
        if isinstance(value, Path):
            kwargs[name] = value.absolute()
        elif name in files and isinstance(value, str) and Path(value).is_file():
            kwargs[name] = str(Path(value).absolute())
    if "as_of" in kwargs and kwargs["as_of"] is None:
        kwargs["as_of"] = pub.as_of.isoformat()  # the date the publication was made for
    folder = Path(tempfile.mkdtemp(prefix="arkitektur-endpoint-"))
    here = Path.cwd()
    try:
        for rel, text in pub.files.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="")  # a private folder, removed below: no user file
        kwargs[paths_param] = tuple(Path(p) for p in pub.paths)
        os.chdir(folder)  # paths as git names them: the findings read models/…/x.ttl:12, as from the files
        return command(*args, **kwargs)
    finally:
        os.chdir(here)
        shutil.rmtree(folder, ignore_errors=True)
