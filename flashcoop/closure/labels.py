"""Names of the report's categories, translated where they are shown."""

from __future__ import annotations

from flashcoop.core.errors import N_
from flashcoop.core.i18n import gettext

SITUATION_LABELS = {
    "durable_job": N_("Durable job"),
    "transition_job": N_("Transition job"),
    "training": N_("Training"),
    "business_creation": N_("Business creation"),
    "joined_cae": N_("Joined a CAE"),
    "job_search": N_("Job search"),
    "other": N_("Other"),
    "unknown": N_("Unknown"),
    "not_recorded": N_("Not recorded"),
}
GENDER_LABELS = {
    "female": N_("Women"),
    "male": N_("Men"),
    "other": N_("Other"),
    "unknown": N_("Not given"),
}
AGE_BAND_LABELS = {
    "under_26": N_("Under 26"),
    "26_44": N_("26 to 44"),
    "45_plus": N_("45 and over"),
    "unknown": N_("Not given"),
}
RULE_LABELS = {
    "equal": N_("equal shares"),
    "hours": N_("pro rata of attended hours"),
    "sales": N_("pro rata of sales"),
}


def situation_label(key: str) -> str:
    return gettext(SITUATION_LABELS.get(key, key))


def gender_label(key: str) -> str:
    return gettext(GENDER_LABELS.get(key, key))


def age_band_label(key: str) -> str:
    return gettext(AGE_BAND_LABELS.get(key, key))


def rule_label(key: str) -> str:
    return gettext(RULE_LABELS.get(key, key))
