"""The council's pages."""
