"""Which webhook URLs the platform delivers leads to.

A bank registers a URL and the platform's servers send requests to it, so a careless or hostile
URL could make the platform reach inside its own network (SSRF). Two checks, at two moments:

- ``check_webhook_url`` at registration, without DNS: the scheme, the form of the URL, IP
  literals (IPv4 in any notation and IPv6) and names that can only mean a local or internal host
  (``localhost``, ``*.localhost``, ``.local``, ``.internal``, single-label names, ...).
- ``check_resolved`` right before each connection: resolves the host with ``socket.getaddrinfo``
  and refuses the lot if any address is not public. A check at registration alone would not do:
  the bank's DNS can later answer with an internal address (DNS rebinding). The delivery client
  should connect to an address this returned (sending the host name for TLS and ``Host``), so
  that no second lookup can answer differently.

In production the URL must be https and every address public. In development and tests, and
only there, http and loopback (``127.0.0.0/8``, ``::1``, ``localhost``) are allowed as well, so a
bank can be simulated by a local server; private, link-local and the other ranges stay refused.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import SplitResult, urlsplit

from lenders.delivery.exceptions import InvalidWebhookUrl, WebhookHostUnresolvable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2048
LOCALHOST_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
# Special-use names that never reach a bank on the internet: RFC 6761 (.localhost), RFC 6762
# (.local, mDNS), RFC 8375 (.home.arpa), ICANN's private-use .internal (2024), and .localdomain.
INTERNAL_SUFFIXES = (".localhost", ".local", ".localdomain", ".internal", ".home.arpa")
# Checked in this order, so that the message names the most specific reason.
_FORBIDDEN_KINDS = (
    ("is_unspecified", "the unspecified address"),
    ("is_link_local", "a link-local address"),
    ("is_multicast", "a multicast address"),
    ("is_reserved", "a reserved address"),
    ("is_private", "a private address"),
    ("is_site_local", "a site-local address"),
)
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def check_webhook_url(url: str, *, production: bool) -> str:
    """The URL, stripped of surrounding blanks, if the platform may deliver to it; else raise.

    ``InvalidWebhookUrl`` (422 ``invalid_webhook_url``) says what is wrong in words a bank's
    administrator can act on.
    """
    url = url.strip()
    if not url:
        raise InvalidWebhookUrl("the webhook URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidWebhookUrl(f"the webhook URL is longer than {MAX_URL_LENGTH} characters")
    if any(char.isspace() or not char.isprintable() for char in url):
        raise InvalidWebhookUrl("the webhook URL contains blanks or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise InvalidWebhookUrl(f"the webhook URL cannot be parsed: {error}") from error
    _check_scheme(parts, production=production)
    if parts.username is not None or parts.password is not None:
        raise InvalidWebhookUrl(
            "the webhook URL must not contain a user name or password; "
            "requests are authenticated by the XYD-Signature header"
        )
    if parts.fragment:
        raise InvalidWebhookUrl("the webhook URL must not have a #fragment (it is never sent)")
    if port == 0:
        raise InvalidWebhookUrl("the webhook URL's port must be between 1 and 65535")
    if not parts.hostname:
        raise InvalidWebhookUrl("the webhook URL has no host")
    _check_host(parts.hostname, production=production)
    return url


def check_resolved(host: str, *, port: int = 443, production: bool) -> list[IPAddress]:
    """Resolve ``host`` now and return its addresses if every one is allowed; else raise.

    ``host`` is the registered URL's ``urlsplit(url).hostname`` (no brackets around IPv6).
    Raises ``InvalidWebhookUrl`` naming the refused address (do not deliver) or
    ``WebhookHostUnresolvable`` when DNS gives nothing (deliver later, with back-off).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise WebhookHostUnresolvable(f"{host} does not resolve: {error}") from error
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        _check_address(address, production=production, shown_as=f"{host} resolves to {address}")
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise WebhookHostUnresolvable(f"{host} resolves to no address")
    return addresses


def _check_scheme(parts: SplitResult, *, production: bool) -> None:
    scheme = parts.scheme.lower()
    if scheme == "https":
        return
    if scheme == "http" and not production:
        return
    if scheme == "http":
        raise InvalidWebhookUrl("the webhook URL must use https in production, not http")
    shown = f"{scheme}:" if scheme else "none"
    allowed = "https" if production else "http or https"
    raise InvalidWebhookUrl(f"the webhook URL must use {allowed} (its scheme is {shown})")


def _check_host(hostname: str, *, production: bool) -> None:
    """IP literals by their address; names by what they can only mean. No DNS here."""
    address = _ip_literal(hostname)
    if address is not None:
        _check_address(address, production=production, shown_as=f"{hostname} is {address}")
        return
    name = hostname.rstrip(".")
    try:
        ascii_name = name.encode("idna").decode("ascii").lower()
    except UnicodeError as error:
        raise InvalidWebhookUrl(f"{hostname} is not a valid host name") from error
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidWebhookUrl(f"{hostname} is not a valid host name")
    if ascii_name in LOCALHOST_NAMES or ascii_name.endswith(".localhost"):
        if production:
            raise InvalidWebhookUrl(f"{hostname} is this machine (loopback), refused in production")
        return
    if len(labels) == 1:
        raise InvalidWebhookUrl(
            f"{hostname} is a single-label name, which only resolves inside a local network; "
            "give the bank's fully qualified host name"
        )
    if ascii_name.endswith(INTERNAL_SUFFIXES):
        raise InvalidWebhookUrl(f"{hostname} is a local or internal name, not reachable publicly")
    if labels[-1].isdigit():
        # Four numbers that ipaddress refused, such as 256.1.1.1: not an address and not a name.
        raise InvalidWebhookUrl(f"{hostname} is neither an IP address nor a host name")


def _ip_literal(hostname: str) -> IPAddress | None:
    """The address a host means by itself, in any notation a resolver would accept."""
    try:
        return ipaddress.ip_address(hostname.split("%", 1)[0])
    except ValueError:
        pass
    # inet_aton also reads 127.1, 0x7f.0.0.1, 0177.0.0.1 and 2130706433 as 127.0.0.1, and so
    # would the HTTP client: judge such a host by the address it means, never as a name.
    try:
        return ipaddress.IPv4Address(socket.inet_aton(hostname))
    except (OSError, ValueError):
        return None


def _check_address(address: IPAddress, *, production: bool, shown_as: str) -> None:
    if isinstance(address, ipaddress.IPv6Address):
        # ::ffff:10.0.0.1 reaches 10.0.0.1, and 2002:a00:1:: (6to4) reaches it through a relay.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            _check_address(embedded, production=production, shown_as=f"{shown_as} ({embedded})")
            if address.ipv4_mapped is not None:
                return
    if address.is_loopback:
        if production:
            raise InvalidWebhookUrl(f"{shown_as}, a loopback address, refused in production")
        return
    kind = _forbidden_kind(address)
    if kind is not None:
        raise InvalidWebhookUrl(f"{shown_as}, {kind}; webhooks go to public addresses only")


def _forbidden_kind(address: IPAddress) -> str | None:
    """Why an address is not a public unicast one, in words; None when it is."""
    for attribute, words in _FORBIDDEN_KINDS:
        if getattr(address, attribute, False):  # is_site_local exists on IPv6 only
            return words
    if not address.is_global:
        return "an address that is not publicly routable"
    return None
