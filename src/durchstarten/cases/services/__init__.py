"""Writes to case work. Every entry point (web, API, import, commands) goes through here."""
