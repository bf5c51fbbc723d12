import ipaddress
import socket
from typing import Any

import pytest

from app.core.errors import ErrorKind
from lenders.delivery.exceptions import InvalidWebhookUrl, WebhookHostUnresolvable
from lenders.delivery.urls import check_resolved, check_webhook_url

ALLOWED_EVERYWHERE = [
    "https://bank.example.com/xyd/webhook",
    "https://bank.example.com:8443/hooks?tenant=huzhou",
    "https://BANK.Example.COM/webhook",
    "https://bank.example.com./webhook",  # a fully qualified name with its root dot
    "https://8.8.8.8/webhook",
    "https://[2606:4700:4700::1111]/webhook",
    "https://[2002:808:808::1]/webhook",  # 6to4 of a public address
    "https://湖州银行.cn/webhook",  # an internationalised name
    "  https://bank.example.com/webhook  ",
]

ALLOWED_OUTSIDE_PRODUCTION = [
    "http://bank.example.com/webhook",
    "http://127.0.0.1:8001/webhook",
    "https://127.0.0.1/webhook",
    "http://127.8.9.10/webhook",
    "http://[::1]:8001/webhook",
    "http://[::ffff:127.0.0.1]/webhook",
    "http://localhost:8001/webhook",
    "http://LOCALHOST/webhook",
    "http://bank.localhost/webhook",
]

# (url, words the error must contain): refused in production and outside it alike.
REFUSED_EVERYWHERE = [
    ("", "empty"),
    ("bank.example.com/webhook", "must use"),
    ("ftp://bank.example.com/webhook", "scheme is ftp:"),
    ("file:///etc/passwd", "scheme is file:"),
    ("https:///webhook", "no host"),
    ("https://user:pw@bank.example.com/webhook", "user name or password"),
    ("https://token@bank.example.com/webhook", "user name or password"),
    ("https://bank.example.com/webhook#top", "fragment"),
    ("https://bank.example.com:0/webhook", "port"),
    ("https://bank.example.com:99999/webhook", "cannot be parsed"),
    ("https://bank.example.com/web hook", "blanks"),
    ("https://bank.example.com/\x00", "control characters"),
    ("https://[::1/webhook", "cannot be parsed"),
    ("https://" + "a" * 2050 + ".com/", "longer than"),
    ("https://-bank.example.com/", "not a valid host name"),
    ("https://bank_1.example.com/", "not a valid host name"),
    ("https://256.1.1.1/", "neither an IP address nor a host name"),
    ("https://10.0.0.5/webhook", "private"),
    ("https://172.16.3.4/webhook", "private"),
    ("https://192.168.1.1/webhook", "private"),
    ("https://100.64.0.1/webhook", "not publicly routable"),  # carrier-grade NAT
    ("https://169.254.169.254/latest/meta-data", "link-local"),  # cloud metadata
    ("https://0.0.0.0/webhook", "unspecified"),
    ("https://224.0.0.1/webhook", "multicast"),
    ("https://240.0.0.1/webhook", "reserved"),
    ("https://255.255.255.255/webhook", "reserved"),
    ("https://[::]/webhook", "unspecified"),
    ("https://[fe80::1]/webhook", "link-local"),
    ("https://[fe80::1%25eth0]/webhook", "link-local"),
    ("https://[fc00::1]/webhook", "private"),
    ("https://[fd12:3456::1]/webhook", "private"),
    ("https://[fec0::1]/webhook", "site-local"),
    ("https://[ff02::1]/webhook", "multicast"),
    ("https://[::ffff:10.0.0.1]/webhook", "private"),
    ("https://[::ffff:169.254.169.254]/webhook", "link-local"),
    ("https://[2002:a00:1::1]/webhook", "private"),  # 6to4 of 10.0.0.1
    ("https://[2001:db8::1]/webhook", "private"),  # documentation range
    ("https://0x0a000001/webhook", "private"),  # 10.0.0.1 in hex
    ("https://167772161/webhook", "private"),  # 10.0.0.1 as one number
    ("https://intranet/webhook", "single-label"),
    ("https://printer.local/webhook", "internal name"),
    ("https://api.internal/webhook", "internal name"),
    ("https://router.home.arpa/webhook", "internal name"),
    ("https://db.localdomain/webhook", "internal name"),
]

REFUSED_IN_PRODUCTION = [
    ("http://bank.example.com/webhook", "must use https in production"),
    ("https://127.0.0.1/webhook", "loopback"),
    ("https://127.1/webhook", "loopback"),  # what a resolver reads as 127.0.0.1
    ("https://2130706433/webhook", "loopback"),
    ("https://0177.0.0.1/webhook", "loopback"),
    ("https://[::1]/webhook", "loopback"),
    ("https://[::ffff:127.0.0.1]/webhook", "loopback"),
    ("https://localhost/webhook", "loopback"),
    ("https://localhost./webhook", "loopback"),
    ("https://ip6-localhost/webhook", "loopback"),
    ("https://bank.localhost/webhook", "loopback"),
]


@pytest.mark.parametrize("production", [True, False])
@pytest.mark.parametrize("url", ALLOWED_EVERYWHERE)
def test_allowed(url: str, production: bool) -> None:
    assert check_webhook_url(url, production=production) == url.strip()


@pytest.mark.parametrize("url", ALLOWED_OUTSIDE_PRODUCTION)
def test_allowed_in_development_and_tests(url: str) -> None:
    assert check_webhook_url(url, production=False) == url


@pytest.mark.parametrize("production", [True, False])
@pytest.mark.parametrize(("url", "reason"), REFUSED_EVERYWHERE)
def test_refused(url: str, reason: str, production: bool) -> None:
    with pytest.raises(InvalidWebhookUrl, match=reason):
        check_webhook_url(url, production=production)


@pytest.mark.parametrize(("url", "reason"), REFUSED_IN_PRODUCTION)
def test_refused_in_production(url: str, reason: str) -> None:
    with pytest.raises(InvalidWebhookUrl, match=reason):
        check_webhook_url(url, production=True)


def test_every_url_allowed_outside_production_is_refused_in_it() -> None:
    for url in ALLOWED_OUTSIDE_PRODUCTION:
        with pytest.raises(InvalidWebhookUrl):
            check_webhook_url(url, production=True)


def test_the_error_is_invalid_input_with_a_stable_code() -> None:
    with pytest.raises(InvalidWebhookUrl) as caught:
        check_webhook_url("http://bank.example.com/", production=True)
    assert caught.value.code == "invalid_webhook_url"
    assert caught.value.kind is ErrorKind.INVALID_INPUT


def test_message_names_the_address_a_numeric_host_means() -> None:
    with pytest.raises(InvalidWebhookUrl, match=r"0x0a000001 is 10\.0\.0\.1, a private address"):
        check_webhook_url("https://0x0a000001/", production=True)


# check_resolved: what DNS says right before connecting.


def test_resolved_public_literal() -> None:
    assert check_resolved("8.8.8.8", production=True) == [ipaddress.ip_address("8.8.8.8")]


def test_resolved_localhost_refused_in_production_allowed_in_tests() -> None:
    with pytest.raises(InvalidWebhookUrl, match=r"localhost resolves to .* loopback"):
        check_resolved("localhost", production=True)
    addresses = check_resolved("localhost", port=8001, production=False)
    assert addresses
    assert all(address.is_loopback for address in addresses)


def _fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
    """Replace the resolver, the one thing outside the platform here, with fixed answers."""

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port, 0, 0) if ":" in a else (a, port),
            )
            for a in answers[host]
        ]

    monkeypatch.setattr("lenders.delivery.urls.socket.getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (["10.1.2.3"], "private"),
        (["169.254.169.254"], "link-local"),
        (["127.0.0.1"], "loopback"),
        (["fd00::5"], "private"),
        (["::ffff:192.168.0.1"], "private"),
        (["fe80::1%eth0"], "link-local"),
    ],
)
def test_resolved_to_a_forbidden_address_is_refused(
    monkeypatch: pytest.MonkeyPatch, answer: list[str], reason: str
) -> None:
    # The name passed registration; its DNS now points inside (rebinding).
    _fake_dns(monkeypatch, {"bank.example.com": answer})
    check_webhook_url("https://bank.example.com/webhook", production=True)
    with pytest.raises(InvalidWebhookUrl, match=rf"bank\.example\.com resolves to .*{reason}"):
        check_resolved("bank.example.com", production=True)


def test_one_forbidden_address_among_public_ones_refuses_them_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_dns(monkeypatch, {"bank.example.com": ["1.1.1.1", "8.8.4.4", "10.0.0.1"]})
    with pytest.raises(InvalidWebhookUrl, match=r"10\.0\.0\.1"):
        check_resolved("bank.example.com", production=True)


def test_resolved_addresses_are_returned_once_each_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_dns(monkeypatch, {"bank.example.com": ["8.8.4.4", "2606:4700::1111", "8.8.4.4"]})
    assert check_resolved("bank.example.com", production=True) == [
        ipaddress.ip_address("8.8.4.4"),
        ipaddress.ip_address("2606:4700::1111"),
    ]


def test_unresolvable_host_is_retryable_not_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_dns(monkeypatch, {})
    with pytest.raises(WebhookHostUnresolvable, match=r"bank\.example\.com does not resolve"):
        check_resolved("bank.example.com", production=True)
