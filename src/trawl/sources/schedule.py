"""When re-runs are due: the review's schedule until the cutoff, then one final harvest.

``review.schedule`` says how often to re-run ("daily", "weekly", "monthly", "every 10 days");
``review.cutoff`` is the last day the review covers. Before the cutoff a source is due when its
last complete harvest is older than the interval; once the cutoff has passed, one more harvest
started after it is due (it catches records entered up to the cutoff day), and then nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from trawl.query.diagnostics import Diagnostic, TrawlError, register

BAD_SCHEDULE = register(
    "HARVEST008", "error", "review.schedule is not daily, weekly, monthly or 'every N days'.",
)

INTERVALS = {"daily": 1, "weekly": 7, "fortnightly": 14, "monthly": 30}


def interval_days(schedule: str | None) -> int | None:
    if not schedule:
        return None
    text = schedule.strip().lower()
    if text in INTERVALS:
        return INTERVALS[text]
    m = re.fullmatch(r"every (\d+) days?", text)
    if m:
        return int(m.group(1))
    raise TrawlError(Diagnostic.of(
        BAD_SCHEDULE, f"review.toml: key 'schedule': {schedule!r} is not daily, weekly, "
        "fortnightly, monthly or 'every N days'"))


@dataclass(frozen=True)
class Due:
    source: str
    route: str
    last: str | None  # date of the last complete harvest (an export route: the last import)
    status: str  # "due now", "due on YYYY-MM-DD", "done", "manual import", ...
    due: bool


def _day(text: str | None) -> date | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def plan_schedule(review, store, today: date | None = None) -> tuple[list[Due], str]:
    today = today or date.today()
    every = interval_days(review.schedule)
    rows = []
    for name, config in review.sources.items():
        if config.route != "api":
            # searched by hand: the schedule can only say whether (and when) a file came in
            imports = [r for r in (store.runs(source=name) if store else [])
                       if r.kind == "import" and r.status == "complete"]
            last_import = _day(imports[-1].finished_at or imports[-1].started_at) \
                if imports else None
            status = (f"manual import (export file): {len(imports)} "
                      f"file{'s' if len(imports) != 1 else ''} imported"
                      if imports else "manual import (export file): none imported yet")
            rows.append(Due(name, "export", str(last_import) if last_import else None, status,
                            False))
            continue
        runs = [r for r in (store.runs(source=name) if store else [])
                if r.kind == "harvest" and r.status == "complete"]
        last = runs[-1] if runs else None
        last_day = _day(last.finished_at or last.started_at) if last else None
        if any(r.status in ("resumable", "failed") for r in
               (store.runs(source=name)[-1:] if store else [])):
            status, due = "unfinished: trawl harvest --resume", True
        elif today > review.cutoff:
            after = [r for r in runs if (_day(r.started_at) or today) > review.cutoff]
            status, due = (("done (final harvest after the cutoff)", False) if after
                           else ("due now (final harvest after the cutoff)", True))
        elif last_day is None:
            status, due = "due now (never harvested)", True
        elif every is None:
            status, due = "no schedule", False
        elif last_day + timedelta(days=every) <= today:
            status, due = "due now", True
        else:
            status, due = f"due on {last_day + timedelta(days=every)}", False
        rows.append(Due(name, "api", str(last_day) if last_day else None, status, due))
    left = (review.cutoff - today).days
    when = (f"in {left} days" if left > 0 else "today" if left == 0
            else f"{-left} days ago")
    headline = (f"{review.name}: cutoff {review.cutoff} ({when}); "
                f"schedule {review.schedule or 'none'}")
    return rows, headline


def due_sources(review, store, today: date | None = None) -> list[str]:
    rows, _ = plan_schedule(review, store, today)
    return [r.source for r in rows if r.due]
