"""Who the client is: a forwarded address is believed only from the proxies we trust."""

from __future__ import annotations

import pytest
from django_ratelimit.core import is_ratelimited

from operations.addresses import (
    client_address,
    client_network,
    from_trusted_proxy,
    ratelimit_key,
)


def request(rf, peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


@pytest.fixture
def proxies(settings):
    def trust(*entries):
        settings.FORWARDED_ALLOW_IPS = list(entries)

    return trust


def test_a_client_reaching_the_app_directly_cannot_forward_an_address(rf, proxies):
    proxies("127.0.0.1", "::1")
    spoofed = request(rf, "203.0.113.7", forwarded="198.51.100.1")
    assert not from_trusted_proxy(spoofed)
    assert client_address(spoofed) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(rf, proxies):
    proxies("127.0.0.1", "::1")
    forwarded = request(rf, "127.0.0.1", forwarded="198.51.100.1")
    assert from_trusted_proxy(forwarded)
    assert client_address(forwarded) == "198.51.100.1"


def test_without_a_forwarded_address_the_proxy_is_the_client(rf, proxies):
    proxies("127.0.0.1")
    assert client_address(request(rf, "127.0.0.1")) == "127.0.0.1"


def test_addresses_the_client_wrote_on_the_left_are_ignored(rf, proxies):
    proxies("10.0.0.0/8")
    # The client sent "6.6.6.6, 7.7.7.7"; the load balancer appended the address it saw.
    spoofed = request(rf, "10.0.0.1", forwarded="6.6.6.6, 7.7.7.7, 198.51.100.1")
    assert client_address(spoofed) == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop(rf, proxies):
    proxies("10.0.0.0/8", "192.0.2.10")
    # CDN edge 192.0.2.10 saw 198.51.100.1; internal LB 10.1.2.3 saw the edge; app saw the LB.
    chain = request(rf, "10.0.0.1", forwarded="6.6.6.6, 198.51.100.1, 192.0.2.10, 10.1.2.3")
    assert client_address(chain) == "198.51.100.1"


def test_a_host_inside_the_trusted_network_is_the_client(rf, proxies):
    proxies("10.0.0.0/8")
    assert client_address(request(rf, "10.0.0.1", forwarded="10.0.0.9")) == "10.0.0.9"


def test_cidr_entries_trust_every_address_in_the_network(rf, proxies):
    proxies("10.0.0.0/8")
    assert from_trusted_proxy(request(rf, "10.200.3.4"))
    assert not from_trusted_proxy(request(rf, "11.0.0.1"))
    assert client_address(request(rf, "11.0.0.1", forwarded="198.51.100.1")) == "11.0.0.1"


def test_ipv6_proxies_and_clients(rf, proxies):
    proxies("2001:db8:ffff::/48")
    forwarded = request(rf, "2001:db8:ffff::1", forwarded="2001:DB8:1:2:3:4:5:6")
    assert client_address(forwarded) == "2001:db8:1:2:3:4:5:6"
    direct = request(rf, "2001:db8:eeee::1", forwarded="2001:db8:1::1")
    assert not from_trusted_proxy(direct)
    assert client_address(direct) == "2001:db8:eeee::1"


def test_an_ipv4_peer_on_a_dual_stack_socket_is_its_ipv4_address(rf, proxies):
    proxies("127.0.0.1")
    mapped = request(rf, "::ffff:127.0.0.1", forwarded="198.51.100.1")
    assert from_trusted_proxy(mapped)
    assert client_address(mapped) == "198.51.100.1"
    assert client_address(request(rf, "::ffff:203.0.113.7")) == "203.0.113.7"


def test_star_trusts_any_peer_but_only_the_address_it_appended(rf, proxies):
    proxies("*")
    spoofed = request(rf, "203.0.113.5", forwarded="6.6.6.6, 198.51.100.1")
    assert from_trusted_proxy(spoofed)
    assert client_address(spoofed) == "198.51.100.1"


def test_a_unix_socket_peer_is_trusted_as_gunicorn_does(rf, proxies):
    proxies("127.0.0.1")
    assert client_address(request(rf, "", forwarded="198.51.100.1")) == "198.51.100.1"


@pytest.mark.parametrize(
    "garbage",
    ["", "not-an-ip", "<script>", "198.51.100.1:x", "198.51.100.1, unknown", "1.2.3.4,"],
)
def test_a_forwarded_value_that_is_no_address_is_not_believed(rf, proxies, garbage):
    proxies("127.0.0.1")
    assert client_address(request(rf, "127.0.0.1", forwarded=garbage)) == "127.0.0.1"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [("198.51.100.1:443", "198.51.100.1"), ("[2001:db8::1]:443", "2001:db8::1")],
)
def test_a_proxy_that_writes_the_port_too_still_names_the_client(rf, proxies, forwarded, client):
    # Some load balancers write address:port; taken as garbage, every client would be the proxy,
    # and share one rate-limit bucket.
    proxies("127.0.0.1")
    assert client_address(request(rf, "127.0.0.1", forwarded=forwarded)) == client


def test_an_entry_that_is_no_address_ends_the_walk_at_the_last_trusted_hop(rf, proxies):
    proxies("10.0.0.0/8")
    broken = request(rf, "10.0.0.1", forwarded="198.51.100.1, unknown, 10.1.1.1")
    assert client_address(broken) == "10.1.1.1"


def test_malformed_proxy_entries_trust_no_one(rf, proxies):
    # "10.0.0.1/8" has host bits set: gunicorn refuses it, and so is it ignored here.
    proxies("10.0.0.1/8", "nonsense", "127.0.0.1")
    assert not from_trusted_proxy(request(rf, "10.0.0.1"))
    assert not from_trusted_proxy(request(rf, "10.9.9.9"))
    assert from_trusted_proxy(request(rf, "127.0.0.1"))


def test_the_login_network_is_the_24_or_48_of_the_client(rf, proxies):
    proxies("127.0.0.1")
    assert client_network(request(rf, "127.0.0.1", forwarded="198.51.100.77")) == "198.51.100.0"
    assert client_network(request(rf, "2001:db8:1:2:3::4")) == "2001:db8:1::"
    assert client_network(request(rf, "203.0.113.7", forwarded="198.51.100.77")) == "203.0.113.0"
    assert client_network(request(rf, "")) == ""


def test_the_ratelimit_key_is_the_ipv4_address_or_the_ipv6_64(rf, proxies):
    proxies("127.0.0.1")
    assert ratelimit_key("login", request(rf, "127.0.0.1", forwarded="198.51.100.77")) == (
        "198.51.100.77"
    )
    assert ratelimit_key("login", request(rf, "2001:db8:1:2:3::4")) == "2001:db8:1:2::"


def test_spoofing_forwarded_addresses_does_not_escape_the_rate_limit(rf, proxies):
    proxies("127.0.0.1")

    def limited(peer, forwarded):
        return is_ratelimited(
            request(rf, peer, forwarded),
            group="login",
            key="operations.addresses.ratelimit_key",
            rate="1/m",
            increment=True,
        )

    assert not limited("203.0.113.7", "198.51.100.1")
    assert limited("203.0.113.7", "198.51.100.2")
    # Behind the proxy, two clients are two buckets.
    assert not limited("127.0.0.1", "198.51.100.1")
    assert not limited("127.0.0.1", "198.51.100.2")
    assert limited("127.0.0.1", "6.6.6.6, 198.51.100.2")
