"""The seven statuses and the transitions the spec allows."""

from __future__ import annotations

import pytest

from sidetui.core import ExecutionStatus as S

FINAL = [S.COMPLETED, S.FAILED, S.TIMEOUT, S.STOPPED]


@pytest.mark.parametrize("final", FINAL)
def test_nothing_changes_a_final_status(final: S) -> None:
    assert final.is_final
    assert not any(final.can_become(other) for other in S)


def test_the_transitions_of_the_spec() -> None:
    allowed = {(a, b) for a in S for b in S if a.can_become(b)}
    live_to = {S.COMPLETED, S.FAILED, S.TIMEOUT, S.STOPPING}
    expected = {(S.STARTING, S.RUNNING)}
    expected |= {(S.STARTING, b) for b in live_to} | {(S.RUNNING, b) for b in live_to}
    expected |= {(S.STOPPING, S.STOPPED)}
    assert allowed == expected
