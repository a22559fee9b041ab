"""The terminal application: a thin view over the engine's events and records."""
