"""Persistence: schema, engine, repositories, audit log, backup and restore."""
