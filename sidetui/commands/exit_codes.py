"""The exit codes of every sidetui command (documented in the README)."""

EXIT_OK = 0  # completed
EXIT_FAILED = 1  # failed
EXIT_REFUSED = 2  # refused: nothing was started
EXIT_TIMEOUT = 124  # timed out
EXIT_STOPPED = 130  # stopped (Ctrl-C, SIGTERM, SIGHUP)
