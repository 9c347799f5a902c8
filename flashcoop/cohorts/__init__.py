"""Cohorts, participants and joining, workshops and attendance."""
