"""The validation report as JSON: the same `ReportData` the pages are written from, for tools.

Every section keeps its ``state`` and ``note``; diagnostics use the ARCHITECTURE.md contract
(``code``, ``severity``, ``message``, ``line``, ``column``); the PRISMA-S checklist is included.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from enum import Enum
from typing import Any

from trawl.query.diagnostics import Diagnostic
from trawl.report import prisma_s
from trawl.report.data import ReportData


def _plain(value: Any) -> Any:
    if isinstance(value, Diagnostic):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def render_json(data: ReportData) -> str:
    out = _plain(data)
    out["prisma_s"] = [
        {
            "item": e.item.number,
            "name": e.item.name,
            "filled": e.filled,
            "answer": e.answer,
            "basis": e.basis,
            "pending": e.pending,
        }
        for e in prisma_s.checklist(data)
    ]
    return json.dumps(out, ensure_ascii=False, indent=1) + "\n"
