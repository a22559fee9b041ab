"""`python -m sidetui` is the `sidetui` command."""

from sidetui.cli import main

raise SystemExit(main())
