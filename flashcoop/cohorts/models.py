"""A cohort (one Flashcoop), its product catalogue, its funders and its participants."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tortoise import fields
from tortoise.models import Model

from flashcoop.accounts.models import Organisation

SURPLUS_RULES = ("equal", "hours", "sales")
GENDERS = ("female", "male", "other")
PROGRAMMES = ("flashcoop-7-days", "none")
# Stored states. "scheduled" is not stored: it is an open cohort whose start is still ahead.
OPEN, CLOSING, CLOSED = "active", "closing", "closed"


class Cohort(Model):
    id = fields.UUIDField(primary_key=True)
    structure: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "flashcoop.Organisation", related_name="cohorts", on_delete=fields.RESTRICT
    )
    structure_id: int
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "flashcoop.User", related_name="cohorts_created", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=120)
    activity = fields.CharField(max_length=120)
    location = fields.CharField(max_length=120, default="")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField(db_index=True)
    timezone = fields.CharField(max_length=64, default="Europe/Paris")
    currency = fields.CharField(max_length=3, default="EUR")
    surplus_rule = fields.CharField(max_length=16, default="equal")
    framework = fields.CharField(max_length=32, default="entrecomp")
    attendance_threshold = fields.IntField(default=0)  # percent of hours for a certificate
    programme = fields.CharField(max_length=32, default="none")
    join_code = fields.CharField(max_length=16, unique=True)
    joining_open = fields.BooleanField(default=True)
    status = fields.CharField(max_length=16, default=OPEN, db_index=True)
    closed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    products: fields.ReverseRelation[Product]
    participants: fields.ReverseRelation[Participant]

    class Meta:
        table = "cohort"
        ordering = ["-starts_at"]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_frozen(self, now: datetime) -> bool:
        """Closed, closing or past its end: its books, attendance and members are frozen."""
        return self.status != OPEN or now >= self.ends_at

    def public_status(self, now: datetime) -> str:
        """scheduled | active | closing | closed, as the API and pages show it."""
        if self.status == OPEN and now < self.starts_at:
            return "scheduled"
        return self.status


class Product(Model):
    id = fields.IntField(primary_key=True)
    cohort: fields.ForeignKeyRelation[Cohort] = fields.ForeignKeyField(
        "flashcoop.Cohort", related_name="products", on_delete=fields.CASCADE
    )
    cohort_id: object
    label = fields.CharField(max_length=120)
    price_cents = fields.BigIntField()
    position = fields.IntField(default=0)

    class Meta:
        table = "product"
        ordering = ["position", "id"]


class CohortFunder(Model):
    id = fields.IntField(primary_key=True)
    cohort: fields.ForeignKeyRelation[Cohort] = fields.ForeignKeyField(
        "flashcoop.Cohort", related_name="funder_links", on_delete=fields.CASCADE
    )
    cohort_id: object
    funder: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "flashcoop.Organisation", related_name="funded_links", on_delete=fields.RESTRICT
    )
    funder_id: int

    class Meta:
        table = "cohort_funder"
        unique_together = (("cohort", "funder"),)


class Participant(Model):
    id = fields.UUIDField(primary_key=True)
    cohort: fields.ForeignKeyRelation[Cohort] = fields.ForeignKeyField(
        "flashcoop.Cohort", related_name="participants", on_delete=fields.CASCADE
    )
    cohort_id: object
    display_name = fields.CharField(max_length=80)
    # casefolded, whitespace-normalised display name: two members cannot share one, since
    # name + PIN is how a member signs in again on another phone.
    name_key = fields.CharField(max_length=200)
    first_name = fields.CharField(max_length=80, default="")
    last_name = fields.CharField(max_length=80, default="")
    email = fields.CharField(max_length=254, default="")
    # Consent to show the name to funders; without it reports pseudonymise the member.
    consent_share_name = fields.BooleanField(default=False)
    # Optional profile, for funders' anonymous indicators only: "" when not given.
    # Kept only with the "profile_data" consent (`consent_profile`); withdrawing it clears them.
    consent_profile = fields.BooleanField(default=False, db_default=False)
    gender = fields.CharField(max_length=16, default="", db_default="")  # GENDERS or ""
    birth_year = fields.IntField(null=True)
    situation_at_entry = fields.CharField(max_length=120, default="", db_default="")  # own words
    education_level = fields.CharField(max_length=120, default="", db_default="")  # own words
    # Under 18 at joining: a guardian's consent is recorded (privacy.GuardianConsent).
    minor = fields.BooleanField(default=False, db_default=False)
    # Set when an admin erased the person (names, PIN, profile gone: person_name says so)
    # or when the retention period anonymised them; the row stays for the ledger's ids.
    erased_at = fields.DatetimeField(null=True)
    anonymised_at = fields.DatetimeField(null=True)
    role = fields.CharField(max_length=16, default="member")  # member | treasurer
    pin_hash = fields.CharField(max_length=200)
    # Bumped on PIN reset or a new sign-in card: older cards and sessions stop working.
    auth_version = fields.IntField(default=1)
    joined_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "participant"
        unique_together = (("cohort", "name_key"),)
        ordering = ["joined_at"]


class CustomFramework(Model):
    # A skills framework a structure defined itself (same shape as the built-in JSON files:
    # areas, competences, a scale of 3 or 4 levels, labels in French and English).
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "flashcoop.Organisation", related_name="frameworks", on_delete=fields.RESTRICT
    )
    organisation_id: int
    key = fields.CharField(max_length=32, unique=True)
    data: dict = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "custom_framework"
