"""scheduling: availability, open slots, race-free booking, meeting links, notes, reports."""
