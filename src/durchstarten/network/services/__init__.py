"""Writes to the network area. Every entry point (web, commands, seeds) goes through here."""
