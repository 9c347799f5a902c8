"""Each structure's Ed25519 key: created on first use, the private half encrypted at rest, the
public half published as a JWK set; compact JWS (EdDSA) signing and checking.

The cryptography comes from `cryptography` (Ed25519, HKDF, AES-GCM); this module only encodes
JSON and base64url around it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from flashcoop.certificates.models import SigningKey
from flashcoop.core.clock import utcnow

_INFO = b"flashcoop signing-key encryption v1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _wrapping_key(secret_key: str) -> AESGCM:
    # A key derived for this one purpose: the secret key itself also signs sessions.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return AESGCM(derived)


def encrypt_private(raw: bytes, *, secret_key: str, key_id: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + _wrapping_key(secret_key).encrypt(nonce, raw, key_id.encode())


def decrypt_private(blob: bytes, *, secret_key: str, key_id: str) -> bytes:
    """The raw private key; InvalidTag when the secret key changed or the blob was altered."""
    return _wrapping_key(secret_key).decrypt(blob[:12], blob[12:], key_id.encode())


def public_jwk(public_raw: bytes) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(public_raw)}


def thumbprint(public_raw: bytes) -> str:
    """RFC 7638 JWK thumbprint: the key's id, derived from the key itself."""
    canonical = json.dumps(public_jwk(public_raw), sort_keys=True, separators=(",", ":"))
    return b64url(hashlib.sha256(canonical.encode()).digest())


async def signing_key(
    organisation_id: int, *, secret_key: str, now: datetime | None = None
) -> SigningKey:
    """The structure's current key, created on first use. Two workers racing may both create
    one: the oldest wins and both stay published, so either signature still checks."""
    current = await _current(organisation_id)
    if current is not None:
        return current
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    key_id = thumbprint(public)
    await SigningKey.create(
        organisation_id=organisation_id,
        key_id=key_id,
        public_key=public,
        private_key=encrypt_private(raw, secret_key=secret_key, key_id=key_id),
        created_at=now or utcnow(),
    )
    found = await _current(organisation_id)
    assert found is not None
    return found


async def _current(organisation_id: int) -> SigningKey | None:
    return (
        await SigningKey.filter(organisation_id=organisation_id, retired_at__isnull=True)
        .order_by("created_at", "id")
        .first()
    )


async def published_keys(organisation_id: int) -> list[dict[str, str]]:
    """Every key of the structure as a JWK (retired ones too: old credentials still check)."""
    keys = await SigningKey.filter(organisation_id=organisation_id).order_by("created_at", "id")
    return [
        {**public_jwk(bytes(k.public_key)), "kid": k.key_id, "use": "sig", "alg": "EdDSA"}
        for k in keys
    ]


def sign_jws(
    payload: dict[str, Any], key: SigningKey, *, secret_key: str, header: dict[str, Any]
) -> str:
    """A compact JWS of `payload` (alg EdDSA). Ed25519 is deterministic: the same payload
    signed again gives the same token."""
    raw = decrypt_private(bytes(key.private_key), secret_key=secret_key, key_id=key.key_id)
    private = Ed25519PrivateKey.from_private_bytes(raw)
    protected = b64url(json.dumps({"alg": "EdDSA", **header}, separators=(",", ":")).encode())
    body = b64url(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    signature = private.sign(f"{protected}.{body}".encode("ascii"))
    return f"{protected}.{body}.{b64url(signature)}"


async def sign_for(
    organisation_id: int, payload: dict[str, Any], *, secret_key: str, header: dict[str, Any]
) -> str:
    """`payload` signed with the structure's current key (`kid` set). A key that the secret key
    can no longer open (FLASHCOOP_SECRET_KEY changed) is retired and a new one created; the
    retired one stays published for what it signed before."""
    key = await signing_key(organisation_id, secret_key=secret_key)
    try:
        return sign_jws(payload, key, secret_key=secret_key, header={**header, "kid": key.key_id})
    except InvalidTag:
        await SigningKey.filter(id=key.id).update(retired_at=utcnow())
        key = await signing_key(organisation_id, secret_key=secret_key)
        return sign_jws(payload, key, secret_key=secret_key, header={**header, "kid": key.key_id})


def verify_jws(token: str, jwks: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The payload when the token's EdDSA signature checks with the key named by its `kid`
    among `jwks`; None otherwise (altered, unknown key, malformed)."""
    try:
        protected, body, signature = token.split(".")
        header = json.loads(b64url_decode(protected))
        if header.get("alg") != "EdDSA":
            return None
        jwk = next(k for k in jwks if k.get("kid") == header.get("kid"))
        public = Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
        public.verify(b64url_decode(signature), f"{protected}.{body}".encode("ascii"))
        payload = json.loads(b64url_decode(body))
    except (ValueError, StopIteration, KeyError, InvalidSignature, InvalidTag):
        return None
    return payload if isinstance(payload, dict) else None
