"""KITOS-klient / a small HTTP client for KITOS API v2: token, paging, filters; only called when asked.

Uses urllib with a timeout on every call; only http(s) URLs; responses are size-capped JSON.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from ...errors import ArkitekturError

PAGE_SIZE = 250
MAX_PAGES = 10_000
MAX_RESPONSE = 64 * 1024 * 1024


class KitosError(ArkitekturError):
    """KITOS could not be reached, refused the login, or answered something unreadable."""


class KitosClient:
    def __init__(self, url: str, *, token: str | None = None, email: str | None = None,
                 password: str | None = None, timeout: float = 30.0) -> None:
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise KitosError(f"--url skal være en http(s)-adresse, ikke {url!r}.",
                             f"--url must be an http(s) address, not {url!r}.", code="ARK-E81")
        self.url = url.rstrip("/")
        self.token = token
        self.email = email
        self.password = password
        self.timeout = timeout
        self.calls = 0

    def _open(self, method: str, path: str, params: dict | None = None, body: dict | None = None,
              auth: bool = True):
        query = "?" + urllib.parse.urlencode(params, doseq=True) if params else ""
        data = json.dumps(body).encode("utf-8") if body is not None else None
        req = urllib.request.Request(self.url + path + query, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if auth:
            req.add_header("Authorization", f"Bearer {self._token()}")
        self.calls += 1
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - scheme checked
                raw = resp.read(MAX_RESPONSE + 1)
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise KitosError(f"KITOS afviste adgangen ({exc.code}) til {path}. Tjek token/API-bruger.",
                                 f"KITOS refused access ({exc.code}) to {path}. Check the token/API user.",
                                 code="ARK-E80") from None
            if exc.code == 404:
                return None
            raise KitosError(f"KITOS svarede {exc.code} på {path}.", f"KITOS answered {exc.code} to {path}.",
                             code="ARK-E80") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise KitosError(f"kunne ikke nå KITOS ({reason}).", f"could not reach KITOS ({reason}).",
                             code="ARK-E80") from None
        if len(raw) > MAX_RESPONSE:
            raise KitosError("svaret fra KITOS er for stort.", "the answer from KITOS is too large.", code="ARK-E80")
        try:
            return json.loads(raw.decode("utf-8-sig"))
        except (ValueError, RecursionError):
            raise KitosError(f"KITOS svarede ikke med JSON på {path}.", f"KITOS did not answer JSON to {path}.",
                             code="ARK-E80") from None

    def _token(self) -> str:
        if self.token:
            return self.token
        if not (self.email and self.password):
            raise KitosError("mangler adgang: sæt KITOS_TOKEN, eller KITOS_EMAIL og KITOS_PASSWORD.",
                             "no credentials: set KITOS_TOKEN, or KITOS_EMAIL and KITOS_PASSWORD.", code="ARK-E80")
        answer = self._open("POST", "/api/authorize/GetToken", body={"email": self.email, "password": self.password},
                            auth=False)
        token = ((answer or {}).get("response") or {}).get("token") if isinstance(answer, dict) else None
        if not token:
            raise KitosError("KITOS gav ikke et token (forkert API-bruger?).",
                             "KITOS gave no token (wrong API user?).", code="ARK-E80")
        self.token = token
        return token

    def get(self, path: str, params: dict | None = None):
        return self._open("GET", path, params)

    def paged(self, path: str, params: dict | None = None) -> list:
        out: list = []
        for page in range(MAX_PAGES):
            q = dict(params or {})
            q.update({"page": page, "pageSize": PAGE_SIZE, "orderByProperty": "CreationOrder"})
            chunk = self._open("GET", path, q)
            if chunk is None:
                break
            if not isinstance(chunk, list):
                raise KitosError(f"KITOS svarede ikke med en liste på {path}.",
                                 f"KITOS did not answer a list to {path}.", code="ARK-E80")
            out.extend(chunk)
            if len(chunk) < PAGE_SIZE:
                break
        return out
