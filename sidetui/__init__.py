"""sidetui: run and watch side executions from a terminal UI, a CLI or Python."""

__version__ = "0.1.0"
