"""What every HTTP interface shares: templates, security middleware, auth, API helpers."""
