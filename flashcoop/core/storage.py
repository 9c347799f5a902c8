"""Stored files: documents kept in the database, with their SHA-256, served byte for byte.

What is issued (a certificate, a closure report) is rendered once and kept as issued: in the
database, so that every worker on every host serves the same bytes and a backup holds them.
Reading a file checks its bytes against the digest taken when it was stored.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from flashcoop.core.clock import utcnow

MAX_BYTES = 20 * 1024 * 1024  # a 30-person cohort's certificates fit many times over


class StoredFile(Model):
    # Never updated: a new version of a document is a new file.
    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=200)
    media_type = fields.CharField(max_length=100)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64, db_index=True)
    content: Any = fields.BinaryField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "stored_file"

    @property
    def intact(self) -> bool:
        """True while the bytes are those that were stored."""
        return hashlib.sha256(bytes(self.content)).hexdigest() == self.sha256


class AlteredFile(Exception):
    """A stored file's bytes no longer match its digest: refuse to serve them."""


async def store_file(
    content: bytes, *, name: str, media_type: str, now: datetime | None = None
) -> StoredFile:
    """Keep `content` as a new file with its SHA-256."""
    if len(content) > MAX_BYTES:
        raise ValueError(f"a stored file is at most {MAX_BYTES} bytes")
    return await StoredFile.create(
        name=name[:200],
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        created_at=now or utcnow(),
    )


async def read_file(file_id: UUID | str) -> StoredFile | None:
    """The stored file (None when there is none); AlteredFile when its bytes changed."""
    try:
        key = UUID(str(file_id))
    except ValueError:
        return None
    found = await StoredFile.get_or_none(id=key)
    if found is not None and not found.intact:
        raise AlteredFile(str(key))
    return found
