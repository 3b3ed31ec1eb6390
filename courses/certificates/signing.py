"""Ed25519 signatures over a certificate's canonical snapshot.

The private key is generated into the instance folder on first use (share the file between app
servers); the public key is published so anyone can check a certificate independently.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from courses.config import create_once


def canonical(document: dict[str, Any]) -> bytes:
    """One byte string per document whatever the key order or database: what gets signed."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@cache
def _load_private_key(path: str) -> Ed25519PrivateKey:
    fresh = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    key = serialization.load_pem_private_key(create_once(Path(path), fresh), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


class Signer:
    """Signs and verifies with the key stored at `key_path`."""

    def __init__(self, key_path: Path):
        self.key_path = key_path

    @property
    def private_key(self) -> Ed25519PrivateKey:
        return _load_private_key(str(self.key_path))

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def sign(self, document: dict[str, Any]) -> str:
        return base64.b64encode(self.private_key.sign(canonical(document))).decode()

    def verify(self, document: dict[str, Any], signature: str) -> bool:
        try:
            self.public_key.verify(base64.b64decode(signature, validate=True), canonical(document))
        except (InvalidSignature, ValueError):
            return False
        return True

    def public_key_pem(self) -> bytes:
        return self.public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
