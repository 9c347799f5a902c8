"""The rotating check-in codes and the short-lived proofs built on them.

A check-in code is an HMAC of (workshop id, time window) under the secret key: nothing is
stored and every worker computes the same code. The screen shows it in two forms taken from the
same digest: a 16-character code inside the QR link, and 6 digits (`short_code`, like a TOTP)
for a phone that cannot scan. A scanned code is accepted during its own window and the one after
(a phone that scanned just before the code changed); typed digits a little longer, since people
type slowly — guessing them is held back by a limit on wrong codes per member (attendance.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from flashcoop.core.clock import utcnow
from flashcoop.core.settings import Settings
from flashcoop.workshops.models import Workshop

SHORT_CODE_DIGITS = 6
# A typed code stays good while its window or one that began in the last TYPED_GRACE is current.
TYPED_GRACE = timedelta(seconds=45)
SCANNED = "qr"
TYPED = "code"


def _window(now: datetime, rotation: int) -> int:
    return int(now.timestamp()) // rotation


def _rotation(settings: Settings) -> int:
    return max(settings.checkin_rotation_seconds, 1)


def _digest(secret_key: str, workshop_id: object, window: int) -> bytes:
    return hmac.new(
        secret_key.encode(), f"checkin:{workshop_id}:{window}".encode(), hashlib.sha256
    ).digest()


def _code(secret_key: str, workshop_id: object, window: int) -> str:
    return base64.urlsafe_b64encode(_digest(secret_key, workshop_id, window)[:12]).decode()


def _short_code(secret_key: str, workshop_id: object, window: int) -> str:
    # RFC 4226 dynamic truncation: 31 bits picked by the digest's last nibble, then 6 digits.
    digest = _digest(secret_key, workshop_id, window)
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**SHORT_CODE_DIGITS).zfill(SHORT_CODE_DIGITS)


def current_code(
    settings: Settings, workshop: Workshop, now: datetime | None = None
) -> tuple[str, datetime]:
    """The code to show now and when it stops being the current one."""
    now = now or utcnow()
    rotation = _rotation(settings)
    window = _window(now, rotation)
    expires = datetime.fromtimestamp((window + 1) * rotation, UTC)
    return _code(settings.secret_key, workshop.id, window), expires


def current_short_code(settings: Settings, workshop: Workshop, now: datetime | None = None) -> str:
    """The 6 digits to show now beside the QR code (same window as `current_code`)."""
    now = now or utcnow()
    return _short_code(settings.secret_key, workshop.id, _window(now, _rotation(settings)))


def typed_digits(code: str) -> str | None:
    """The 6 digits of a typed code ("123 456", "123-456"), or None when it is not one."""
    digits = "".join(ch for ch in code if ch not in " -.\u00a0\u202f")
    if len(digits) == SHORT_CODE_DIGITS and digits.isascii() and digits.isdigit():
        return digits
    return None


def code_method(
    settings: Settings, workshop: Workshop, code: str, now: datetime | None = None
) -> str | None:
    """How a valid code was given ("qr" scanned, "code" typed), or None if wrong or expired."""
    now = now or utcnow()
    if not code.isascii():  # compare_digest refuses other text: it cannot be a code anyway
        return None
    rotation = _rotation(settings)
    window = _window(now, rotation)
    if any(
        hmac.compare_digest(_code(settings.secret_key, workshop.id, w), code)
        for w in (window, window - 1)
    ):
        return SCANNED
    digits = typed_digits(code)
    if digits is None:
        return None
    back = max(1, -(-int(TYPED_GRACE.total_seconds()) // rotation))  # ceil, at least one
    if any(
        hmac.compare_digest(_short_code(settings.secret_key, workshop.id, w), digits)
        for w in range(window - back, window + 1)
    ):
        return TYPED
    return None


def code_is_valid(
    settings: Settings, workshop: Workshop, code: str, now: datetime | None = None
) -> bool:
    return code_method(settings, workshop, code, now) is not None


def checkin_url(settings: Settings, workshop: Workshop, code: str) -> str:
    return f"{settings.base_url.rstrip('/')}/w/{workshop.id}/checkin?code={code}"


def signed_moment(settings: Settings, purpose: str, at: datetime) -> str:
    """`<unix time>.<mac>`: proof that the server saw something at `at`, for `purpose`."""
    stamp = int(at.timestamp())
    mac = hmac.new(
        settings.secret_key.encode(), f"{purpose}:{stamp}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"{stamp}.{mac}"


def moment_of(
    settings: Settings, purpose: str, token: str, *, lifetime: timedelta, now: datetime
) -> datetime | None:
    """The moment signed by `signed_moment` if the token is genuine and younger than
    `lifetime`, else None."""
    stamp_text, _, _mac = token.partition(".")
    try:
        at = datetime.fromtimestamp(int(stamp_text), UTC)
    except (ValueError, OverflowError, OSError):
        return None
    if not hmac.compare_digest(signed_moment(settings, purpose, at), token):
        return None
    return at if at <= now < at + lifetime else None
