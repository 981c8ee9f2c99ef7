"""The cryptography WeChat's protocols use, on the `cryptography` library.

- SHA256-with-RSA (PKCS#1 v1.5) signatures, Base64 — Pay v3 requests, responses and callbacks,
  and `wx.requestPayment`'s paySign;
- AEAD_AES_256_GCM with the merchant's APIv3 key — callback resources and platform certificates;
- yuanzi's own certificate authority, which issues merchant API and platform certificates.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import secrets

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

RSA_BITS = 2048


class CryptoError(ValueError):
    """A key, signature or ciphertext that does not check out."""


def generate_rsa_key() -> rsa.RSAPrivateKey:
    """A fresh RSA-2048 private key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def private_key_pem(key: rsa.RSAPrivateKey) -> str:
    """PKCS#8 PEM, the form WeChat's apiclient_key.pem has."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_key_pem(key: rsa.RSAPublicKey) -> str:
    """SubjectPublicKeyInfo PEM."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    """An RSA private key from PEM, or CryptoError."""
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise CryptoError(f"not a PEM private key: {exc}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CryptoError("not an RSA private key")
    return key


def load_public_key(pem: str) -> rsa.RSAPublicKey:
    """An RSA public key from PEM (a public key or a certificate), or CryptoError."""
    data = pem.encode()
    try:
        key = (
            x509.load_pem_x509_certificate(data).public_key()
            if b"BEGIN CERTIFICATE" in data
            else serialization.load_pem_public_key(data)
        )
    except ValueError as exc:
        raise CryptoError(f"not a PEM public key or certificate: {exc}") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise CryptoError("not an RSA public key")
    if key.key_size < RSA_BITS:
        raise CryptoError(f"RSA keys must have at least {RSA_BITS} bits")
    return key


def rsa_sign(key: rsa.RSAPrivateKey, message: bytes) -> str:
    """Base64 SHA256-with-RSA (PKCS#1 v1.5) signature of `message`."""
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verify(key: rsa.RSAPublicKey, message: bytes, signature: str) -> bool:
    """True when `signature` (Base64) is `key`'s SHA256-with-RSA signature of `message`."""
    try:
        raw = base64.b64decode(signature, validate=True)
        key.verify(raw, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def aead_encrypt(key: bytes, nonce: str, associated_data: str, plaintext: str) -> str:
    """AEAD_AES_256_GCM: Base64 of ciphertext with the 16-byte tag appended."""
    _check_apiv3_key(key)
    sealed = AESGCM(key).encrypt(nonce.encode(), plaintext.encode(), associated_data.encode())
    return base64.b64encode(sealed).decode()


def aead_decrypt(key: bytes, nonce: str, associated_data: str, ciphertext: str) -> str:
    """The plaintext of an AEAD_AES_256_GCM resource, or CryptoError."""
    _check_apiv3_key(key)
    try:
        opened = AESGCM(key).decrypt(
            nonce.encode(), base64.b64decode(ciphertext, validate=True), associated_data.encode()
        )
    except (InvalidTag, binascii.Error, ValueError):
        raise CryptoError("ciphertext does not decrypt under this key") from None
    return opened.decode()


def _check_apiv3_key(key: bytes) -> None:
    if len(key) != 32:
        raise CryptoError("the APIv3 key must be 32 bytes")


_ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def nonce(length: int = 32) -> str:
    """A random alphanumeric nonce (AEAD nonces are 12 characters)."""
    # One draw from the OS, one character per byte. Bytes below 248 (= 4 × 62) map evenly onto the
    # 62 characters; the others are dropped so no character is more likely than another.
    chars: list[str] = []
    while len(chars) < length:
        chars.extend(_ALPHANUMERIC[b % 62] for b in secrets.token_bytes(length * 2) if b < 248)
    return "".join(chars[:length])


def certificate_serial(cert: x509.Certificate) -> str:
    """The serial as WeChat writes it: uppercase hex, 40 digits."""
    return f"{cert.serial_number:040X}"


def certificate_pem(cert: x509.Certificate) -> str:
    """The certificate in PEM."""
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def load_certificate(pem: str) -> x509.Certificate:
    """A certificate from PEM, or CryptoError."""
    try:
        return x509.load_pem_x509_certificate(pem.encode())
    except ValueError as exc:
        raise CryptoError(f"not a PEM certificate: {exc}") from None


class CertificateAuthority:
    """yuanzi's own CA: a self-signed root that signs merchant API and platform certificates."""

    def __init__(self, key: rsa.RSAPrivateKey, certificate: x509.Certificate) -> None:
        self.key = key
        self.certificate = certificate

    @classmethod
    def create(cls, name: str, now: dt.datetime, years: int = 20) -> CertificateAuthority:
        """A new root CA called `name`, valid from `now` for `years`."""
        key = generate_rsa_key()
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "yuanzi"),
                x509.NameAttribute(NameOID.COMMON_NAME, name),
            ]
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(key, hashes.SHA256())
        )
        return cls(key, cert)

    def issue(
        self,
        *,
        common_name: str,
        organization_unit: str,
        public_key: rsa.RSAPublicKey,
        not_before: dt.datetime,
        not_after: dt.datetime,
    ) -> x509.Certificate:
        """A certificate for `public_key`, signed by this CA (as WeChat's CA signs API certificates)."""
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "yuanzi"),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, organization_unit),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )

    def signed(self, cert: x509.Certificate) -> bool:
        """True when `cert` was issued by this CA."""
        try:
            cert.verify_directly_issued_by(self.certificate)
        except (ValueError, TypeError, InvalidSignature):
            return False
        return True
