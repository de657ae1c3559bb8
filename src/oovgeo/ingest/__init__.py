"""Imports of signals and interventions: readers, profiles, validation, placement."""
