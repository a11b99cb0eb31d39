"""RFC 6238 time-based one-time passwords, checked against the RFC's own test vectors."""

import base64
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from curim.accounts.totp import otpauth_uri, totp_code, totp_secret_generate, totp_step

# RFC 6238 appendix B, SHA1, with the 8-digit values cut to their last 6 digits.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("unix_time", "code"),
    [
        (59, "287082"),
        (1111111109, "081804"),
        (1111111111, "050471"),
        (1234567890, "005924"),
        (2000000000, "279037"),
        (20000000000, "353130"),
    ],
)
def test_codes_match_the_rfc_6238_vectors(unix_time: int, code: str) -> None:
    step = totp_step(datetime.fromtimestamp(unix_time, tz=UTC))
    assert totp_code(RFC_SECRET, step=step) == code


def test_a_step_is_thirty_seconds() -> None:
    assert totp_step(datetime.fromtimestamp(59, tz=UTC)) == 1
    assert totp_step(datetime.fromtimestamp(60, tz=UTC)) == 2


def test_a_new_secret_is_160_random_bits_in_base32() -> None:
    secret = totp_secret_generate()
    assert len(base64.b32decode(secret)) == 20
    assert secret != totp_secret_generate()


def test_lower_case_secrets_give_the_same_codes() -> None:
    assert totp_code(RFC_SECRET.lower(), step=1) == totp_code(RFC_SECRET, step=1)


def test_the_otpauth_uri_names_the_issuer_and_account() -> None:
    uri = urlsplit(otpauth_uri("JBSWY3DPEHPK3PXP", "vsu@example.org"))
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert uri.path == "/CURiM:vsu@example.org"
    query = parse_qs(uri.query)
    assert query["secret"] == ["JBSWY3DPEHPK3PXP"]
    assert query["issuer"] == ["CURiM"]
    assert query["digits"] == ["6"]
    assert query["period"] == ["30"]
