"""Which address a request comes from, as far as this deployment can trust it."""

import pytest
from django.test import RequestFactory
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.core.client import client_address


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "", "203.0.113.5"),
        (0, "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # no proxy: the header is a lie
        (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (2, "10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "10.0.0.3", "198.51.100.1", "10.0.0.3"),  # fewer hops than proxies: not trusted
        (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::"),
        (0, "::ffff:192.0.2.7", "", "192.0.2.7"),
    ],
)
def test_the_client_address_is_the_one_the_outermost_trusted_proxy_saw(
    settings: SettingsWrapper, proxies: int, remote: str, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
