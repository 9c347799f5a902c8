from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('flashcoop', '0002_stored_file')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Assessment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cohort', fields.ForeignKeyField('flashcoop.Cohort', source_field='cohort_id', db_constraint=True, to_field='id', related_name='assessments', on_delete=OnDelete.CASCADE)),
                ('participant', fields.ForeignKeyField('flashcoop.Participant', source_field='participant_id', db_constraint=True, to_field='id', related_name='assessments', on_delete=OnDelete.CASCADE)),
                ('competence', fields.CharField(max_length=32)),
                ('level', fields.IntField()),
                ('note', fields.TextField(default='', unique=False)),
                ('is_self', fields.BooleanField(default=False)),
                ('assessed_by', fields.ForeignKeyField('flashcoop.User', source_field='assessed_by_id', null=True, db_constraint=True, to_field='id', related_name='assessments_made', on_delete=OnDelete.SET_NULL)),
                ('assessed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'assessment', 'app': 'flashcoop', 'indexes': [Index(fields=['cohort_id', 'participant_id', 'competence'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Certificate',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('cohort', fields.ForeignKeyField('flashcoop.Cohort', source_field='cohort_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.RESTRICT)),
                ('participant', fields.ForeignKeyField('flashcoop.Participant', source_field='participant_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharField(max_length=16)),
                ('reason', fields.TextField(default='', unique=False)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('issued_by', fields.ForeignKeyField('flashcoop.User', source_field='issued_by_id', null=True, db_constraint=True, to_field='id', related_name='certificates_issued', on_delete=OnDelete.SET_NULL)),
                ('content', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('language', fields.CharField(default='fr', max_length=8)),
                ('salt', fields.CharField(max_length=64)),
                ('file', fields.ForeignKeyField('flashcoop.StoredFile', source_field='file_id', null=True, db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.RESTRICT)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revocation_reason', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'certificate', 'app': 'flashcoop', 'unique_together': (('cohort', 'participant'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Closure',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cohort', fields.ForeignKeyField('flashcoop.Cohort', source_field='cohort_id', unique=True, db_constraint=True, to_field='id', related_name='closures', on_delete=OnDelete.RESTRICT)),
                ('trigger', fields.CharField(max_length=16)),
                ('requested_by', fields.ForeignKeyField('flashcoop.User', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name='closures_requested', on_delete=OnDelete.SET_NULL)),
                ('worker', fields.CharField(default='', max_length=120)),
                ('claimed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('step', fields.CharField(default='started', max_length=32)),
                ('error', fields.TextField(default='', unique=False)),
                ('surplus_rule', fields.CharField(default='equal', max_length=16)),
                ('sales_cents', fields.BigIntField(default=0)),
                ('expenses_cents', fields.BigIntField(default=0)),
                ('surplus_cents', fields.BigIntField(default=0)),
                ('ledger_entries', fields.IntField(default=0)),
                ('ledger_head', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'closure', 'app': 'flashcoop', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CustomFramework',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('flashcoop.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='frameworks', on_delete=OnDelete.RESTRICT)),
                ('key', fields.CharField(unique=True, max_length=32)),
                ('data', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'custom_framework', 'app': 'flashcoop', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Outcome',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cohort', fields.ForeignKeyField('flashcoop.Cohort', source_field='cohort_id', db_constraint=True, to_field='id', related_name='outcomes', on_delete=OnDelete.CASCADE)),
                ('participant', fields.ForeignKeyField('flashcoop.Participant', source_field='participant_id', db_constraint=True, to_field='id', related_name='outcomes', on_delete=OnDelete.CASCADE)),
                ('situation', fields.CharField(max_length=32)),
                ('note', fields.TextField(default='', unique=False)),
                ('recorded_by', fields.ForeignKeyField('flashcoop.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='outcomes_recorded', on_delete=OnDelete.SET_NULL)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outcome', 'app': 'flashcoop', 'indexes': [Index(fields=['cohort_id', 'participant_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Report',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cohort', fields.ForeignKeyField('flashcoop.Cohort', source_field='cohort_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharField(max_length=16)),
                ('audience', fields.CharField(default='staff', max_length=16)),
                ('format', fields.CharField(max_length=8)),
                ('version', fields.IntField(default=0)),
                ('file', fields.ForeignKeyField('flashcoop.StoredFile', source_field='file_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'report', 'app': 'flashcoop', 'unique_together': (('cohort', 'kind', 'audience', 'format', 'version'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Share',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cohort', fields.ForeignKeyField('flashcoop.Cohort', source_field='cohort_id', db_constraint=True, to_field='id', related_name='shares', on_delete=OnDelete.RESTRICT)),
                ('participant', fields.ForeignKeyField('flashcoop.Participant', source_field='participant_id', db_constraint=True, to_field='id', related_name='shares', on_delete=OnDelete.RESTRICT)),
                ('basis', fields.BigIntField(default=0)),
                ('amount_cents', fields.BigIntField()),
            ],
            options={'table': 'share', 'app': 'flashcoop', 'unique_together': (('cohort', 'participant'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SigningKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('flashcoop.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='signing_keys', on_delete=OnDelete.RESTRICT)),
                ('key_id', fields.CharField(unique=True, max_length=64)),
                ('public_key', fields.BinaryField()),
                ('private_key', fields.BinaryField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('retired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'signing_key', 'app': 'flashcoop', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Webhook',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('url', fields.CharField(max_length=500)),
                ('events', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('secret', fields.CharField(max_length=100)),
                ('created_by', fields.ForeignKeyField('flashcoop.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='webhooks', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook', 'app': 'flashcoop', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('webhook', fields.ForeignKeyField('flashcoop.Webhook', source_field='webhook_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('event', fields.CharField(max_length=64)),
                ('event_key', fields.CharField(max_length=200)),
                ('body', fields.TextField(unique=False)),
                ('status', fields.CharField(default='pending', db_index=True, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('last_status_code', fields.IntField(null=True)),
                ('last_error', fields.CharField(default='', max_length=300)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('next_attempt_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_delivery', 'app': 'flashcoop', 'unique_together': (('webhook', 'event_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Participant',
            name='birth_year',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Participant',
            name='gender',
            field=fields.CharField(default='', max_length=16),
        ),
    ]
