"""Privacy: consents, the participant's export, erasure, retention and the audit trail."""
