"""The hash chain of a cohort's ledger: canonical form of an entry, and its verification.

Canonical form (documented in docs/ledger.md, "The hash chain"): a JSON object with sorted
keys, no spaces, UTF-8, of the fields below; amounts are integer cents, times UTC ISO 8601
with milliseconds and a Z. It covers ids, amounts, kinds, labels and times, and never a
person's name, so members can be pseudonymised later without breaking the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flashcoop.ledger.models import LedgerEntry, LedgerHead

GENESIS = "0" * 64
PAGE = 500  # entries hashed between two turns of the event loop
CHAIN_VERSION = 1


def moment(value: datetime) -> str:
    return (
        value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    )


def canonical(entry: LedgerEntry) -> bytes:
    """The bytes that an entry's hash covers (with the previous entry's hash)."""
    data: dict[str, Any] = {
        "v": CHAIN_VERSION,
        "id": str(entry.id),
        "cohort_id": str(entry.cohort_id),
        "seq": entry.seq,
        "kind": entry.kind,
        "book": entry.book,
        "amount_cents": entry.amount_cents,
        "quantity": entry.quantity,
        "label": entry.label,
        "payment_method": entry.payment_method,
        "participant_id": str(entry.participant_id) if entry.participant_id else None,
        "author_id": str(entry.author_id) if entry.author_id else None,
        "recorded_by_id": entry.recorded_by_id,
        "reverses": str(entry.reverses_id) if entry.reverses_id else None,
        "reason": entry.reason,
        "occurred_at": moment(entry.occurred_at),
        "recorded_at": moment(entry.recorded_at),
        "prev": entry.prev_hash,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: LedgerEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head: str | None
    first_bad_seq: int | None


def verification_json(result: Verification) -> dict[str, Any]:
    """The answer of GET .../ledger/verify and of `flashcoop ledger verify`: the same JSON."""
    return {
        "ok": result.ok,
        "entries": result.entries,
        "head": result.head,
        "first_bad_seq": result.first_bad_seq,
    }


async def verify_chain(cohort_id: Any) -> Verification:
    """Recompute the chain of a cohort: any altered, removed or reordered entry breaks it.

    Read and hashed a page at a time: a closure verifies thousands of entries, and one pass
    over them all would hold the event loop (and every sale of every other cohort) meanwhile.
    """
    prev, count, last_seq = GENESIS, 0, 0
    first_bad: int | None = None
    while first_bad is None:
        page = (
            await LedgerEntry.filter(cohort_id=cohort_id, seq__gt=last_seq)
            .order_by("seq")
            .limit(PAGE)
        )
        for entry in page:
            count += 1
            if entry.seq != count:
                first_bad = count  # a missing (or renumbered) entry
                break
            if entry.prev_hash != prev or entry_hash(entry) != entry.hash:
                first_bad = entry.seq
                break
            prev = entry.hash
        if len(page) < PAGE or first_bad is not None:
            break
        last_seq = page[-1].seq
    if first_bad is not None:
        # The rest need not be hashed, but the answer still describes the whole ledger.
        rows = LedgerEntry.filter(cohort_id=cohort_id)
        last = await rows.order_by("-seq").first()
        head = last.hash if last is not None else None
        return Verification(
            ok=False, entries=await rows.count(), head=head, first_bad_seq=first_bad
        )
    # Entries cut from the end leave a consistent chain: the head still remembers them.
    head_row = await LedgerHead.get_or_none(cohort_id=cohort_id)
    head_seq = head_row.seq if head_row else 0
    head_hash = head_row.hash if head_row else GENESIS
    if head_seq != count or head_hash != prev:
        first_bad = min(head_seq, count) + 1
    return Verification(
        ok=first_bad is None,
        entries=count,
        head=prev if count else None,
        first_bad_seq=first_bad,
    )
