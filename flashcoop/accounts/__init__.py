"""Staff accounts, organisations, API tokens and the login rate limit."""
