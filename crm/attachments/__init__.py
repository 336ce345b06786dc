"""Files attached to organizations, meetings, visits and agreements (SEC-11)."""
