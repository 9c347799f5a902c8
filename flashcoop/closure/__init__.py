"""Closure: a cohort closes itself once, with exact shares, outcomes and funder reports."""
