"""Kommandogruppen / the click group, shared options and the mapping of errors to exit code 2."""

from __future__ import annotations

import contextvars
import functools
import logging
import os
import shutil
import sys
import tempfile
import traceback
from importlib import import_module
from pathlib import Path

import click

from .. import version
from ..errors import ArkitekturError, UsageError
from .options import LANG_KEY, view_file
from .usage import bilingual

#: ``ctx.meta`` key: the command line as given, for the language of a usage error found mid-parse.
ARGV_KEY = "arkitektur.argv"


# Command name -> the module of this package that registers it on ``main`` when imported. A
# command's module is imported only when the command runs or help lists it, so ``arkitektur check``
# does not pay for rendering, query or interchange imports (tests/test_cli_reference.py keeps this
# table equal to the modules).
COMMAND_MODULES = {
    "check": "check", "diff": "diff", "divergence": "divergence", "export": "export", "fmt": "fmt",
    "import": "import_", "new": "new", "ontology": "ontology", "query": "query", "render": "render",
    "lsp": "lsp", "publish": "publish", "report": "report", "roadmap": "roadmap", "rules": "rules",
    "shacl": "shacl",
}


EXIT_INTERNAL = 3      # a bug in arkitektur: never 1, which CI reads as "findings"
EXIT_INTERRUPTED = 130  # Ctrl-C, as the shell reports a SIGINT
EXIT_BROKEN_PIPE = 141  # the reader went away (`check | head`), as the shell reports a SIGPIPE


def _quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the interpreter's final flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _internal_error(exc: BaseException, debug: bool) -> None:
    """One line naming an internal error (Danish, English alongside); the traceback goes to a file
    in the temp folder, or to stderr with --debug."""
    text = traceback.format_exc()
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    if debug:
        click.echo(text.rstrip(), err=True)
        where_da, where_en = "fejlsporet står ovenfor", "the traceback is above"
    else:
        try:
            fd, path = tempfile.mkstemp(prefix="arkitektur-fejl-", suffix=".txt")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(f"arkitektur {version()}\n{' '.join(sys.argv)}\n\n{text}")
            where_da, where_en = f"fejlsporet er gemt i {path}", f"the traceback is in {path}"
        except OSError:
            where_da, where_en = "kør igen med --debug for fejlsporet", "run again with --debug for the traceback"
    click.echo(f"intern fejl i arkitektur: {what} – en fejl i værktøjet, ikke i dine filer; {where_da}. "
               "Rapportér den med fejlsporet (arkitektur --debug …).", err=True)
    click.echo(f"       (internal error in arkitektur: a bug in the tool, not in your files; {where_en}. "
               "Report it with the traceback (arkitektur --debug …).)", err=True)


def echo_error(exc: ArkitekturError, lang: str) -> None:
    """One error on stderr: Danish with the English alongside, or only English with ``--lang en``."""
    if lang == "en":
        click.echo(f"error: {exc.message('en')}", err=True)
    else:
        click.echo(f"fejl: {exc.message('da')}", err=True)
        click.echo(f"       ({exc.en})", err=True)


# Fast exit (as mypy does): a finished ``check`` ends its process without freeing what it loaded.
# Only for the process's own command line (``arkitektur …``, not a test's CliRunner or a caller of
# ``main.main([...])``), only after the command returned with 0 or 1 – its output written and
# flushed, ``-o`` renamed into place, every ``finally`` run –, and only once something was kept.
_OWNS_PROCESS: contextvars.ContextVar[bool] = contextvars.ContextVar("arkitektur_owns_process", default=False)
_KEPT: list = []


def keep_until_exit() -> list | None:
    """A list for ``check.run_check(keep=…)`` whose contents are never freed – the process ends
    with ``os._exit`` after the command (0.65 s of freeing the store at 98×400, docs/ydelse.md) –,
    or ``None`` where this command does not own the process (then everything is freed as usual)."""
    return _KEPT if _OWNS_PROCESS.get() else None


def _exit_now(code: int) -> None:
    """Flush what is buffered and end the process at once (no finalisation, no freeing)."""
    try:
        if sys.stdout is not None:  # None: started with stdout closed (``>&-``)
            sys.stdout.flush()
    except BrokenPipeError:  # as Group.invoke: the reader went away
        _quiet_stdout()
        code = EXIT_BROKEN_PIPE
    except (OSError, ValueError):
        return  # let the interpreter's own exit report it
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


class Group(click.Group):
    """Loads each command's module on first use; maps ArkitekturError to one Danish line on stderr
    and exit code 2, click's usage errors to the same form (cli/usage.py, exit 2), and any other
    exception to one line and exit code 3 (see ``_internal_error``)."""

    def make_context(self, info_name, args, parent=None, **extra):
        argv = list(args)
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:  # an unknown option of the group itself, e.g. `arkitektur --x`
            raise bilingual(exc, argv) from None
        ctx.meta[ARGV_KEY] = argv
        return ctx

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        token = _OWNS_PROCESS.set(args is None and standalone_mode)  # the console script's call
        try:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        except SystemExit as exc:
            if _KEPT and exc.code in (0, 1, None):
                _exit_now(exc.code or 0)
            raise
        finally:
            _OWNS_PROCESS.reset(token)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, name: str):
        if name not in self.commands and name in COMMAND_MODULES:
            import_module(f"{__package__}.{COMMAND_MODULES[name]}")
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ArkitekturError as exc:
            for each in [*getattr(exc, "errors", [])[:20], exc]:  # several files: each, then the sum
                echo_error(each, ctx.meta.get(LANG_KEY) or "da")
            sys.exit(2)
        except click.UsageError as exc:  # a subcommand's parse or a bad value: click found it
            raise bilingual(exc, ctx.meta.get(ARGV_KEY), ctx.meta.get(LANG_KEY)) from None
        except (click.exceptions.Exit, click.exceptions.ClickException, click.exceptions.Abort):
            raise  # click's own exits and usage errors
        except KeyboardInterrupt:
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(EXIT_BROKEN_PIPE)
        except Exception as exc:  # the top-level guard: a crash is never a finding, never a traceback
            _internal_error(exc, bool(ctx.params.get("debug")))
            sys.exit(EXIT_INTERNAL)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version(), prog_name="arkitektur")
@click.option("--debug", is_flag=True,
              help="Vis hele fejlsporet ved en intern fejl (exit 3) / show the traceback of an internal error.")
def main(debug: bool) -> None:
    """arkitektur – arkitekturrepository og målarkitektur-tjek for kommuner i it-samarbejde.

    Architecture repository and target-architecture checker for collaborating municipalities.
    """
    # rdflib logs a warning per ill-typed literal; MOD-4 reports those as findings instead.
    logging.getLogger("rdflib").setLevel(logging.ERROR)


# -- --endpoint URL on the reading commands (docs/server.md, "hvor arbejdet sker") ------------------
# The published files (their exact text, checksum-checked: server/published.py) are written into a
# private temporary folder under their git paths, the command runs there with those paths – exactly
# as over the files of the published commit – and the folder is removed. Findings therefore point at
# the file and line in git, and the output equals that from the files (tests/test_server.py). Here,
# not in a module of its own: cli/ holds the commands, and `check --help` imports only app and check.

ENDPOINT_HELP = ("Læs den publicerede udgave fra en SPARQL-server i stedet for filer (arkitektur publish) / "
                 "read the publication on a SPARQL server instead of files (docs/server.md).")


def endpoint_option(*, paths: tuple[str, ...] = ("paths",), files: tuple[str, ...] = (),
                    refuse: tuple[str, ...] = (), direct: str | None = None):
    """Add ``--endpoint URL`` and ``--graf-prefiks IRI`` to a command (place it right under
    ``@main.command``). ``paths``: the parameters that name model paths (must be empty with
    --endpoint); ``files``: string parameters that may name a file of the caller (made absolute);
    ``refuse``: options that read git history and so cannot be combined with --endpoint;
    ``direct``: a flag (query's --paa-serveren) that runs the command on the server itself, across
    every publication: the command is then called with ``endpoint`` instead of the published files."""

    def _option_name(param: str) -> str:
        return "--path" if param == "extra_paths" else "--" + param.replace("_", "-")

    def decorate(command):
        @functools.wraps(command)
        def wrapper(*args, endpoint=None, graf_prefiks=None, **kwargs):
            if endpoint is None:
                if graf_prefiks is not None:
                    raise click.UsageError("--graf-prefiks kræver --endpoint / --graf-prefiks needs --endpoint")
                if direct is not None and kwargs.get(direct):
                    flag = _option_name(direct)
                    raise UsageError(f"{flag} kører på en SPARQL-server: angiv --endpoint URL.",
                                     f"{flag} runs on a SPARQL server: give --endpoint URL.", code="ARK-E162")
                return command(*args, **kwargs)
            given = [p for p in paths if kwargs.get(p)] + [r for r in refuse if kwargs.get(r)]
            if given:
                # As the user wrote them: model paths as arguments, the rest as options.
                da = ", ".join("stier" if g == "paths" else _option_name(g) for g in given)
                en = ", ".join("paths" if g == "paths" else _option_name(g) for g in given)
                raise UsageError(
                    f"--endpoint læser den publicerede udgave: kan ikke kombineres med {da}.",
                    f"--endpoint reads the publication: it cannot be combined with {en}.", code="ARK-E161")
            if direct is not None and kwargs.get(direct):
                if graf_prefiks is not None:
                    raise UsageError(f"{_option_name(direct)} spørger på tværs af alle publiceringer: "
                                     "--graf-prefiks giver ingen mening her.",
                                     f"{_option_name(direct)} asks across every publication: --graf-prefiks "
                                     "has no meaning here.", code="ARK-E162")
                return command(*args, endpoint=endpoint, **kwargs)
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
    if kwargs.get("output") is None and kwargs.get("fmt") in ("png", "pdf") and "view" in kwargs:
        # render's file named after the view belongs where the caller is, not in the folder removed below
        kwargs["output"] = view_file(kwargs["view"], kwargs["fmt"]).absolute()
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
