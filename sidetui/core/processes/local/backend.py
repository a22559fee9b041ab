"""The local process backend: children of this process, on this machine."""

from __future__ import annotations

from collections.abc import Mapping

from sidetui.core.config import EngineConfig
from sidetui.core.output.stream import OutputStream
from sidetui.core.processes.backend import ChildObserver, SpawnError
from sidetui.core.processes.local.child import LocalChild
from sidetui.core.processes.local.containment import Containment
from sidetui.core.processes.local.orphans import OrphanReaper
from sidetui.core.processes.local.pipes import ChildProtocol, spawn
from sidetui.core.processes.local.process_tree import ProcessTree, enable_subreaper
from sidetui.core.processes.local.sampler import TreeSampler
from sidetui.core.processes.local.table_reads import TableReads
from sidetui.core.processes.plan import LaunchPlan


class LocalProcessBackend:
    """Each child in its own session with piped output; its tree found and ended for certain."""

    name = "local"

    def __init__(self, config: EngineConfig):
        self.config = config
        self._tables = TableReads()
        self._sampler = TreeSampler(lambda: config.tree_sample_ms / 1000, self._tables.fresh)
        self.containment = Containment(config)
        self._children: set[LocalChild] = set()
        self._orphans = OrphanReaper(self._waited_for)

    def open(self) -> None:
        if self.config.subreaper:
            enable_subreaper()
            if self.config.reap_orphans:
                self._orphans.install()
        self.containment.open()

    def _waited_for(self) -> set[int]:
        """Our children that others wait for: the executions' children, the keeper."""
        self._children = {c for c in self._children if not c.released}
        keeper = self.containment.keeper.pid if self.containment.keeper else None
        return {c.pid for c in self._children} | ({keeper} if keeper else set())

    async def spawn(
        self,
        plan: LaunchPlan,
        streams: Mapping[int, OutputStream],
        observer: ChildObserver,
    ) -> LocalChild:
        if plan.problem:
            raise SpawnError(plan.problem)
        protocol = ChildProtocol(dict(streams), observer.output_arrived)
        transport = await spawn(plan.argv, plan.cwd, plan.env, protocol, plan.pass_fds)
        tree = ProcessTree(transport.get_pid(), plan.execution_id, plan.started, self._tables.fresh)
        self.containment.place(tree, plan.limits, observer.note)
        child = LocalChild(transport, protocol, tree, observer, self.containment, plan.limits)
        self._sampler.add(child)
        self._children.add(child)
        return child

    async def close(self) -> None:
        await self._sampler.close()
        self._orphans.close()
        self.containment.close()
