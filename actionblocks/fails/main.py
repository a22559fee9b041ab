"""Fail on purpose: some output first, then an error on stderr and a non-zero exit."""

import sys

print("loading configuration...")
print("connecting to the database...")
print("error: database 'orders' does not exist", file=sys.stderr)
sys.exit(2)
