"""Det fælles repository på en SPARQL-server / publishing to and reading from a SPARQL server (docs/server.md)."""
