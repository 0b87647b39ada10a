"""Brugsfejl / click's own usage errors (missing argument, unknown option, bad value) written like
the tool's errors: Danish first, English alongside, with an ID (docs/fejl.md, ARK-E183).

click writes its messages in English through gettext; rather than installing a catalogue for the
whole process (gettext's domain is global, and a wrong catalogue would change click's help text
too), the message is rebuilt here from the exception's fields, and click's own English text goes
alongside unchanged. Called only from ``cli/app.py``'s ``Group``.
"""

from __future__ import annotations

import re

import click
from click import exceptions as cx

#: The ID every usage error click finds carries (docs/fejl.md).
CODE = "ARK-E183"

# click's English messages of bad values, as written by click.types (8.1–8.3) → Danish.
_VALUE_PATTERNS = [
    (re.compile(r"^(?P<v>.+) is not one of (?P<c>.+)\.$", re.S), "{v} er ikke en af {c}."),
    (re.compile(r"^(?P<v>.+) is not (?P<c>'[^']*')\.$", re.S), "{v} er ikke {c}."),
    (re.compile(r"^(?P<v>.+) is not a valid integer( range)?\.$", re.S), "{v} er ikke et heltal."),
    (re.compile(r"^(?P<v>.+) is not a valid float( range)?\.$", re.S), "{v} er ikke et tal."),
    (re.compile(r"^(?P<v>.+) is not a valid boolean\.$", re.S), "{v} er ikke ja/nej (true/false)."),
    (re.compile(r"^(?P<v>.+) is not in the range (?P<c>.+)\.$", re.S), "{v} er ikke i intervallet {c}."),
    (re.compile(r"^(?P<k>File|Directory|Path) (?P<v>.+) does not exist\.$", re.S), "{k} {v} findes ikke."),
    (re.compile(r"^(?P<k>File|Directory|Path) (?P<v>.+) is a file\.$", re.S), "{k} {v} er en fil."),
    (re.compile(r"^(?P<k>File|Directory|Path) (?P<v>.+) is a directory\.$", re.S), "{k} {v} er en mappe."),
    (re.compile(r"^(?P<k>File|Directory|Path) (?P<v>.+) is not readable\.$", re.S), "{k} {v} kan ikke læses."),
    (re.compile(r"^(?P<k>File|Directory|Path) (?P<v>.+) is not writable\.$", re.S), "{k} {v} kan ikke skrives."),
]
_KIND = {"File": "filen", "Directory": "mappen", "Path": "stien"}

_USAGE_PATTERNS = [
    (re.compile(r"^Option (?P<n>'[^']+') requires an argument\.$"), "tilvalget {n} kræver en værdi."),
    (re.compile(r"^Option (?P<n>'[^']+') requires (?P<k>\d+) arguments\.$"), "tilvalget {n} kræver {k} værdier."),
    (re.compile(r"^Option (?P<n>'[^']+') does not take a value\.$"), "tilvalget {n} tager ingen værdi."),
    (re.compile(r"^Argument (?P<n>'[^']+') takes (?P<k>\d+) values\.$"), "argumentet {n} kræver {k} værdier."),
    (re.compile(r"^Got unexpected extra argument \((?P<a>.*)\)$", re.S), "uventet ekstra argument ({a})."),
    (re.compile(r"^Got unexpected extra arguments \((?P<a>.*)\)$", re.S), "uventede ekstra argumenter ({a})."),
    (re.compile(r"^Missing command\.$"), "kommandoen mangler: skriv fx 'arkitektur check'."),
    (re.compile(r"^No such command (?P<n>'[^']+')\.$"), "ukendt kommando {n}."),
]


def _hint(exc) -> str:
    """The parameter as the user typed it ('--format', 'VISNING'), as click names it."""
    hint = getattr(exc, "param_hint", None)
    if hint is None and getattr(exc, "param", None) is not None:
        hint = exc.param.get_error_hint(exc.ctx)
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    return hint or ""


def _value(message: str) -> str | None:
    for pattern, da in _VALUE_PATTERNS:
        m = pattern.match(message.strip())
        if m:
            parts = m.groupdict()
            if "k" in parts:
                parts["k"] = _KIND[parts["k"]]
            if "c" in parts:
                parts["c"] = parts["c"].replace(" or ", " eller ")
            return da.format(**parts)
    return None


def _maybe(possibilities) -> str:
    if not possibilities:
        return ""
    return " Mente du " + " eller ".join(f"'{p}'" for p in sorted(possibilities)) + "?"


def danish(exc: click.UsageError) -> str:
    """The message of ``exc`` in Danish; click's English text where no Danish is known."""
    if isinstance(exc, cx.NoSuchOption):
        return f"ukendt tilvalg '{exc.option_name}'.{_maybe(exc.possibilities)}"
    if isinstance(exc, cx.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
        what = {"argument": "argumentet", "option": "tilvalget"}.get(kind, "parameteren")
        text = f"{what} {_hint(exc)} mangler.".replace("  ", " ")
        if exc.param is not None and isinstance(exc.param.type, click.Choice):
            text += " Vælg mellem: " + ", ".join(map(str, exc.param.type.choices)) + "."
        return text
    if isinstance(exc, cx.BadParameter):
        value = _value(exc.message) or exc.message
        hint = _hint(exc)
        return f"ugyldig værdi for {hint}: {value}" if hint else f"ugyldig værdi: {value}"
    message = exc.message.strip()
    for pattern, da in _USAGE_PATTERNS:
        m = pattern.match(message)
        if m:
            return da.format(**m.groupdict()) + _maybe(getattr(exc, "possibilities", None))
    return message


def _english(exc: click.UsageError) -> str:
    # click lists choices one per line after a tab; one line reads better beside the Danish.
    return " ".join(exc.format_message().split())


def lang_in(args) -> str | None:
    """``--lang da|en`` as typed among ``args`` (the parse may have stopped before the option was read)."""
    args = list(args or ())
    for i, a in enumerate(args):
        if a == "--":
            break
        if a == "--lang" and i + 1 < len(args) and args[i + 1] in ("da", "en"):
            return args[i + 1]
        if a in ("--lang=da", "--lang=en"):
            return a.split("=", 1)[1]
    return None


class BilingualUsageError(click.UsageError):
    """A click usage error shown like the tool's own: the usage line, where to read more, and the
    reason Danish first with the English alongside (or English only with ``--lang en``). Exit 2."""

    def __init__(self, original: click.UsageError, lang: str) -> None:
        super().__init__(original.format_message(), original.ctx)
        self.original = original
        self.lang = lang
        self.exit_code = original.exit_code

    def show(self, file=None) -> None:
        ctx, en = self.original.ctx, self.lang == "en"
        if ctx is not None:
            usage = ctx.get_usage()
            if not en:
                usage = re.sub(r"^Usage:", "Brug:", usage)
            help_name = max(ctx.command.get_help_option_names(ctx) or ["--help"], key=len)
            see = f"{'Help' if en else 'Hjælp / help'}: {ctx.command_path} {help_name}"
            click.echo(f"{usage}\n{see}\n", err=True)
        if en:
            click.echo(f"error: {CODE}: {_english(self.original)}", err=True)
        else:
            click.echo(f"fejl: {CODE}: {danish(self.original)}", err=True)
            click.echo(f"       ({_english(self.original)})", err=True)


def bilingual(exc: click.UsageError, args=None, lang: str | None = None) -> click.UsageError:
    """``exc`` as a ``BilingualUsageError`` (once: an already converted error passes through)."""
    if isinstance(exc, BilingualUsageError) or isinstance(exc, getattr(cx, "NoArgsIsHelpError", ())):
        return exc  # converted already, or a group called bare: click shows its help, as it should
    if isinstance(exc, cx.NoSuchCommand) and not exc.possibilities and exc.ctx is not None:
        # click suggests options but not commands: `arkitektur chekc` → 'check'
        from difflib import get_close_matches

        names = exc.ctx.command.list_commands(exc.ctx) if isinstance(exc.ctx.command, click.Group) else []
        close = get_close_matches(exc.command_name, names)
        if close:
            exc = cx.NoSuchCommand(exc.command_name, possibilities=close, ctx=exc.ctx)
    return BilingualUsageError(exc, lang or lang_in(args) or "da")
