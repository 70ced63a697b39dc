"""shared/fetching.py: which addresses a URL someone gave Njia may reach (no sockets: the resolver
is handed in)."""

import pytest

from shared.fetching import FetchFailed, FetchPolicy, FetchRefused, address_allowed, check_url

PUBLIC = FetchPolicy()
ON_PREMISES = FetchPolicy(allow_private=True)


def resolving_to(*addresses):
    return lambda host, port: list(addresses)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.10",
        "172.16.5.5",
        "::1",
        "fc00::1",
        "100.64.0.1",
        "::ffff:127.0.0.1",
    ],
)
def test_private_and_loopback_addresses_are_refused_unless_allowed(address):
    assert not address_allowed(address, allow_private=False)
    assert address_allowed(address, allow_private=True)


@pytest.mark.parametrize("address", ["169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "::"])
def test_link_local_multicast_and_unspecified_addresses_are_always_refused(address):
    assert not address_allowed(address, allow_private=True)


def test_public_addresses_are_allowed():
    assert address_allowed("8.8.8.8", allow_private=False)
    assert address_allowed("2606:4700:4700::1111", allow_private=False)


def test_a_public_host_is_reached_at_the_address_that_was_checked():
    assert check_url("https://hooks.example.org/njia", PUBLIC, resolving_to("93.184.215.14")) == (
        "https",
        "hooks.example.org",
        443,
        "93.184.215.14",
    )


def test_a_host_with_any_private_address_among_its_answers_is_refused():
    with pytest.raises(FetchRefused, match=r"private, local or reserved address \(10\.0\.0\.7\)"):
        check_url("https://hooks.example.org/njia", PUBLIC, resolving_to("93.184.215.14", "10.0.0.7"))


def test_a_host_pointing_at_cloud_metadata_is_refused_even_on_premises():
    with pytest.raises(FetchRefused, match=r"169\.254\.169\.254"):
        check_url("http://metadata.example.org/", ON_PREMISES, resolving_to("169.254.169.254"))


def test_a_host_that_resolves_to_nothing_cannot_be_reached():
    with pytest.raises(FetchFailed) as caught:
        check_url("https://nowhere.example.org/", PUBLIC, resolving_to())
    assert caught.value.code == "unreachable"


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/x", "gopher://x", "http:///nohost", "https://u:p@example.org/"],
)
def test_only_http_urls_with_a_host_and_no_credentials_are_reached(url):
    with pytest.raises(FetchRefused):
        check_url(url, ON_PREMISES, resolving_to("93.184.215.14"))
