"""The council's API (/api/v1/council/): meetings and agendas, recommendations, action items,
the strategy, and the council as Popolo JSON."""
