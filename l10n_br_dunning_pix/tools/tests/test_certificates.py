# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..certificates import TlsFileError, certificate_expiry, check_tls_files

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _pair(days, password=None):
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "client")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=400))
        .not_valid_after(NOW + timedelta(days=days))
        .sign(private, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    key = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    return cert.public_bytes(serialization.Encoding.PEM), key


def _code(**files):
    with pytest.raises(TlsFileError) as caught:
        check_tls_files(now=NOW, **files)
    return caught.value.code


def test_a_valid_pair_and_its_authority_pass():
    cert, key = _pair(20)
    check_tls_files(certificate=cert, key=key, ca=cert, now=NOW)
    assert certificate_expiry(cert) == (NOW + timedelta(days=20)).replace(tzinfo=None)


def test_what_the_bank_would_refuse_is_named():
    cert, key = _pair(20)
    other_cert, other_key = _pair(20)
    assert _code(certificate=b"not a certificate") == "certificate"
    assert _code(certificate=b"\x30\x82\x0a\x01 a .p12 file") == "certificate"
    assert _code(key=b"garbage") == "key"
    assert _code(key=cert) == "key"
    assert _code(certificate=cert, key=other_key) == "mismatch"
    assert _code(ca=b"nonsense") == "ca"
    assert _code(key=_pair(20, password=b"secret")[1]) == "encrypted"
    assert certificate_expiry(b"nonsense") is False


def test_an_expired_certificate_says_when():
    cert, _key = _pair(-5)
    with pytest.raises(TlsFileError) as caught:
        check_tls_files(certificate=cert, now=NOW)
    assert caught.value.code == "expired"
    assert caught.value.expired.date() == (NOW - timedelta(days=5)).date()
