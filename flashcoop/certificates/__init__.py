"""Skills frameworks, assessments and certificates."""
