"""arkitektur."""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _installed


def version() -> str:
    """The installed package's version; "0+unknown" when run from a source tree without install."""
    try:
        return _installed("arkitektur")
    except PackageNotFoundError:
        return "0+unknown"
