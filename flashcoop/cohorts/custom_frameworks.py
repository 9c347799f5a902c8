"""Structures' own skills frameworks: a definition checked field by field (422), then stored in
the built-in frameworks' JSON shape, once and for good (cohorts and certificates rely on its
codes, so a framework is never edited: a structure defines a new one under a new key)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from flashcoop.accounts.models import Organisation
from flashcoop.cohorts import skills
from flashcoop.cohorts.models import CustomFramework
from flashcoop.core.errors import N_, Forbidden, ValidationError
from flashcoop.core.fields import TEXT_MAX, TITLE_MAX, Fields, row_id
from flashcoop.core.principal import Principal

KEY_RE = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$")
LEVEL_MAX = 60
MIN_LEVELS, MAX_LEVELS = 3, 4
MAX_AREAS, MAX_COMPETENCES = 12, 60


@dataclass(frozen=True)
class FrameworkDraft:
    # A definition that passed every check, in the stored JSON shape; `organisation_id` owns it.
    key: str
    organisation_id: int
    data: dict[str, Any]


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", " ".join(value.split()))


def _text_label(
    form: Fields, name: str, value: Any, max_len: int, refusal: str | None = None, **params: Any
) -> dict[str, str] | None:
    """A label is {"fr": ..., "en"?: ...} or a plain string (French); English falls back to it.
    `refusal` replaces the messages, for items of a list that must say which one is wrong."""
    if isinstance(value, str):
        value = {"fr": value}
    valid = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    label = {}
    if valid:
        label = {
            lang: _clean(value[lang]) for lang in ("fr", "en") if _clean(value.get(lang) or "")
        }
    if "fr" not in label:
        form.error(
            name,
            refusal or N_("Give a French label (and an English one if you wish)."),
            max=max_len,
            **params,
        )
        return None
    if any(len(text) > max_len for text in label.values()):
        form.error(name, refusal or N_("At most {max} characters."), max=max_len, **params)
        return None
    if any(unicodedata.category(c) == "Cc" for text in label.values() for c in text):
        form.error(
            name, refusal or N_("This text contains invalid characters."), max=max_len, **params
        )
        return None
    return label


def _list(form: Fields, name: str, low: int, high: int) -> list[Any]:
    raw = form.raw(name)
    if not isinstance(raw, list) or not low <= len(raw) <= high:
        form.error(name, N_("Give from {low} to {high} items."), low=low, high=high)
        return []
    return raw


def _levels(form: Fields) -> list[dict[str, str]]:
    raw = form.raw("levels")
    if not isinstance(raw, list) or not MIN_LEVELS <= len(raw) <= MAX_LEVELS:
        form.error("levels", N_("A scale has 3 or 4 levels."))
        return []
    refusal = N_("Level {n}: give a label of at most {max} characters.")
    levels = [
        _text_label(form, f"levels.{i}", item, LEVEL_MAX, refusal, n=i + 1)
        for i, item in enumerate(raw)
    ]
    return [level for level in levels if level is not None]


def _areas(form: Fields) -> list[dict[str, Any]]:
    areas: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(_list(form, "areas", 1, MAX_AREAS)):
        where = f"areas.{index}"
        if not isinstance(item, dict):
            form.error(where, N_("Area {n}: give a code and a label."), n=index + 1)
            continue
        code = item.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code.strip()):
            form.error(
                f"{where}.code",
                N_("Area {n}: a short code of letters and digits, like A."),
                n=index + 1,
            )
            continue
        code = code.strip()
        if code in seen:
            form.error(
                f"{where}.code",
                N_("Area {n}: the code {code} is used twice."),
                n=index + 1,
                code=code,
            )
            continue
        seen.add(code)
        refusal = N_("Area {n}: give a label of at most {max} characters.")
        label = _text_label(
            form, f"{where}.label", item.get("label"), TITLE_MAX, refusal, n=index + 1
        )
        if label is not None:
            areas.append({"code": code, "label": label})
    return areas


def _competences(form: Fields, areas: set[str] | None) -> list[dict[str, Any]]:
    # `areas` is None when they are wrong themselves: no competence is blamed for it.
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(_list(form, "competences", 1, MAX_COMPETENCES)):
        where, n = f"competences.{index}", index + 1
        if not isinstance(item, dict):
            form.error(where, N_("Competence {n}: give a code, an area and a label."), n=n)
            continue
        code, area = item.get("code"), item.get("area")
        if not isinstance(code, str) or not CODE_RE.match(code.strip()):
            form.error(
                f"{where}.code",
                N_("Competence {n}: a short code of letters and digits, like A1."),
                n=n,
            )
            continue
        code = code.strip()
        if code in seen:
            form.error(
                f"{where}.code",
                N_("Competence {n}: the code {code} is used twice."),
                n=n,
                code=code,
            )
            continue
        seen.add(code)
        area = area.strip() if isinstance(area, str) else ""
        if areas is not None and area not in areas:
            form.error(
                f"{where}.area",
                N_("Competence {n}: the area {area} is not declared."),
                n=n,
                area=area or "—",
            )
            continue
        refusal = N_("Competence {n}: give a label of at most {max} characters.")
        label = _text_label(form, f"{where}.label", item.get("label"), TITLE_MAX, refusal, n=n)
        if label is not None:
            found.append({"code": code, "area": area, "label": label})
    return found


async def _owner(form: Fields, principal: Principal) -> int:
    user = principal.user
    if user is None or not principal.is_staff:
        raise Forbidden()
    if user.organisation_id is not None:
        return user.organisation_id
    # An administrator defines a framework on behalf of a structure.
    key = row_id(form.raw("organisation_id"))
    found = await Organisation.get_or_none(id=key, kind="structure") if key else None
    if found is None:
        form.error("organisation_id", N_("Choose the structure that uses this framework."))
        return 0
    return found.id


async def read_framework(data: dict[str, Any], *, principal: Principal) -> FrameworkDraft:
    """Check a framework's definition, every invalid field at once (422); a facilitator defines
    one for their structure, an administrator for the structure they name (403 otherwise)."""
    form = Fields(data)
    organisation_id = await _owner(form, principal)
    key = form.raw("key")
    if not isinstance(key, str) or not KEY_RE.match(key.strip()):
        form.error(
            "key", N_("2 to 32 lowercase letters, digits or dashes, starting with a letter.")
        )
        key = ""
    key = key.strip()
    if key and (key in skills.frameworks() or await CustomFramework.exists(key=key)):
        form.error("key", N_("This key is already taken: choose another one."))
    name = _text_label(form, "name", form.raw("name"), TITLE_MAX)
    attribution = None
    if form.raw("attribution") not in (None, "", {}):
        attribution = _text_label(form, "attribution", form.raw("attribution"), TEXT_MAX)
    levels = _levels(form)
    areas = _areas(form)
    areas_wrong = any(name.split(".")[0] == "areas" for name in form.errors)
    competences = _competences(form, None if areas_wrong else {a["code"] for a in areas})
    form.check()
    stored = {
        "key": key,
        "name": name,
        "attribution": attribution or {},
        "levels": levels,
        "areas": areas,
        "competences": competences,
    }
    return FrameworkDraft(key=key, organisation_id=organisation_id, data=stored)


async def create_framework(draft: FrameworkDraft) -> skills.Framework:
    """Store the framework; a key taken meanwhile by a concurrent definition is a 422 too."""
    try:
        row = await CustomFramework.create(
            organisation_id=draft.organisation_id, key=draft.key, data=draft.data
        )
    except IntegrityError as exc:
        raise ValidationError(
            {"key": N_("This key is already taken: choose another one.")}
        ) from exc
    found = await skills.custom_framework(row.key)
    assert found is not None
    return found
