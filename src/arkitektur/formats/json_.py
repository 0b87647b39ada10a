"""JSON-output / the machine-readable contract (docs/cli.md)."""

import json


def document(result) -> dict:
    return {
        "as_of": result.as_of,
        "conforms": result.conforms,
        "summary": result.summary,
        "findings": [f.to_json() for f in result.findings],
    }


def render(result, *, lang: str = "da", catalogue=None) -> str:
    return json.dumps(document(result), ensure_ascii=False, indent=2) + "\n"
