"""The collective sales ledger: append-only, chained, exactly-once entries."""
