"""``arkitektur publish`` / loads the repository into a SPARQL server and prints what changed per graph."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import option_date
from .app import main
from .options import as_of_option


@main.command("publish")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--endpoint", required=True, metavar="URL",
              help="SPARQL-serverens forespørgselsadresse / the query URL (Virtuoso …/sparql, Oxigraph …/query).")
@click.option("--update-endpoint", metavar="URL",
              help="Adressen til opdateringer (standard: …/query → …/update, ellers forespørgselsadressen).")
@click.option("--store-endpoint", metavar="URL",
              help="Graph Store Protocol-adressen til hurtig indlæsning (standard: gættes for Oxigraph/Virtuoso; "
                   "ellers INSERT DATA) / the Graph Store Protocol URL.")
@click.option("--graf-prefiks", "prefix", metavar="IRI",
              help="Præfiks for graferne (standard: samarbejdets IRI + /graf/) / prefix of the graph names.")
@as_of_option("Dato publiceringen gælder pr.")
@click.pass_context
def publish_command(ctx, paths, endpoint, update_endpoint, store_endpoint, prefix, as_of):
    """Publicér repositoriet på en SPARQL-server / publish the repository to a SPARQL server.

    Én navngiven graf pr. mappe (kommune, fælles), den medleverede ontologi, proveniens (fil og
    linje pr. element) og metadata (commit, tidspunkt, as_of); skiftet ind i én opdatering, så
    ingen læser ser en blanding. Login fra miljøet: ARKITEKTUR_SPARQL_USER og
    ARKITEKTUR_SPARQL_PASSWORD, eller ARKITEKTUR_SPARQL_TOKEN (docs/server.md).
    Exit 0: publiceret (eller uændret); 2: input eller server fejlede – den forrige publicering står urørt.
    """
    from ..server import endpoint as endpoint_mod
    from ..server import publish as publish_mod

    targets = list(paths) or [Path("models")]
    pub = publish_mod.collect(targets, prefix=prefix, as_of=option_date(as_of))
    with endpoint_mod.connect(endpoint, update_endpoint, store_url=store_endpoint) as ep:
        outcome = publish_mod.publish(ep, pub)
    changes = outcome.changes
    width = max(len(c.graph) for c in changes)
    for c in changes:
        click.echo(f"{c.graph:<{width}}  {c.kind:<10}  +{c.added} -{c.removed}")
    total_added, total_removed = sum(c.added for c in changes), sum(c.removed for c in changes)
    commit = (pub.commit or "uden commit / no commit")[:12] + ("" if pub.clean else " (ændret / modified)")
    if outcome.written:
        click.echo(f"publiceret / published {commit}: +{total_added} -{total_removed} tripler / triples")
    else:
        click.echo(f"uændret / unchanged {commit}: intet skrevet / nothing written")
    ctx.exit(0)
