"""One frozen Settings object, read from FLASHCOOP_* environment variables (and ./.env).

Every setting is declared once in SETTINGS with its help text; README.md documents each one
and tests/test_docs.py fails when one is missing there.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _bool(value: str) -> bool:
    if value.strip().lower() in {"1", "on", "true", "yes"}:
        return True
    if value.strip().lower() in {"0", "off", "false", "no"}:
        return False
    raise ValueError(f"expected on/off, got {value!r}")


def _minutes_list(value: str) -> tuple[int, ...]:
    return tuple(sorted({int(part) for part in value.split(",") if part.strip()}, reverse=True))


def _setting(default: Any, help: str, parse: Callable[[str], Any] = str) -> Any:
    return field(default=default, metadata={"help": help, "parse": parse})


@dataclass(frozen=True)
class Settings:
    data_dir: Path = _setting(
        Path("var"), "Folder for the SQLite database and the generated secret key.", Path
    )
    database_url: str = _setting(
        "",
        "Database URL: sqlite:///path/to/file.sqlite3 or postgres://user@host:5432/name. "
        "Default: an SQLite file under FLASHCOOP_DATA_DIR.",
    )
    secret_key: str = _setting(
        "",
        "Key that signs sessions, sign-in QR codes and check-in codes. Generated into "
        "FLASHCOOP_DATA_DIR/secret_key on first run when unset; keep it secret and stable.",
    )
    base_url: str = _setting(
        "http://127.0.0.1:8000",
        "Public address of the service, used in QR codes, join links "
        "and e-mails. An https:// address also marks cookies Secure and enables HSTS.",
    )
    timezone: str = _setting("Europe/Paris", "Default IANA timezone of new cohorts.")
    scheduler: bool = _setting(
        True, "on/off: run the in-process scheduler (closure sweep, reminders, outbox).", _bool
    )
    default_language: str = _setting(
        "fr", "Language of pages when the browser asks for none we have (fr or en)."
    )
    amount_ceiling_cents: int = _setting(
        1_000_000, "Largest amount of one ledger entry, in cents (default 10000.00).", int
    )
    login_max_failures: int = _setting(
        10, "Failed staff logins per address and e-mail within 15 minutes before 429.", int
    )
    join_max_failures: int = _setting(
        20,
        "Failed joins or participant sign-ins per address within 10 minutes before 429.",
        int,
    )
    staff_session_hours: int = _setting(12, "How long a staff login lasts, in hours.", int)
    participant_session_days: int = _setting(
        180, "How long a participant's phone stays signed in, in days.", int
    )
    retention_months: int = _setting(
        12,
        "Months after a cohort's closure before its members' personal data is anonymised "
        "(a structure may set its own period).",
        int,
    )
    reminder_minutes: tuple[int, ...] = _setting(
        (1440, 60),
        "Minutes before a workshop when participants are reminded, comma-separated.",
        _minutes_list,
    )
    checkin_rotation_seconds: int = _setting(
        15, "How often the workshop check-in QR code changes, in seconds.", int
    )
    checkin_late_minutes: int = _setting(
        10, "Minutes after a workshop starts from which a check-in counts as late.", int
    )
    smtp_url: str = _setting(
        "", "smtp://user:password@host:port (smtps:// for TLS) to send e-mail; empty: no e-mail."
    )
    mail_from: str = _setting("flashcoop@localhost", "Sender address of e-mails.")
    sms_webhook_url: str = _setting(
        "", "URL of an SMS gateway webhook that receives signed reminder messages; empty: none."
    )
    webhook_secret: str = _setting(
        "",
        "Key that signs outgoing webhooks (HMAC-SHA256); defaults to a key derived from "
        "FLASHCOOP_SECRET_KEY.",
    )
    pdf_workers: int = _setting(
        2,
        "Processes that render PDFs (certificates, reports), at most one per CPU; 0 renders "
        "them in threads of the app process instead.",
        int,
    )
    log_level: str = _setting("INFO", "Python logging level.")

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def default_tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def documented(cls) -> dict[str, str]:
        """Environment variable name → help text, for the docs and their test."""
        return {env_name(f.name): f.metadata["help"] for f in fields(cls)}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read FLASHCOOP_* variables (after ./.env), then apply keyword overrides."""
        if environ is None:
            from dotenv import dotenv_values

            environ = {**{k: v for k, v in dotenv_values(".env").items() if v}, **os.environ}
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(env_name(f.name))
            if raw is not None and raw != "":
                try:
                    values[f.name] = f.metadata["parse"](raw)
                except ValueError as exc:
                    raise SystemExit(f"{env_name(f.name)}: {exc}") from exc
        values.update(overrides)
        settings = cls(**values)
        return settings.completed()

    def completed(self) -> Settings:
        """Fill in the derived defaults (database file, secret key) and check the zone."""
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SystemExit(f"FLASHCOOP_TIMEZONE: unknown timezone {self.timezone!r}") from exc
        changes: dict[str, Any] = {}
        if not self.database_url:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            changes["database_url"] = f"sqlite://{(self.data_dir / 'flashcoop.sqlite3').resolve()}"
        if not self.secret_key:
            changes["secret_key"] = _stored_secret(self.data_dir)
        if not changes:
            return self
        return type(self)(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})


def env_name(name: str) -> str:
    return "FLASHCOOP_" + name.upper()


def _stored_secret(data_dir: Path) -> str:
    # Generated once and kept, so sessions survive restarts and every worker on this host
    # agrees; several hosts must share FLASHCOOP_SECRET_KEY instead.
    # Written whole under a temporary name, then linked into place (which fails if another
    # process got there first): a worker starting beside it never reads a half-written key.
    path = data_dir / "secret_key"
    data_dir.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    draft = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    try:
        os.link(draft, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        draft.unlink()
    return key
