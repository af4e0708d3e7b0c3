"""What a click changes in the session, one module per leg (no rendering)."""
