"""Rich progress bars for a harvest: one per source with pages, records, rate and time left."""

from __future__ import annotations

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class RichProgress:
    """Implements trawl.sources.harvest.Progress on a terminal (use as a context manager)."""

    def __init__(self) -> None:
        self.bars = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("records · {task.fields[pages]} pages · {task.fields[rate]}/s"),
            TimeElapsedColumn(), TimeRemainingColumn(), transient=False)
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgress:
        self.bars.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bars.stop()

    def start(self, source: str) -> None:
        self.tasks[source] = self.bars.add_task(source, total=None, pages=0, rate="-")

    def page(self, source: str, records: int, total: int | None) -> None:
        task_id = self.tasks[source]
        task = self.bars.tasks[task_id]
        pages = task.fields.get("pages", 0) + 1
        elapsed = task.elapsed or 0.0
        done = task.completed + records
        rate = f"{done / elapsed:,.0f}" if elapsed > 0 else "-"
        self.bars.update(task_id, advance=records, total=total, pages=pages, rate=rate)

    def finish(self, source: str, status: str) -> None:
        task_id = self.tasks[source]
        task = self.bars.tasks[task_id]
        self.bars.update(task_id, total=task.completed, description=f"{source} ({status})")
