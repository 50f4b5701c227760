"""Notifications by e-mail: each person's channels, the mails composed from notifications, sending them."""
