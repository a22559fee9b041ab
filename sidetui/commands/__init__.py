"""The headless subcommands of `sidetui`, one module each."""
