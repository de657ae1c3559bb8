"""Orchestration that reads files and writes the store: imports, operations, accounts and login."""
