"""The interventions API, under /api/v1/interventions/ (a contract: keep the addresses)."""
