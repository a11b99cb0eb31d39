"""HTML pages of reports: the citizens' pages and the moderation queue."""
