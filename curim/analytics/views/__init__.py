"""Pages of the analytics."""
