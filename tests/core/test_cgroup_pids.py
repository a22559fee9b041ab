"""An execution's cgroup lists its processes from every hierarchy for a stop, and from the first
that answers for a sample (its processes join all of them together)."""

from __future__ import annotations

from pathlib import Path

from sidetui.core.processes.local.cgroups import ExecutionCgroup


def hierarchy(root: Path, name: str, pids: str | None) -> Path:
    folder = root / name
    folder.mkdir()
    if pids is not None:
        (folder / "cgroup.procs").write_text(pids)
    return folder


def test_a_sample_reads_the_first_hierarchy_that_answers_a_stop_reads_them_all(
    tmp_path: Path,
) -> None:
    unified = hierarchy(tmp_path, "unified", None)  # cannot be read: the next one answers
    memory = hierarchy(tmp_path, "memory", "12\n7\n")
    pids = hierarchy(tmp_path, "pids", "7\n12\n99\n")  # one that left the memory hierarchy
    cgroup = ExecutionCgroup(unified, {"memory": memory, "pids": pids})
    assert cgroup.pids(every_hierarchy=False) == [7, 12]
    assert cgroup.pids() == [7, 12, 99]
