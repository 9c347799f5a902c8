from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Organisation",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("name", fields.CharField(unique=True, max_length=120)),
                ("kind", fields.CharField(max_length=16)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "organisation", "app": "flashcoop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RateLimitMark",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("key", fields.CharField(db_index=True, max_length=200)),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "rate_limit_mark", "app": "flashcoop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="User",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("email", fields.CharField(unique=True, max_length=254)),
                ("name", fields.CharField(default="", max_length=80)),
                ("role", fields.CharField(max_length=16)),
                (
                    "organisation",
                    fields.ForeignKeyField(
                        "flashcoop.Organisation",
                        source_field="organisation_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="users",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("password_hash", fields.CharField(max_length=200)),
                ("session_version", fields.IntField(default=1)),
                ("is_active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "user", "app": "flashcoop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Cohort",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "structure",
                    fields.ForeignKeyField(
                        "flashcoop.Organisation",
                        source_field="structure_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="cohorts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "flashcoop.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="cohorts_created",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("name", fields.CharField(max_length=120)),
                ("activity", fields.CharField(max_length=120)),
                ("location", fields.CharField(default="", max_length=120)),
                ("starts_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "ends_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
                ("timezone", fields.CharField(default="Europe/Paris", max_length=64)),
                ("currency", fields.CharField(default="EUR", max_length=3)),
                ("surplus_rule", fields.CharField(default="equal", max_length=16)),
                ("framework", fields.CharField(default="entrecomp", max_length=32)),
                ("attendance_threshold", fields.IntField(default=0)),
                ("programme", fields.CharField(default="none", max_length=32)),
                ("join_code", fields.CharField(unique=True, max_length=16)),
                ("joining_open", fields.BooleanField(default=True)),
                ("status", fields.CharField(default="active", db_index=True, max_length=16)),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "cohort", "app": "flashcoop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CohortFunder",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "cohort",
                    fields.ForeignKeyField(
                        "flashcoop.Cohort",
                        source_field="cohort_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="funder_links",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "funder",
                    fields.ForeignKeyField(
                        "flashcoop.Organisation",
                        source_field="funder_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="funded_links",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "cohort_funder",
                "app": "flashcoop",
                "unique_together": (("cohort", "funder"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Participant",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "cohort",
                    fields.ForeignKeyField(
                        "flashcoop.Cohort",
                        source_field="cohort_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="participants",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("display_name", fields.CharField(max_length=80)),
                ("name_key", fields.CharField(max_length=200)),
                ("first_name", fields.CharField(default="", max_length=80)),
                ("last_name", fields.CharField(default="", max_length=80)),
                ("email", fields.CharField(default="", max_length=254)),
                ("consent_share_name", fields.BooleanField(default=False)),
                ("role", fields.CharField(default="member", max_length=16)),
                ("pin_hash", fields.CharField(max_length=200)),
                ("auth_version", fields.IntField(default=1)),
                ("joined_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "participant",
                "app": "flashcoop",
                "unique_together": (("cohort", "name_key"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("name", fields.CharField(default="", max_length=120)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "flashcoop.User",
                        source_field="user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="tokens",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "participant",
                    fields.ForeignKeyField(
                        "flashcoop.Participant",
                        source_field="participant_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="tokens",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "last_used_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "api_token", "app": "flashcoop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Product",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "cohort",
                    fields.ForeignKeyField(
                        "flashcoop.Cohort",
                        source_field="cohort_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="products",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("label", fields.CharField(max_length=120)),
                ("price_cents", fields.BigIntField()),
                ("position", fields.IntField(default=0)),
            ],
            options={"table": "product", "app": "flashcoop", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
