"""notifications: confirmations, reminders exactly once, email, SMS, in-app and webhooks."""
