"""The issuer of Tadbir's credentials: a `did:web` identifier on the public address, and its keys.

`did:web:<host>` (port as `%3A`, a path prefix as `:segment`) resolves to
`https://<host>/.well-known/did.json` (or `https://<host>/<path>/did.json`), which publishes the
public keys as JWK. Credentials are signed with the certificates' Ed25519 key; its `kid` is the
DID and the key's JWK thumbprint (RFC 7638), so a new key gets a new `kid` and the public keys of
former ones, listed in CREDENTIAL_RETIRED_KEYS, stay published and accepted.
"""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from flask import current_app
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey

from courses.certificates import services
from courses.urls import public_base_url

ALGORITHM = "EdDSA"
DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"]


def issuer_id() -> str:
    """`did:web:` and the public address: host (port percent-encoded), then each path segment."""
    base = urlsplit(public_base_url())
    segments = [quote(base.netloc, safe="")] + [quote(part, safe="") for part in base.path.split("/") if part]
    return "did:web:" + ":".join(segments)


def signing_key() -> OKPKey:
    """The certificates' Ed25519 key, as a JWK."""
    pem = services.signer().private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return _okp_key(pem)


@cache
def _okp_key(pem: bytes) -> OKPKey:
    key = OKPKey.import_key(pem)
    if key.as_dict(private=False).get("crv") != "Ed25519":
        raise ValueError("credentials are signed with Ed25519 keys only")
    return key


def _retired_keys() -> list[OKPKey]:
    return [_okp_key(Path(path).read_bytes()) for path in current_app.config.get("CREDENTIAL_RETIRED_KEYS", ())]


def public_keys() -> dict[str, OKPKey]:
    """Every key credentials may be signed with, by thumbprint: the current one, then retired ones."""
    keys = [signing_key(), *_retired_keys()]
    return {key.thumbprint(): OKPKey.import_key(key.as_dict(private=False)) for key in keys}


def key_id(thumbprint: str) -> str:
    return f"{issuer_id()}#{thumbprint}"


def did_document() -> dict[str, Any]:
    """The DID document: the issuer's public keys, for assertions (signing credentials)."""
    did = issuer_id()
    methods = [
        {"id": key_id(thumbprint), "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": key.as_dict()}
        for thumbprint, key in public_keys().items()
    ]
    return {
        "@context": DID_CONTEXT,
        "id": did,
        "alsoKnownAs": [public_base_url()],
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def _quietly(function, *args, **kwargs):
    # RFC 9864 deprecates the name "EdDSA" for being polymorphic (Ed25519 or Ed448); the keys here
    # are Ed25519 only (checked on import), and wallets and Open Badges verifiers know "EdDSA".
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return function(*args, **kwargs)


def sign(payload: dict[str, Any], typ: str = "vc+jwt") -> str:
    """A compact JWS (VC-JWT) of `payload`, deterministic for one payload and key."""
    key = signing_key()
    header = {"alg": ALGORITHM, "kid": key_id(key.thumbprint()), "typ": typ}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return _quietly(jws.serialize_compact, header, body, key, algorithms=[ALGORITHM])


def verify(token: str, key: OKPKey):
    """The JWS object if `token` is signed by `key`; raises joserfc's errors otherwise."""
    return _quietly(jws.deserialize_compact, token, key, algorithms=[ALGORITHM])
