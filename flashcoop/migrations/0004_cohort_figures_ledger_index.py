from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('flashcoop', '0003_certificates_closure_privacy')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CohortFigures',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cohort', fields.OneToOneField('flashcoop.Cohort', source_field='cohort_id', db_constraint=True, to_field='id', related_name='figures', on_delete=OnDelete.CASCADE)),
                ('participants', fields.IntField(default=0)),
                ('planned_minutes', fields.BigIntField(default=0)),
                ('attended_minutes', fields.BigIntField(default=0)),
                ('sales_cents', fields.BigIntField(default=0)),
                ('surplus_cents', fields.BigIntField(default=0)),
                ('certificates_issued', fields.IntField(default=0)),
                ('gender_female', fields.IntField(default=0)),
                ('gender_male', fields.IntField(default=0)),
                ('gender_other', fields.IntField(default=0)),
                ('gender_unknown', fields.IntField(default=0)),
                ('age_under_26', fields.IntField(default=0)),
                ('age_26_44', fields.IntField(default=0)),
                ('age_45_plus', fields.IntField(default=0)),
                ('age_unknown', fields.IntField(default=0)),
                ('outcome_durable_job', fields.IntField(default=0)),
                ('outcome_transition_job', fields.IntField(default=0)),
                ('outcome_training', fields.IntField(default=0)),
                ('outcome_business_creation', fields.IntField(default=0)),
                ('outcome_joined_cae', fields.IntField(default=0)),
                ('outcome_job_search', fields.IntField(default=0)),
                ('outcome_other', fields.IntField(default=0)),
                ('outcome_unknown', fields.IntField(default=0)),
                ('outcome_not_recorded', fields.IntField(default=0)),
                ('stale', fields.BooleanField(default=True)),
                ('revision', fields.IntField(default=0)),
                ('computed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'cohort_figures', 'app': 'flashcoop', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddIndex(
            model_name='LedgerEntry',
            index=Index(fields=['cohort_id', 'book', 'kind', 'participant_id', 'local_day', 'label', 'payment_method', 'amount_cents', 'quantity']),
        ),
    ]
