"""Writes of the Victim Support Unit: each validates first, runs in one transaction, and logs."""
