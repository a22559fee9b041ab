"""Output: the bytes a child prints, kept whole on disk and as bounded tails in memory.

Owns `OutputStream` (one stream's log file and tail of lines), `Interleaving` (the arrival order
of stdout and stderr, for a merged view), `LogFile` and its `LogWriter` thread, `tail_of_log`
(a stored log read back as a tail), and the searches of whole logs on disk: `log_search` (one
log) and `merged_search` (several, their matches in arrival order). Knows nothing of processes
or records: the lowest room.
"""

from sidetui.core.output.interleaving import Interleaving
from sidetui.core.output.log_file import LogFile, LogWriter
from sidetui.core.output.log_tail import tail_of_log
from sidetui.core.output.stream import OutputStream

__all__ = ["Interleaving", "LogFile", "LogWriter", "OutputStream", "tail_of_log"]
