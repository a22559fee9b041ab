"""The local process backend: children of this process, each in its own session.

Owns `LocalProcessBackend` and its `LocalChild`, the pipes that feed output streams
(`ChildProtocol`, `spawn`), the process tree that finds every descendant and ends it for certain
(`ProcessTree`, `ProcessTable`, the child subreaper), the sampler of each tree's CPU and memory,
the containment that holds each tree even if sidetui is killed (a cgroup per execution where
allowed, the `keeper` process, the reaping of what a dead manager left, adopted orphans
collected), and the last-resort `safety_net` that kills live groups when the interpreter exits.
"""

from sidetui.core.processes.local.backend import LocalProcessBackend
from sidetui.core.processes.local.child import LocalChild
from sidetui.core.processes.local.pipes import PIPE_BYTES

__all__ = ["PIPE_BYTES", "LocalChild", "LocalProcessBackend"]
