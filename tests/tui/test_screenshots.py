"""The README's screenshot script still runs and writes its pictures."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.helpers import REPO

SCRIPT = REPO / "screenshots" / "make.py"


def test_screenshot_script_writes_its_pictures(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("sidetui_screenshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)

    written = make.main(tmp_path / "out")

    names = ("catalog.svg", "failed.svg", "launch.svg", "merged.svg", "running.svg")
    assert [path.name for path in written] == list(names)
    for name in names:
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert text.startswith("<svg") and text.rstrip().endswith("</svg>"), name
        assert "\r\n" not in text
    assert "PROCESS_CRASHED" in (tmp_path / "out" / "failed.svg").read_text(encoding="utf-8")
    assert "typed-inputs" in (tmp_path / "out" / "launch.svg").read_text(encoding="utf-8")
    merged = (tmp_path / "out" / "merged.svg").read_text(encoding="utf-8")
    assert "python-helper" in merged and "deploy-preview" in merged
