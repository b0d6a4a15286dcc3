"""Persistence: models, engine, workflow and the service functions behind every user action."""
