"""Errors that service functions raise for pages to show; each message is safe to show as it is."""

from __future__ import annotations


class ValidationFailed(Exception):
    """Bad input: `errors` maps a field name to a sentence that says how to fix it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class PermissionDenied(Exception):
    """The actor may not do this; the message is safe to show."""


class NotFound(Exception):
    """The record does not exist or is outside the actor's scope (the two look the same)."""


class StaleState(Exception):
    """The record moved on between reading it and acting on it."""


class UploadRefused(ValueError):
    """The file is not acceptable; the message says why and what to upload instead."""
