"""Writes of the analytics: grids, official incident imports, run snapshots."""
