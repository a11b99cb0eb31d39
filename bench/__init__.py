"""Benchmarks, run by `make bench`: each is a ratio against the database's own floor."""
