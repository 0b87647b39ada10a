"""Mødepakken som PDF / prints the written meeting pack to PDF with headless Chromium (docs/diagrammer.md).

Chromium rather than a Python HTML-to-PDF library: the pack's print stylesheet uses named pages (one
landscape page per diagram) and is tested in the same browser the forum members print from; the
tests already drive it. Chromium runs offline with a throw-away profile; the page itself has no
script and a CSP that forbids the network. The PDF is written through ``arkitektur.files``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .. import files as filesys
from ..errors import ArkitekturError, UsageError

#: The names Chromium is installed under (Debian/Ubuntu, snaps, Google's packages).
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 180.0


class PdfError(ArkitekturError):
    """Chromium could not print the pack."""


def find_browser() -> str:
    """The path of an installed Chromium; ARK-E133 with how to install it when there is none."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise UsageError(
        "--pdf kræver Chromium, og det er ikke installeret (søgt efter " + ", ".join(BROWSERS) + " på PATH). "
        "Installér det med 'sudo apt-get install chromium' (Debian/Ubuntu) eller 'bash scripts/opsaet.sh --test', "
        "eller udskriv index.html fra en browser (Ctrl+P, A4). Intet er skrevet.",
        "--pdf needs Chromium, which is not installed (looked for " + ", ".join(BROWSERS) + " on PATH). "
        "Install it with 'sudo apt-get install chromium' (Debian/Ubuntu) or 'bash scripts/opsaet.sh --test', "
        "or print index.html from a browser (Ctrl+P, A4). Nothing was written.", code="ARK-E133")


def print_pdf(index: Path, target: Path, *, browser: str | None = None, timeout: float = TIMEOUT) -> Path:
    """Print ``index`` (the pack's index.html) to ``target`` and return it; the old file is kept on failure."""
    browser = browser or find_browser()
    with tempfile.TemporaryDirectory(prefix="arkitektur-pdf-") as tmp:
        out = Path(tmp) / "moedepakke.pdf"
        cmd = [browser, "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-pdf-header-footer",
               f"--user-data-dir={Path(tmp) / 'profil'}", f"--print-to-pdf={out}", index.resolve().as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.insert(1, "--no-sandbox")   # Chromium refuses to start as root with its sandbox
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise _failed(f"Chromium blev ikke færdig inden for {timeout:g} sekunder",
                          f"Chromium did not finish within {timeout:g} seconds", target) from None
        except OSError as exc:
            raise _failed(f"Chromium kunne ikke starte ({exc.strerror or exc})",
                          f"Chromium could not start ({exc.strerror or exc})", target) from None
        data = out.read_bytes() if out.is_file() else b""
        if proc.returncode != 0 or not data.startswith(b"%PDF"):
            tail = " ".join(proc.stderr.decode("utf-8", "replace").split())[-200:]
            raise _failed(f"Chromium gav ingen PDF (exitkode {proc.returncode}: {tail})",
                          f"Chromium produced no PDF (exit code {proc.returncode}: {tail})", target)
    return filesys.write_atomic(target, data)


def _failed(da: str, en: str, target: Path) -> PdfError:
    return PdfError(f"{da}. PDF-filen er ikke ændret (en mødepakke givet med -o er skrevet).",
                    f"{en}. The PDF file was not changed (a pack given with -o was written).",
                    code="ARK-E135", file=str(target))
