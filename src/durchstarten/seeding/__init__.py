"""Seed data: the demo districts of our seed reports and deterministic synthetic data.

A plain package (not an app); the `durchstarten seed` and `durchstarten demo_logins`
commands in `durchstarten.core` call it.
"""
