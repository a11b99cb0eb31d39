"""Writes of the interventions app, one module per subject."""
