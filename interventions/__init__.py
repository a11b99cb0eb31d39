"""Social and spatial interventions, with their before/after evaluation."""
