"""Notifications: in-app messages, e-mail, the SMS gateway webhook, the outbox."""
