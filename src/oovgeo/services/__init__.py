"""Orchestration: user-level operations that read files and write the store."""
