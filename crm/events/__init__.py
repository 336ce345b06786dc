"""B2B events: participants, one-to-one meeting requests and the schedule of slots and tables."""
