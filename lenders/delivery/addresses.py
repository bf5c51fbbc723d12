"""Where to connect for a webhook URL: resolved now, checked against the SSRF rules, cached briefly.

``check_resolved`` runs before connecting (DNS may have changed since registration); caching its
answer for a few seconds keeps a busy bank from costing a lookup per request. The client then
connects to the checked address itself, so no second lookup can answer differently.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from lenders.delivery.exceptions import InvalidWebhookUrl, WebhookHostUnresolvable
from lenders.delivery.urls import IPAddress, check_resolved

CACHE_SECONDS = 30.0


@dataclass(frozen=True)
class Target:
    """A webhook URL pinned to one checked address."""

    url: str  # the URL with the address in place of the host name
    host_header: str  # what the bank's server expects in Host
    sni_hostname: str | None  # the name TLS must verify, for https
    pool_key: tuple[str, str, int]  # scheme, address, port: one connection pool per bank server


class AddressBook:
    """Resolved and checked addresses by (host, port), each kept ``ttl`` seconds."""

    def __init__(self, *, production: bool, ttl: float = CACHE_SECONDS) -> None:
        self.production = production
        self.ttl = ttl
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, int], tuple[float, IPAddress | Exception]] = {}

    def target(self, url: str) -> Target:
        """Pin ``url`` to an allowed address; InvalidWebhookUrl or WebhookHostUnresolvable."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = self._address(host, port)
        literal = f"[{address}]" if address.version == 6 else str(address)
        netloc = f"{literal}:{port}"
        pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        return Target(
            url=pinned,
            host_header=parts.netloc.rpartition("@")[2],
            sni_hostname=host if parts.scheme == "https" else None,
            pool_key=(parts.scheme, str(address), port),
        )

    def _address(self, host: str, port: int) -> IPAddress:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get((host, port))
        if cached is None or cached[0] < now:
            answer: IPAddress | Exception
            try:
                answer = check_resolved(host, port=port, production=self.production)[0]
            except (InvalidWebhookUrl, WebhookHostUnresolvable) as error:
                answer = error
            cached = (now + self.ttl, answer)
            with self._lock:
                self._cache[(host, port)] = cached
        if isinstance(cached[1], Exception):
            raise cached[1]
        return cached[1]
