# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The mutual-TLS files an administrator uploads for the bank's Pix API (the
client certificate, its private key, the bank's certificate authority): what
is wrong with them is said when they are saved, not found out later as every
charge failing at the bank."""

from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization


class TlsFileError(ValueError):
    """``code``: ``certificate`` (not a PEM certificate), ``key`` (not a PEM
    private key without a password), ``encrypted`` (a key with a password),
    ``expired`` (``expired``: when), ``mismatch`` (the key is not the
    certificate's), ``ca`` (not a PEM certificate)."""

    def __init__(self, code, expired=None):
        super().__init__(code)
        self.code = code
        self.expired = expired


def _certificate(pem):
    try:
        return x509.load_pem_x509_certificate(pem)
    except ValueError:
        return None


def certificate_expiry(pem):
    """When the PEM certificate ``pem`` expires (naive UTC), or False."""
    certificate = _certificate(pem)
    return certificate.not_valid_after_utc.replace(tzinfo=None) if certificate else False


def _private_key(pem):
    try:
        return serialization.load_pem_private_key(pem, password=None)
    except TypeError as error:  # a key protected by a password
        raise TlsFileError("encrypted") from error
    except (ValueError, UnsupportedAlgorithm) as error:
        raise TlsFileError("key") from error


def _public_bytes(public_key):
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def check_tls_files(certificate=None, key=None, ca=None, now=None):
    """Raise TlsFileError when the client ``certificate``, its ``key`` or the
    bank's ``ca`` (PEM bytes, each optional) cannot be used: the bank (or the
    TLS library) would refuse every request made with them."""
    now = now or datetime.now(UTC)
    cert = None
    if certificate:
        cert = _certificate(certificate)
        if cert is None:
            raise TlsFileError("certificate")
        expires = cert.not_valid_after_utc
        if expires <= now:
            raise TlsFileError("expired", expired=expires.replace(tzinfo=None))
    if key:
        private = _private_key(key)
        if cert is not None and _public_bytes(private.public_key()) != _public_bytes(
            cert.public_key()
        ):
            raise TlsFileError("mismatch")
    if ca and _certificate(ca) is None:
        raise TlsFileError("ca")
