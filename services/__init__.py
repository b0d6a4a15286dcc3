"""One function per user action: permission check, change, audit and outbox rows, one commit; and scoped reads."""
