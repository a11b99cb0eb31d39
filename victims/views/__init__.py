"""The unit's pages, and the public help page."""
