"""Sprogserveren / ``arkitektur lsp``: the checker's findings, fixes and lookups live in the editor."""
