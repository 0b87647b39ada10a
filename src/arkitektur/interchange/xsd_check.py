"""XSD-validering / validates an exchange file against the shipped ArchiMate 3.1 schemas, offline."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

XSD_DIR = Path(__file__).resolve().parent / "xsd"
_LOCAL = {
    "http://www.w3.org/2001/xml.xsd": "xml.xsd",
    "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
    "http://www.w3.org/XML/1998/namespace": "xml.xsd",
}


def _resolver_class():
    from lxml import etree

    class LocalOnly(etree.Resolver):
        """Maps the schemas' imports to the local copies and refuses everything else."""

        def __init__(self, folder: Path) -> None:
            super().__init__()
            self.folder = folder

        def resolve(self, url, pubid, context):
            name = _LOCAL.get(url) or Path(str(url)).name
            local = self.folder / name
            if local.is_file() and local.parent == self.folder:
                return self.resolve_filename(str(local), context)
            raise OSError(f"refusing to fetch {url}")

    return LocalOnly


@lru_cache(maxsize=4)
def schema(folder: str):
    """The compiled schema of ``folder`` (Diagram includes View includes Model)."""
    from lxml import etree

    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_resolver_class()(Path(folder)))
    doc = etree.parse(str(Path(folder) / "archimate3_Diagram.xsd"), parser)
    return etree.XMLSchema(doc)


def errors(data: bytes, folder: str | None = None) -> list[str]:
    """Validation errors of an exchange file (empty when it is valid)."""
    from lxml import etree

    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    doc = etree.fromstring(data, parser)
    s = schema(folder or str(XSD_DIR))
    if s.validate(doc):
        return []
    return [f"{e.line}: {e.message}" for e in s.error_log]
