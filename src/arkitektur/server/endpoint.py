"""SPARQL-protokollen / the one SPARQL 1.1 protocol client: queries, updates, credentials, errors.

httpx is the HTTP library (well kept; timeouts per phase, basic auth, a closed connection is an
exception, not a short read). Every failure becomes an ``ArkitekturError`` with an ID (ARK-E150 …,
docs/fejl.md) naming the endpoint, never the credentials: they are read from the environment
(``ARKITEKTUR_SPARQL_USER`` + ``ARKITEKTUR_SPARQL_PASSWORD`` for basic authentication, or
``ARKITEKTUR_SPARQL_TOKEN`` for a bearer token) and go nowhere but the Authorization header.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from ..errors import ArkitekturError

ENV_USER = "ARKITEKTUR_SPARQL_USER"
ENV_PASSWORD = "ARKITEKTUR_SPARQL_PASSWORD"
ENV_TOKEN = "ARKITEKTUR_SPARQL_TOKEN"
ENV_TIMEOUT = "ARKITEKTUR_SPARQL_TIMEOUT"  # seconds per request (default 300: a large publication)
_RESULTS_JSON = "application/sparql-results+json"


class EndpointError(ArkitekturError):
    """The SPARQL server could not be used: unreachable, refused, not SPARQL, timed out."""

    status: int | None = None  # the HTTP status where the server answered with an error


def default_update_url(query_url: str) -> str:
    """Oxigraph's ``…/query`` takes updates at ``…/update``; Virtuoso's ``/sparql`` and a Fuseki
    dataset URL take them at the query URL itself (docs/server.md)."""
    return query_url[: -len("/query")] + "/update" if query_url.endswith("/query") else query_url


def default_store_url(query_url: str, update_url: str) -> str | None:
    """Where the Graph Store Protocol is, on the servers whose layout is known: Oxigraph's
    ``…/query`` → ``…/store``; Virtuoso's ``…/sparql(-auth)`` → ``…/sparql-graph-crud-auth``.
    Elsewhere (or where the guess answers 404) publishing loads with INSERT DATA instead."""
    if query_url.endswith("/query"):
        return query_url[: -len("/query")] + "/store"
    for url in (update_url, query_url):
        for tail in ("/sparql-auth", "/sparql"):
            if url.endswith(tail):
                return url[: -len(tail)] + "/sparql-graph-crud-auth"
    return None


def _check_url(url: str, option: str) -> str:
    parts = urlsplit(url)
    if parts.username or parts.password:  # checked first: such a URL is never echoed
        raise EndpointError(
            f"{option}: skriv ikke brugernavn eller adgangskode i adressen; brug {ENV_USER}/{ENV_PASSWORD} "
            f"eller {ENV_TOKEN} (docs/server.md).",
            f"{option}: do not put credentials in the URL; use {ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN}.",
            code="ARK-E150")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(
            f"{option}: '{url}' er ikke en http(s)-adresse til en SPARQL-server.",
            f"{option}: '{url}' is not an http(s) URL of a SPARQL server.", code="ARK-E150")
    return url


def _auth_from_env() -> tuple[httpx.Auth | None, dict]:
    user, password, token = (os.environ.get(k) or None for k in (ENV_USER, ENV_PASSWORD, ENV_TOKEN))
    if token and (user or password):
        raise EndpointError(
            f"både {ENV_TOKEN} og {ENV_USER}/{ENV_PASSWORD} er sat: vælg én måde at logge ind på.",
            f"both {ENV_TOKEN} and {ENV_USER}/{ENV_PASSWORD} are set: choose one way to authenticate.",
            code="ARK-E151")
    if bool(user) != bool(password):
        missing = ENV_PASSWORD if user else ENV_USER
        raise EndpointError(
            f"{missing} mangler: basic-login kræver både {ENV_USER} og {ENV_PASSWORD}.",
            f"{missing} is missing: basic authentication needs both {ENV_USER} and {ENV_PASSWORD}.",
            code="ARK-E151")
    if token:
        return None, {"Authorization": f"Bearer {token}"}
    if user:
        return httpx.BasicAuth(user, password), {}
    return None, {}


@dataclass
class Endpoint:
    """A SPARQL server: where to query, where to update, and the HTTP client with credentials."""

    query_url: str
    update_url: str
    client: httpx.Client
    store_url: str | None = None  # SPARQL 1.1 Graph Store Protocol, for loading staging graphs fast

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Endpoint:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------------

    def select(self, query: str) -> list[dict]:
        """The rows of a SELECT as ``{variable: SPARQL JSON term}`` (docs: SPARQL 1.1 JSON results)."""
        body = self._post(self.query_url, {"query": query}, _RESULTS_JSON, "query")
        try:
            data = json.loads(body)
            return list(data["results"]["bindings"])
        except (ValueError, KeyError, TypeError):
            raise _not_sparql(self.query_url, body) from None

    def select_table(self, query: str) -> tuple[list[str], list[dict]]:
        """A SELECT's variables (as the query names them, in order) and its rows, as ``select``."""
        body = self._post(self.query_url, {"query": query}, _RESULTS_JSON, "query")
        try:
            data = json.loads(body)
            return [str(v) for v in data["head"]["vars"]], list(data["results"]["bindings"])
        except (ValueError, KeyError, TypeError):
            raise _not_sparql(self.query_url, body) from None

    def ask(self, query: str) -> bool:
        body = self._post(self.query_url, {"query": query}, _RESULTS_JSON, "query")
        try:
            return bool(json.loads(body)["boolean"])
        except (ValueError, KeyError, TypeError):
            raise _not_sparql(self.query_url, body) from None

    # -- writing -----------------------------------------------------------------------------

    def update(self, text: str) -> None:
        """One SPARQL Update request (several operations separated by ``;``); the server runs it
        as one transaction or refuses it whole (docs/server.md, "atomar")."""
        self._post(self.update_url, {"update": text}, "*/*", "update")

    def post_graph(self, graph: str, ntriples: str) -> bool:
        """Add the N-Triples text to ``graph`` through the Graph Store Protocol (one request,
        bulk-loaded by the server; POST, as Virtuoso 7 never answers a PUT there). False when the
        server has no store there (404/405/415): the caller then loads with INSERT DATA."""
        if not self.store_url:
            return False
        try:
            params = {"graph": graph}
            if self.store_url.endswith("/store"):  # Oxigraph: bulk load, ~20 % faster; the graph is
                params["no_transaction"] = ""       # new and unread until the switch (publish.py)
            self._post(self.store_url, None, "*/*", "update", params=params,
                       content=ntriples.encode("utf-8"))
        except EndpointError as exc:
            if exc.status in (404, 405, 415):
                self.store_url = None
                return False
            raise
        return True

    def _post(self, url: str, form: dict | None, accept: str, kind: str, *, params: dict | None = None,
              content: bytes | None = None, method: str = "POST") -> str:
        try:
            if content is not None:
                response = self.client.request(method, url, params=params, content=content,
                                               headers={"Accept": accept, "Content-Type": "application/n-triples"})
            else:
                response = self.client.post(url, data=form, headers={"Accept": accept})
        except httpx.TimeoutException:
            raise EndpointError(
                f"SPARQL-serveren {url} svarede ikke i tide ({self.client.timeout.read:.0f} s; "
                f"sæt {ENV_TIMEOUT}). Intet er ændret af en afbrudt opdatering.",
                f"the SPARQL server {url} did not answer in time; nothing is changed by an aborted update.",
                code="ARK-E153") from None
        except httpx.TransportError as exc:
            raise EndpointError(
                f"forbindelsen til SPARQL-serveren {url} mislykkedes eller blev afbrudt ({type(exc).__name__}). "
                "En afbrudt opdatering ændrer intet: den forrige publicering står urørt.",
                f"the connection to the SPARQL server {url} failed or was cut ({type(exc).__name__}); an "
                "interrupted update changes nothing: the previous publication is intact.",
                code="ARK-E152") from None
        if response.status_code in (401, 403):
            raise EndpointError(
                f"SPARQL-serveren {url} afviste login ({response.status_code}): tjek {ENV_USER}/{ENV_PASSWORD} "
                f"eller {ENV_TOKEN}, og at kontoen må {'opdatere' if kind == 'update' else 'læse'}.",
                f"the SPARQL server {url} refused the credentials ({response.status_code}): check "
                f"{ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN}, and that the account may {kind}.",
                code="ARK-E154")
        text = response.text
        if response.status_code >= 400:
            if _looks_like_html(response):
                raise _not_sparql(url, text, response.status_code)
            reason = " ".join(text.split())[:300]
            error = EndpointError(
                f"SPARQL-serveren {url} afviste forespørgslen ({response.status_code}): {reason}",
                f"the SPARQL server {url} refused the request ({response.status_code}): {reason}",
                code="ARK-E155")
            error.status = response.status_code
            raise error
        if kind == "query" and _looks_like_html(response):  # Virtuoso answers a good update with HTML
            raise _not_sparql(url, text, response.status_code)
        return text


def rdf_term(value: dict | None):
    """A SPARQL JSON result term as an rdflib term (None for an unbound variable)."""
    from rdflib import BNode, Literal, URIRef

    if value is None:
        return None
    kind, text = value.get("type"), value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if value.get("xml:lang"):
        return Literal(text, lang=value["xml:lang"])
    return Literal(text, datatype=value.get("datatype"))


def _looks_like_html(response: httpx.Response) -> bool:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml") or response.text.lstrip()[:15].lower().startswith(
        ("<!doctype html", "<html"))


def _not_sparql(url: str, body: str, status: int | None = None) -> EndpointError:
    what = f" (HTTP {status})" if status else ""
    return EndpointError(
        f"{url} svarer ikke som en SPARQL-server{what}: svaret er en HTML-side eller ikke SPARQL-resultater. "
        "Er adressen rigtig (Virtuoso: …/sparql, Oxigraph: …/query, Fuseki: …/<datasæt>)?",
        f"{url} does not answer as a SPARQL server{what}: the reply is an HTML page or not SPARQL results. "
        "Is the URL right (Virtuoso: …/sparql, Oxigraph: …/query, Fuseki: …/<dataset>)?",
        code="ARK-E156")


def connect(query_url: str, update_url: str | None = None, *, store_url: str | None = None,
            timeout: float | None = None) -> Endpoint:
    """An ``Endpoint`` for ``query_url`` (and ``update_url``, default ``default_update_url``) with
    the credentials of the environment."""
    query_url = _check_url(query_url, "--endpoint")
    update_url = _check_url(update_url, "--update-endpoint") if update_url else default_update_url(query_url)
    auth, headers = _auth_from_env()
    if timeout is None:
        try:
            timeout = float(os.environ.get(ENV_TIMEOUT) or 300)
        except ValueError:
            raise EndpointError(f"{ENV_TIMEOUT} skal være et antal sekunder.", f"{ENV_TIMEOUT} must be seconds.",
                                code="ARK-E153") from None
    client = httpx.Client(auth=auth, headers=headers, timeout=httpx.Timeout(timeout, connect=min(timeout, 10)),
                          follow_redirects=False)
    store_url = _check_url(store_url, "--store-endpoint") if store_url else default_store_url(query_url, update_url)
    return Endpoint(query_url=query_url, update_url=update_url, client=client, store_url=store_url)
