"""Stored files come back byte for byte, and altered bytes are refused."""

from __future__ import annotations

import hashlib
import os
import uuid

import pytest

from flashcoop.core.storage import MAX_BYTES, AlteredFile, StoredFile, read_file, store_file


async def test_a_stored_file_comes_back_byte_for_byte(app):
    content = b"%PDF-1.7\n" + os.urandom(4096) + b"\x00\xff end"
    stored = await store_file(content, name="certificat.pdf", media_type="application/pdf")
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    again = await read_file(stored.id)
    assert again is not None
    assert bytes(again.content) == content
    assert (again.name, again.media_type) == ("certificat.pdf", "application/pdf")


async def test_altered_bytes_are_refused(app):
    stored = await store_file(b"as issued", name="r.csv", media_type="text/csv")
    await StoredFile.filter(id=stored.id).update(content=b"as altered")
    with pytest.raises(AlteredFile):
        await read_file(stored.id)


async def test_unknown_or_malformed_ids_find_nothing(app):
    assert await read_file(uuid.uuid4()) is None
    assert await read_file("not-a-uuid") is None


async def test_a_file_past_the_limit_is_refused(app):
    with pytest.raises(ValueError):
        await store_file(b"x" * (MAX_BYTES + 1), name="big", media_type="text/plain")
    assert await StoredFile.all().count() == 0
