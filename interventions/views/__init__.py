"""Pages of the interventions."""
