"""Workshops: the programme, attendance, QR check-in, reminders, calendars and sheets."""
