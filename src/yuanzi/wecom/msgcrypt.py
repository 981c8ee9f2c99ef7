"""WeCom's callback encryption (WXBizMsgCrypt): what a corp's server decrypts and verifies.

AESKey = Base64(EncodingAESKey + "="): AES-256-CBC with IV = AESKey[:16], PKCS#7 padded to 32-byte
blocks, over random(16) + len(msg) as 4 bytes big-endian + msg + the receiver's id (the CorpID);
msg_signature = SHA-1 of the sorted strings token, timestamp, nonce, ciphertext, joined."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import struct

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

AES_KEY_CHARS = 43
BLOCK_BITS = 256  # WeCom pads to 32 bytes, not AES's 16


class BadKey(ValueError):
    """An EncodingAESKey that is not 43 Base64 characters of a 32-byte key."""


def aes_key(encoding_aes_key: str) -> bytes:
    """The AES key an EncodingAESKey names."""
    if len(encoding_aes_key) != AES_KEY_CHARS:
        raise BadKey("EncodingAESKey is 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error:
        raise BadKey("EncodingAESKey is Base64 (A-Z a-z 0-9 + /)") from None
    if len(key) != 32:
        raise BadKey("EncodingAESKey must decode to 32 bytes")
    return key


def encrypt(key: bytes, message: str, receive_id: str) -> str:
    """The Base64 ciphertext of `message` for `receive_id`."""
    body = message.encode()
    plain = secrets.token_bytes(16) + struct.pack(">I", len(body)) + body + receive_id.encode()
    padder = padding.PKCS7(BLOCK_BITS).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()


def decrypt(key: bytes, ciphertext: str) -> tuple[str, str]:
    """The message and receiver id inside `ciphertext` (ValueError if it is not one)."""
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    padded = decryptor.update(base64.b64decode(ciphertext)) + decryptor.finalize()
    unpadder = padding.PKCS7(BLOCK_BITS).unpadder()
    plain = unpadder.update(padded) + unpadder.finalize()
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20 : 20 + length].decode(), plain[20 + length :].decode()


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """msg_signature over the four strings, sorted."""
    joined = "".join(sorted((token, timestamp, nonce, encrypted))).encode()
    return hashlib.sha1(joined, usedforsecurity=False).hexdigest()  # WeCom's protocol, not our choice
