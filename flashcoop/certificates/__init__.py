"""Skill certificates (coming): assessments, certificates, verification, badges."""
