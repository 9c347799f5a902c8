"""Field checks shared by every form and API body; each collects errors instead of raising."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flashcoop.core.errors import N_, Text, ValidationError

NAME_MAX = 80
TITLE_MAX = 120
TEXT_MAX = 2000


class Fields:
    """Collects field errors; `check()` raises one ValidationError with all of them."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, Text] = {}

    def error(self, name: str, msgid: str, **params: Any) -> None:
        self.errors.setdefault(name, Text(msgid, params))

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def raw(self, name: str) -> Any:
        return self.data.get(name)

    def text(
        self, name: str, *, required: bool = True, max_len: int = TITLE_MAX, default: str = ""
    ) -> str:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(name, N_("This field is required."))
            return default
        if not isinstance(value, str):
            self.error(name, N_("Enter text."))
            return default
        value = unicodedata.normalize("NFC", value.strip())
        if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in value):
            self.error(name, N_("This text contains invalid characters."))
            return default
        if len(value) > max_len:
            self.error(name, N_("At most {max} characters."), max=max_len)
            return default
        return value

    def choice(self, name: str, choices: tuple[str, ...], *, default: str) -> str:
        value = self.data.get(name)
        if value in (None, ""):
            return default
        if value not in choices:
            self.error(name, N_("Choose one of: {choices}."), choices=", ".join(choices))
            return default
        return str(value)

    def integer(self, name: str, *, low: int, high: int, default: int) -> int:
        value = self.data.get(name)
        if value in (None, ""):
            return default
        try:
            number = int(str(value).strip()) if not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            self.error(name, N_("Enter a whole number from {low} to {high}."), low=low, high=high)
            return default
        return number

    def timezone(self, name: str, *, default: str) -> str:
        value = self.data.get(name)
        if value in (None, ""):
            return default
        if not isinstance(value, str) or value not in _zones():
            self.error(name, N_("Unknown timezone."))
            return default
        return value

    def moment(self, name: str, tz: ZoneInfo, *, required: bool = True) -> datetime | None:
        """An ISO 8601 datetime; a naive one (an HTML datetime-local) is read in `tz`."""
        value = self.data.get(name)
        if value in (None, ""):
            if required:
                self.error(name, N_("This field is required."))
            return None
        parsed = parse_datetime(value, tz)
        if parsed is None:
            self.error(name, N_("Enter a date and time."))
        return parsed

    def day(self, name: str, *, required: bool = False) -> date | None:
        value = self.data.get(name)
        if value in (None, ""):
            if required:
                self.error(name, N_("This field is required."))
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.error(name, N_("Enter a date."))
            return None


EARLIEST_YEAR, LATEST_YEAR = 1970, 2999


def parse_datetime(value: Any, tz: ZoneInfo) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return None  # year 1 or 9999 with an offset would overflow; no sale is dated so
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(ZoneInfo("UTC"))


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in _zones()


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


_AMOUNT = re.compile(r"^\d{1,9}(?:[.,]\d{1,2})?$")


DB_INT_MAX = 2**31 - 1  # an integer column (PostgreSQL's int4): a larger id is no row of ours


def row_id(value: Any) -> int | None:
    """An integer id as a client sent it (a number or digits), or None when it cannot name a
    row: a query with an id past the column's range is a database error on PostgreSQL."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value.strip()) if isinstance(value, str) else value
    except ValueError:
        return None
    return number if 0 < number <= DB_INT_MAX else None


def parse_amount(value: Any) -> int | None:
    """'12,5', '12.50', '1 234,56' → cents; None when it is not an amount with ≤ 2 decimals."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value * 100
    text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    text = text.removesuffix("€")
    if not _AMOUNT.match(text):
        return None
    try:
        cents = Decimal(text.replace(",", ".")) * 100
    except InvalidOperation:
        return None
    return int(cents)


def format_amount(cents: int) -> str:
    """Cents → the API's decimal string with two places ("-12.50")."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def name_key(display_name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", display_name).casefold().split())
