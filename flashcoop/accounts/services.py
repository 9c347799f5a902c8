"""Staff users, organisations, API tokens and rate limits: plain async functions, no HTTP."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from flashcoop.accounts.errors import AccountsError
from flashcoop.accounts.models import ROLES, ApiToken, Organisation, RateLimitMark, User
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, NotFound, RateLimited, ValidationError
from flashcoop.core.principal import Principal

_hasher = PasswordHasher()
# argon2 is CPU-bound (~50 ms): run it off the event loop, a few at a time.
_hash_limiter = anyio.CapacityLimiter(4)
TOKEN_PREFIX = "fc_"


@functools.cache
def _dummy_hash() -> str:
    # A valid hash to verify against when the e-mail is unknown, so both paths cost the same;
    # made at the first such sign-in rather than at import, which every start-up would pay.
    return _hasher.hash("not a real password")


def staff_user(principal: Principal) -> User:
    """The user behind a staff principal, as the accounts domain's row."""
    found = principal.user
    assert isinstance(found, User), "a staff principal carries a User"
    return found


async def hash_secret(secret: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, secret, limiter=_hash_limiter)


async def verify_secret(stored_hash: str, secret: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(stored_hash, secret)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(check, limiter=_hash_limiter)


async def get_or_create_organisation(name: str, kind: str) -> Organisation:
    name = name.strip()
    if not name or len(name) > 120:
        raise ValidationError(
            {"organisation": N_("Enter an organisation name (1-120 characters).")}
        )
    organisation = await Organisation.get_or_none(name=name)
    if organisation is None:
        organisation = await Organisation.create(name=name, kind=kind)
    return organisation


def visible_organisations(principal: Principal) -> QuerySet[Organisation]:
    """The organisations a staff member needs to know of: an admin all of them; a facilitator
    their structure and the funders they may link a cohort to; a funder their own."""
    user = principal.user
    if user is None:
        return Organisation.filter(id__isnull=True)
    if user.role == "admin":
        return Organisation.all()
    if user.role == "facilitator":
        return Organisation.filter(Q(id=user.organisation_id) | Q(kind="funder"))
    return Organisation.filter(id=user.organisation_id)


async def create_user(
    *, email: str, role: str, password: str, name: str = "", organisation: str | None = None
) -> User:
    """Create a staff account; facilitators and funders belong to an organisation."""
    errors: dict[str, str] = {}
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        errors["email"] = N_("Enter a valid e-mail address.")
    if role not in ROLES:
        errors["role"] = N_("Choose one of: admin, facilitator, funder.")
    if len(password) < 8:
        errors["password"] = N_("The password needs at least 8 characters.")
    if len(name) > 80:
        errors["name"] = N_("At most 80 characters.")
    if role in ("facilitator", "funder") and not (organisation or "").strip():
        errors["organisation"] = N_("Facilitators and funders belong to an organisation.")
    if errors:
        raise ValidationError(errors)
    if await User.exists(email=email):
        raise DomainError(
            AccountsError.EMAIL_TAKEN, N_("An account with this e-mail already exists.")
        )
    org = None
    if organisation:
        kind = "funder" if role == "funder" else "structure"
        org = await get_or_create_organisation(organisation, kind)
        if org.kind != kind:
            raise ValidationError({"organisation": N_("This organisation is of another kind.")})
    return await User.create(
        email=email,
        role=role,
        name=name.strip(),
        organisation=org,
        password_hash=await hash_secret(password),
    )


async def authenticate(email: str, password: str) -> User | None:
    user = await User.get_or_none(email=email.strip().lower(), is_active=True)
    if user is None:
        await verify_secret(await anyio.to_thread.run_sync(_dummy_hash), password)
        return None
    if not await verify_secret(user.password_hash, password):
        return None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(
    *, user: User | None = None, participant: object | None = None, name: str = ""
) -> tuple[str, ApiToken]:
    """A new bearer token and its row; only its digest is stored, so it is shown once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = await ApiToken.create(
        token_hash=_digest(token), user=user, participant=participant, name=name
    )
    return token, row


async def create_token(
    *, user: User | None = None, participant: object | None = None, name: str = ""
) -> str:
    """Return a new bearer token (see issue_token)."""
    token, _row = await issue_token(user=user, participant=participant, name=name)
    return token


def token_digest(token: str) -> str | None:
    """What is stored of a bearer token (its SHA-256), or None for what cannot be one."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return _digest(token)


async def note_use(token: ApiToken, *, now: datetime | None = None) -> None:
    """Write a token's last use at most once an hour: a token used for every sale must not
    turn each read into a write."""
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(hours=1):
        await ApiToken.filter(id=token.id).update(last_used_at=now)


def rate_key(scope: str, *parts: str) -> str:
    # Addresses are personal data: keep only a digest of them.
    return scope + ":" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


async def check_rate(
    key: str, *, limit: int, window: timedelta, now: datetime | None = None
) -> None:
    """Raise RateLimited when `limit` failures were recorded under `key` within `window`."""
    now = now or utcnow()
    if await RateLimitMark.filter(key=key, at__gt=now - window).count() >= limit:
        raise RateLimited()


async def record_failure(key: str, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    await RateLimitMark.create(key=key, at=now)
    # Old marks are useless; drop them as we go instead of running a separate job.
    await RateLimitMark.filter(at__lt=now - timedelta(days=1)).delete()


async def clear_failures(key: str) -> None:
    await RateLimitMark.filter(key=key).delete()


async def change_password(user: User, *, current: str, new: str) -> None:
    """Set a new password; every other session of this user is signed out."""
    if not await verify_secret(user.password_hash, current):
        raise ValidationError({"current_password": N_("This is not your current password.")})
    if len(new) < 8:
        raise ValidationError({"new_password": N_("The password needs at least 8 characters.")})
    user.password_hash = await hash_secret(new)
    user.session_version += 1
    await user.save(update_fields=["password_hash", "session_version"])


async def revoke_token(user: User, token_id: int, *, now: datetime | None = None) -> None:
    """Revoke one of the user's own tokens (an admin may revoke anyone's)."""
    tokens = ApiToken.filter(id=token_id, revoked_at=None, participant_id=None)
    if user.role != "admin":
        tokens = tokens.filter(user_id=user.id)
    if not await tokens.update(revoked_at=now or utcnow()):
        raise NotFound()


async def set_active(admin: User, user_id: int, *, active: bool) -> User:
    """Deactivate (or reactivate) a staff account: no more sign-in, sessions or tokens."""
    if admin.id == user_id and not active:
        raise DomainError(
            AccountsError.CANNOT_DEACTIVATE_SELF, N_("You cannot deactivate your own account.")
        )
    target = await User.get_or_none(id=user_id)
    if target is None:
        raise NotFound()
    target.is_active = active
    target.session_version += 1
    await target.save(update_fields=["is_active", "session_version"])
    return target
