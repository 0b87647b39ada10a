"""Sikker indlæsning / size caps, hostile-XML refusal, zip-bomb checks and all-or-nothing writing.

- XML with a DOCTYPE or an entity declaration is refused before parsing (a byte pre-scan), then
  parsed with defusedxml (``forbid_dtd``, no entities, no external references; never the network).
- Files are capped in size; an xlsx (a zip) is capped in entries, uncompressed size and ratio, and
  its XML parts are pre-scanned too.
- Output is written by ``arkitektur.files.write_all`` (all or nothing), not here.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from ..errors import InputError

MAX_FILE = 64 * 1024 * 1024          # any input file
MAX_UNZIPPED = 256 * 1024 * 1024     # total uncompressed size of an xlsx
MAX_ENTRIES = 10_000
MAX_RATIO = 200                      # uncompressed/compressed per entry (zip bomb)
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.I)


class HostileInput(InputError):
    """Input refused for safety: DTDs/entities, a zip bomb, an oversized file, formula cells."""


def read_capped(path: Path, cap: int = MAX_FILE, display: str | None = None) -> bytes:
    display = display or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"kan ikke læse filen: {exc.strerror}.", f"cannot read the file: {exc.strerror}.",
                         code="ARK-E01", file=display) from None
    if not path.is_file():
        raise InputError("ikke en fil.", "not a file.", code="ARK-E01", file=display)
    if size > cap:
        raise HostileInput(
            f"filen er for stor ({size} byte; grænsen er {cap}).",
            f"the file is too large ({size} bytes; the limit is {cap}).",
            code="ARK-E71", file=display)
    with path.open("rb") as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise HostileInput(f"filen er for stor (over {cap} byte).", f"the file is too large (over {cap} bytes).",
                           code="ARK-E71", file=display)
    return data


def _as_utf8(data: bytes) -> bytes:
    """UTF-16/32 XML re-encoded for the pre-scan (so a DOCTYPE cannot hide behind an encoding)."""
    for bom, enc in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                     (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace").encode("utf-8")
    if data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        enc = "utf-16-le" if data[1] == 0 else "utf-16-be"
        return data.decode(enc, errors="replace").encode("utf-8")
    return data


def refuse_dtd(data: bytes, display: str) -> None:
    m = _DTD.search(_as_utf8(data))
    if m:
        kind = m.group(1).decode("ascii", "replace").upper()
        line = data[: m.start()].count(b"\n") + 1
        raise HostileInput(
            f"XML med <!{kind} …> afvises af sikkerhedshensyn (DTD'er og entiteter bruges til "
            "'billion laughs' og til at læse lokale filer). Fjern erklæringen og prøv igen.",
            f"XML with <!{kind} …> is refused for safety (DTDs and entities enable 'billion laughs' "
            "and local file disclosure). Remove the declaration and try again.",
            code="ARK-E70", file=display, line=line)


def parse_xml(data: bytes, display: str):
    """An ElementTree root for untrusted XML bytes, or a clear ``InputError``."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    refuse_dtd(data, display)
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise HostileInput(f"XML afvist af sikkerhedshensyn: {exc}.", f"XML refused for safety: {exc}.",
                           code="ARK-E70", file=display) from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (None, None))
        raise InputError(f"ikke gyldig XML: {exc}.", f"not well-formed XML: {exc}.", code="ARK-E72",
                         file=display, line=line, column=col) from None


def check_zip(path: Path, display: str | None = None) -> None:
    """Refuse a zip (xlsx) that would expand too far, or whose XML parts declare a DTD."""
    display = display or str(path)
    read_capped(path, display=display)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError("filen er ikke en gyldig xlsx-fil (ikke et zip-arkiv).",
                         "the file is not a valid xlsx file (not a zip archive).",
                         code="ARK-E73", file=display) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise HostileInput(f"xlsx-filen har for mange dele ({len(infos)}).",
                               f"the xlsx file has too many parts ({len(infos)}).", code="ARK-E74", file=display)
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > MAX_UNZIPPED or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
                raise HostileInput(
                    f"xlsx-filen udpakker til for meget ({info.filename}: {info.file_size} byte, "
                    f"forhold {ratio:.0f}:1) – en mulig zip-bombe.",
                    f"the xlsx file expands too far ({info.filename}: {info.file_size} bytes, "
                    f"ratio {ratio:.0f}:1) – a possible zip bomb.", code="ARK-E74", file=display)
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                try:
                    with zf.open(info) as fh:
                        data = fh.read(MAX_UNZIPPED + 1)
                # A directory that lies about a part (size, CRC), an unknown compression or encryption.
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
                    raise InputError(f"xlsx-filen er beskadiget ({info.filename}: {exc}).",
                                     f"the xlsx file is damaged ({info.filename}: {exc}).",
                                     code="ARK-E73", file=display) from None
                if len(data) > info.file_size:
                    raise HostileInput("xlsx-filens indhold passer ikke med dens indholdsfortegnelse.",
                                       "the xlsx file's contents do not match its directory.",
                                       code="ARK-E74", file=display)
                refuse_dtd(data, f"{display}!{info.filename}")
