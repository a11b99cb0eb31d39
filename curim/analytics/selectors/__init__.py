"""Reads of the analytics: the events an analysis may count, per audience, and the grid."""
