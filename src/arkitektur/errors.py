"""Fejl der stopper en kommando / errors that stop a command (exit code 2), each with an ID."""

from __future__ import annotations


class ArkitekturError(Exception):
    """An error the user must fix before the command can run.

    ``code`` is a stable ID (``ARK-E01`` …) that is also a heading in ``docs/fejl.md``.
    Danish first, English alongside.
    """

    def __init__(
        self,
        da: str,
        en: str,
        *,
        code: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(da)
        self.da = da
        self.en = en
        self.code = code
        self.file = file
        self.line = line
        self.column = column

    def location(self) -> str:
        """``file:line:column`` as far as known, or an empty string."""
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def message(self, lang: str = "da") -> str:
        text = self.da if lang == "da" else self.en
        loc = self.location()
        return f"{loc}: {self.code}: {text}" if loc else f"{self.code}: {text}"


class InputError(ArkitekturError):
    """Input that cannot be read: unparseable Turtle, bad encoding, missing path."""


class UsageError(ArkitekturError):
    """A bad option or argument."""


class ShapesError(ArkitekturError):
    """The shapes themselves are wrong (unknown SHACL term, SPARQL that does not parse)."""


class JavaMissing(ArkitekturError):
    """Java is needed for the HermiT reasoner and was not found."""

    def __init__(self) -> None:
        super().__init__(
            "Java blev ikke fundet. HermiT-ræsonneren kræver Java: installér fx "
            "'apt-get install default-jre-headless' og prøv igen.",
            "Java was not found. The HermiT reasoner needs Java: install e.g. "
            "'apt-get install default-jre-headless' and try again.",
            code="ARK-E20",
        )
