"""Regenerate the README's screenshots: `.venv/bin/python screenshots/make.py [OUT_DIR]`.

The app is built by the factory on a temporary copy of the bundled samples, with temporary state
and global folders and no settings file, in its staged look: ids, pids, clock times, durations,
CPU and memory are fixed values that look real (the snapshot tests mask them instead), so the
pictures hold still from one run to the next. It is driven with Pilot at 120x36:

- catalog.svg  the catalog and the details of the highlighted block
- launch.svg   the launch dialog of typed-inputs with values filled in
- running.svg  a live execution printing coloured progress (a block written for the picture)
- failed.svg   the `fails` block on its result tab, showing its error
- merged.svg   every execution's output in one stream (`m`): the live one's, and a codebolt-style
               block's with its messages and the nested execution it started
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from sidetui.config import Settings  # noqa: E402
from sidetui.tui.app import SidetuiApp  # noqa: E402
from sidetui.tui.factory import create_app  # noqa: E402
from sidetui.tui.widgets.all_output import AllOutput  # noqa: E402
from tests.helpers import scratch_config, write_block  # noqa: E402
from tests.tui.pilot_support import (  # noqa: E402
    SIZE,
    copy_samples,
    highlight,
    launch,
    open_dialog,
    replace_value,
    run_to_end,
    show_tab,
    started,
    steady_cursors,
    type_into,
    until_running,
    until_shown,
    wait_until,
)

OUT_DIR = REPO / "screenshots"

# A block for the live picture: coloured progress on both streams, then it keeps running.
DEPLOY_MANIFEST = """\
name: deploy-preview
description: Builds the site and deploys a preview, printing coloured progress.
version: 1.2.0
entryPoint: main.py
metadata:
  inputs:
    - name: branch
      type: string
      default: main
      description: The branch to deploy
"""
DEPLOY_MAIN = '''\
"""Print coloured progress, then wait for health checks (a live execution for the README)."""

import sys
import time

GREEN, YELLOW, CYAN = "\\x1b[32m", "\\x1b[33m", "\\x1b[36m"
BOLD, DIM, RESET = "\\x1b[1m", "\\x1b[2m", "\\x1b[0m"


def say(text, stream=sys.stdout):
    print(text, file=stream, flush=True)


say(f"{BOLD}deploy-preview{RESET} {DIM}branch main{RESET}")
steps = [
    ("install", "312 packages"),
    ("lint", "0 problems"),
    ("test", "148 passed"),
    ("build", "42 pages, 1.8 MB"),
    ("upload", "57 files"),
]
for step, detail in steps:
    say(f"{GREEN}✔{RESET} {step:<8} {DIM}{detail}{RESET}")
    time.sleep(0.1)
    if step == "build":
        say(f"{YELLOW}warning:{RESET} hero.png is 2.4 MB, consider compressing it", sys.stderr)
        time.sleep(0.1)
for percent in (25, 50, 75):
    bar = "█" * (percent // 5) + "░" * (20 - percent // 5)
    say(f"{CYAN}⠿{RESET} health checks {CYAN}{bar}{RESET} {percent}%")
    time.sleep(0.1)
time.sleep(300)
'''


def build_app(workdir: Path) -> SidetuiApp:
    """The app on a copy of the samples (plus the live block), with temporary state."""
    project = copy_samples(workdir / "actionblocks")
    write_block(project, "deploy-preview", DEPLOY_MAIN, DEPLOY_MANIFEST)
    config = scratch_config(workdir)
    return create_app(project, settings=Settings(config), config=config, staged=True)


# -- the pictures ----------------------------------------------------------------------------------


async def take(out_dir: Path, workdir: Path) -> list[Path]:
    app = build_app(workdir)
    saved: list[Path] = []

    def save(name: str) -> None:
        app.save_screenshot(name, str(out_dir))
        saved.append(out_dir / name)

    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)

        # The catalog and a block's details.
        await highlight(pilot, app, "python-helper")
        save("catalog.svg")

        # The launch dialog with values filled in.
        dialog = await open_dialog(pilot, app, "typed-inputs")
        await replace_value(pilot, app, "#in-title", "Release notes")
        await replace_value(pilot, app, "#in-count", "2")
        await pilot.click("#in-shout")
        await type_into(pilot, dialog.query_one("#in-tags"), "docs, v1.2")
        dialog.query_one("#in-title").focus()  # back at the top, where the form starts
        await pilot.pause()
        await pilot.press("end")
        steady_cursors(app)
        await pilot.pause()
        save("launch.svg")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, "the dialog to close")

        # A failed execution on its result tab.
        failed = await run_to_end(pilot, app, "fails")
        await until_shown(pilot, app, failed)
        await show_tab(pilot, app, "result")
        save("failed.svg")

        # A live execution printing coloured progress, on the merged tab.
        live = await launch(pilot, app, "deploy-preview")
        await show_tab(pilot, app, "merged")
        await until_running(pilot, app, live, lines=10)
        await pilot.pause(0.2)
        save("running.svg")

        # Every execution's output in one stream, labelled, messages marked.
        thread = "thread_1773324120000_0d5a3f7e"  # it prints its thread: a fixed one
        nested = await app.manager.start_with_action_block("codebolt-style", {}, thread_id=thread)
        await app.manager.wait_until_settled(nested.data["sideExecutionId"])
        await pilot.press("m")
        await wait_until(pilot, lambda: "✉" in "".join(every(app).view.lines), "the messages")
        app.clear_notifications()
        await pilot.pause(0.2)
        save("merged.svg")
        await app.manager.stop_all()
    return saved


def every(app: SidetuiApp) -> AllOutput:
    assert app.main is not None
    return app.main.query_one("#all-output", AllOutput)


def main(out_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write the five screenshots into `out_dir` (default: this folder); their paths."""
    target = Path(out_dir) if out_dir is not None else OUT_DIR
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sidetui-screens-") as workdir:
        saved = asyncio.run(take(target, Path(workdir)))
    for path in saved:  # LF endings, whatever the platform
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))
    return sorted(saved)


if __name__ == "__main__":
    for name in ("NO_COLOR", "TEXTUAL_THEME", "FORCE_COLOR"):  # they would change every picture
        os.environ.pop(name, None)
    for written in main(sys.argv[1] if len(sys.argv) > 1 else None):
        print(written)
