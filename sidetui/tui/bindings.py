"""The keys of the main screen: what each does (its description for the footer, its tooltip for
the help screen) and its id, by which the configuration rebinds it.

They are priority bindings: a key runs its action at once rather than after crossing every
widget's queue (under a flood of output that is the difference between 10 ms and 300 ms); the
screen lets them through to a text field while one has the focus.
"""

from __future__ import annotations

from textual.binding import Binding

OUTPUT_TABS = ("stdout", "stderr", "merged", "messages", "result", "details")


def _key(
    key: str, action: str, description: str, tooltip: str, show: bool = True, id: str = ""
) -> Binding:
    return Binding(
        key, action, description, show=show, priority=True, tooltip=tooltip, id=id or action
    )


MAIN_BINDINGS = [
    _key("s", "stop", "Stop", "stop the selected execution and its whole process tree; "
         "again while it stops: kill at once"),
    _key("S", "stop_all", "Stop all", "stop every live execution (asks first)"),
    _key("r", "rerun", "Re-run", "start the selected execution again with the same params"),
    _key("w", "watch", "Watch", "watch the selected execution's block: an edit in its folder "
         "runs it again, same params (marked ⟳); again: stop watching", show=False),
    _key("i", "inline_code", "Code", "write and run JavaScript or Python (params in scope)"),
    _key("a", "new_block", "New block", "create an ActionBlock in this project from a template"),
    _key("slash", "search", "Search", "search the output (in the catalog: filter it)"),
    _key("n", "search_next", "Next", "the next match of the search", show=False),
    _key("N", "search_previous", "Previous", "the previous match of the search", show=False),
    _key("f", "follow", "Follow", "follow the end of the output, or stay put"),
    _key("ampersand", "filter", "Filter", "show only the lines that match, over the whole log "
         "(regex, case and invert in the box)", id="output_filter.open"),
    _key("t", "timestamps", "Times", "timestamps in every output view: none, time of day, "
         "time since the start (again)"),
    _key("W", "wrap", "Wrap", "wrap long lines in every output view, or scroll them sideways"),
    _key("m", "all_output", "All output", "every execution's output in one stream, labelled "
         "(again: back)"),
    _key("M", "all_output(True)", "Family", "the selected execution's output and its "
         "children's in one stream", show=False, id="all_output.family"),
    _key("plus", "pick", "Pick", "pick the selected execution for the merged stream, or take "
         "it out: with picks, the stream shows only them", show=False),
    _key("p", "pin", "Pin", "pin the selected execution's output in a second pane beside the "
         "first (again: unpin)"),
    _key("c", "copy", "Copy", "copy the selection (drag with the mouse), else the whole tab"),
    _key("o", "open_log", "Pager", "the whole log of the tab's stream in $PAGER"),
    _key("x", "clear_finished", "Clear", "remove finished executions from the table and the "
         "history (asks first; their logs stay)"),
    _key("h", "history_scope", "Projects", "show the executions of every project, or of this "
         "one only (again)"),
    *(
        Binding(
            str(number),
            f"show_tab('{tab}')",
            tab,
            show=False,
            priority=True,
            tooltip=f"show the {tab} tab of the output",
            id=f"tab.{tab}",
        )
        for number, tab in enumerate(OUTPUT_TABS, start=1)
    ),
]  # fmt: skip

# Every one is a key that types a character: they step aside while a text field has the focus.
SINGLE_KEY_ACTIONS = frozenset(binding.action.split("(")[0] for binding in MAIN_BINDINGS)
