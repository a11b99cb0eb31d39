"""The Local Council for Crime Prevention: meetings, recommendations, action items, dashboards."""
