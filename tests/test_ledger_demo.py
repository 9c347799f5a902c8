"""The demo cohort comes with realistic, verifiable books."""

from __future__ import annotations

from flashcoop.cohorts.models import Cohort
from flashcoop.demo import load_demo
from flashcoop.ledger.chain import verify_chain
from flashcoop.ledger.models import LedgerEntry
from flashcoop.ledger.reports import ledger_summary


async def test_demo_records_sales_an_expense_and_a_correction(app, settings):
    await load_demo(settings)
    cohort = await Cohort.get(name="Épicerie éphémère du quartier")
    kinds = set(await LedgerEntry.filter(cohort_id=cohort.id).values_list("kind", flat=True))
    assert kinds == {"sale", "expense", "reversal"}
    summary = await ledger_summary(cohort.id, cohort.currency)
    assert summary.sales > 0 and summary.expenses == 4680
    assert len(summary.by_participant) >= 3
    assert (await verify_chain(cohort.id)).ok
    # Loading again adds nothing.
    count = await LedgerEntry.all().count()
    await load_demo(settings)
    assert await LedgerEntry.all().count() == count
