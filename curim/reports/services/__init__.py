"""Writes of citizen reports: each validates first (`full_clean()`) and runs in a transaction."""
