"""Writes of the council's records, one module per subject; each write is atomic and
validates first, raising ValidationError with a message per field."""
