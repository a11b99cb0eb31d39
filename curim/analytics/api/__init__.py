"""The analytics API: the stored runs, read as they were computed (`/api/v1/analytics/`)."""
