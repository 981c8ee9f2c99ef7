"""Signatures, AEAD and the CA, checked against the library's own primitives."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from yuanzi.core import crypto

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def key() -> crypto.rsa.RSAPrivateKey:
    return crypto.generate_rsa_key()


def test_signatures_verify_and_tampering_fails(key: crypto.rsa.RSAPrivateKey) -> None:
    message = b"POST\n/v3/pay/transactions/jsapi\n1700000000\nNONCE\n{}\n"
    signature = crypto.rsa_sign(key, message)
    key.public_key().verify(base64.b64decode(signature), message, padding.PKCS1v15(), hashes.SHA256())
    assert crypto.rsa_verify(key.public_key(), message, signature)
    assert not crypto.rsa_verify(key.public_key(), message + b"x", signature)
    assert not crypto.rsa_verify(key.public_key(), message, "not base64!")
    assert not crypto.rsa_verify(crypto.generate_rsa_key().public_key(), message, signature)


def test_pem_round_trips(key: crypto.rsa.RSAPrivateKey) -> None:
    pem = crypto.private_key_pem(key)
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    again = crypto.load_private_key(pem)
    assert again.private_numbers() == key.private_numbers()
    public = crypto.load_public_key(crypto.public_key_pem(key.public_key()))
    assert public.public_numbers() == key.public_key().public_numbers()
    with pytest.raises(crypto.CryptoError):
        crypto.load_private_key("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----")
    with pytest.raises(crypto.CryptoError):
        crypto.load_public_key("garbage")


def test_aead_matches_aesgcm_and_rejects_wrong_key() -> None:
    apiv3_key = b"0123456789abcdef0123456789abcdef"
    sealed = crypto.aead_encrypt(apiv3_key, "abcdefghijkl", "transaction", '{"a":1}')
    raw = AESGCM(apiv3_key).decrypt(b"abcdefghijkl", base64.b64decode(sealed), b"transaction")
    assert raw == b'{"a":1}'
    assert crypto.aead_decrypt(apiv3_key, "abcdefghijkl", "transaction", sealed) == '{"a":1}'
    with pytest.raises(crypto.CryptoError):
        crypto.aead_decrypt(b"f" * 32, "abcdefghijkl", "transaction", sealed)
    with pytest.raises(crypto.CryptoError):
        crypto.aead_decrypt(apiv3_key, "abcdefghijkl", "certificate", sealed)
    with pytest.raises(crypto.CryptoError):
        crypto.aead_encrypt(b"short", "abcdefghijkl", "", "x")


def test_ca_issues_certificates_it_can_recognise(key: crypto.rsa.RSAPrivateKey) -> None:
    ca = crypto.CertificateAuthority.create("yuanzi Test CA", NOW)
    cert = ca.issue(
        common_name="1900000001",
        organization_unit="yuanzi merchant",
        public_key=key.public_key(),
        not_before=NOW,
        not_after=NOW + dt.timedelta(days=365 * 5),
    )
    serial = crypto.certificate_serial(cert)
    assert len(serial) == 40
    assert serial == serial.upper()
    assert ca.signed(cert)
    assert not crypto.CertificateAuthority.create("other", NOW).signed(cert)
    pem = crypto.certificate_pem(cert)
    assert crypto.load_certificate(pem).serial_number == cert.serial_number
    assert crypto.load_public_key(pem).public_numbers() == key.public_key().public_numbers()
