"""Cohorts, participants and joining, skills frameworks, and the pages composed of sections."""
