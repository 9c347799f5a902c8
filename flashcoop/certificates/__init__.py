"""Skill certificates: assessments, certificates, verification, badges."""
