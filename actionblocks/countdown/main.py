"""Count down, printing a line every half second; say goodbye on SIGTERM."""

import json
import os
import signal
import sys
import time


def goodbye(signum, frame):
    print("received SIGTERM: cleaning up and leaving", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, goodbye)
seconds = int(json.loads(os.environ.get("SIDE_EXECUTION_PARAMS", "{}")).get("seconds", 60))
steps = seconds * 2
for step in range(steps, 0, -1):
    done = steps - step
    bar = "#" * (20 * done // steps)
    print(f"[{bar:<20}] {step / 2:5.1f} s left", flush=True)
    time.sleep(0.5)
print("lift-off")
