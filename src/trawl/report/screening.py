"""The protocol's screening plan: a reproducible sample for the second reviewer, and agreement.

The seed protocol: "the second author (ON) will read 20% of all the records randomly. Rates of
concordance between these researchers will be calculated". ``sample`` draws that 20% so that
anyone with the same store, fraction and seed draws the same records; ``agreement`` compares two
reviewers' decision files and reports percent agreement and Cohen's kappa.

Decision files are CSV with a record column (``key``, ``id`` …) and a decision column
(``label``, ``decision`` …). A Rayyan export works as it is: its ``notes`` column carries
``RAYYAN-INCLUSION: {"Reviewer"=>"Included"}``.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from trawl.query.diagnostics import Diagnostic, TrawlError, register

SAMPLE_INVALID = register(
    "SCREEN001", "error", "A sample fraction outside (0, 1], or nothing to sample."
)
DECISIONS_INVALID = register(
    "SCREEN002",
    "error",
    "A decisions file lacks an id or decision column, repeats an id, or leaves a decision empty.",
)
DECISIONS_MISMATCH = register(
    "SCREEN003",
    "error",
    "Two decision files do not cover the same records, or use unrelated decision labels.",
)

ID_COLUMNS = ("key", "id", "record", "record_id", "trawl_key")
LABEL_COLUMNS = ("label", "decision", "screening", "include", "inclusion")

# Spellings reviewers and tools use for the same decision.
LABEL_SYNONYMS = {
    "include": "include",
    "included": "include",
    "yes": "include",
    "y": "include",
    "1": "include",
    "exclude": "exclude",
    "excluded": "exclude",
    "no": "exclude",
    "n": "exclude",
    "0": "exclude",
    "maybe": "maybe",
    "unsure": "maybe",
    "undecided": "maybe",
    "?": "maybe",
}
_RAYYAN = re.compile(r'RAYYAN-INCLUSION:\s*\{[^}]*?=>\s*"([^"]+)"')


@dataclass(frozen=True, slots=True)
class SampleRow:
    key: str
    title: str
    year: str
    authors: str
    journal: str
    doi: str


def draw_sample(rows: Sequence[SampleRow], fraction: float, seed: int) -> list[SampleRow]:
    """ceil(fraction × n) rows, the same ones for the same rows, fraction and seed."""
    if not 0 < fraction <= 1:
        raise TrawlError(
            Diagnostic.of(SAMPLE_INVALID, f"--fraction must be in (0, 1], got {fraction}")
        )
    if not rows:
        raise TrawlError(
            Diagnostic.of(
                SAMPLE_INVALID,
                "no records to screen: the store is empty, or every record is marked by a pre-screening rule",
            )
        )
    ordered = sorted(rows, key=lambda r: _natural(r.key))
    k = math.ceil(fraction * len(ordered) - 1e-9)
    chosen = random.Random(seed).sample(ordered, k)
    return sorted(chosen, key=lambda r: _natural(r.key))


def _natural(key: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", key))


def sample_csv(rows: Sequence[SampleRow]) -> str:
    """The sample as CSV, with an empty ``label`` column for the second reviewer to fill in."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["key", "title", "year", "authors", "journal", "doi", "label"])
    for r in rows:
        w.writerow([r.key, r.title, r.year, r.authors, r.journal, r.doi, ""])
    return buf.getvalue()


def normalise_label(value: str) -> str:
    v = " ".join(value.strip().lower().split())
    return LABEL_SYNONYMS.get(v, v)


def read_decisions(path: str | Path) -> dict[str, str]:
    """id -> normalised decision, from a CSV (or a Rayyan export)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    header = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    id_col = next((header[c] for c in ID_COLUMNS if c in header), None)
    label_col = next((header[c] for c in LABEL_COLUMNS if c in header), None)
    rayyan = label_col is None and "notes" in header
    if id_col is None or (label_col is None and not rayyan):
        raise TrawlError(
            Diagnostic.of(
                DECISIONS_INVALID,
                f"{path}: needs a record column ({', '.join(ID_COLUMNS)}) and a decision column "
                f"({', '.join(LABEL_COLUMNS)}); found {', '.join(reader.fieldnames or []) or 'no header'}",
            )
        )
    out: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        rid = (row.get(id_col) or "").strip()
        if not rid:
            raise TrawlError(
                Diagnostic.of(DECISIONS_INVALID, f"{path}: empty record id", line=line)
            )
        if rayyan:
            m = _RAYYAN.search(row.get(header["notes"]) or "")
            raw = m.group(1) if m else ""
        else:
            raw = row.get(label_col) or ""
        if not raw.strip():
            raise TrawlError(
                Diagnostic.of(
                    DECISIONS_INVALID,
                    f"{path}: record {rid!r} has no decision",
                    line=line,
                )
            )
        if rid in out:
            raise TrawlError(
                Diagnostic.of(
                    DECISIONS_INVALID,
                    f"{path}: record {rid!r} appears twice",
                    line=line,
                )
            )
        out[rid] = normalise_label(raw)
    if not out:
        raise TrawlError(Diagnostic.of(DECISIONS_INVALID, f"{path}: no decisions in the file"))
    return out


@dataclass(frozen=True)
class Agreement:
    n: int
    agreed: int
    percent: float
    kappa: float | None  # None when chance agreement is 1 (both reviewers used one label)
    labels: tuple[str, ...]
    matrix: dict[str, dict[str, int]] = field(default_factory=dict)  # a's label -> b's label -> n
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "agreed": self.agreed,
            "percent_agreement": round(self.percent, 2),
            "cohens_kappa": None if self.kappa is None else round(self.kappa, 4),
            "labels": list(self.labels),
            "matrix": self.matrix,
            "notes": list(self.notes),
        }


def agreement(
    a: dict[str, str], b: dict[str, str], names: tuple[str, str] = ("A", "B")
) -> Agreement:
    """Percent agreement and Cohen's kappa over the records both files decide."""
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    if only_a or only_b:
        parts = []
        for name, ids in ((names[0], only_a), (names[1], only_b)):
            if ids:
                shown = ", ".join(ids[:5]) + (f" … ({len(ids)} in all)" if len(ids) > 5 else "")
                parts.append(f"only in {name}: {shown}")
        raise TrawlError(
            Diagnostic.of(
                DECISIONS_MISMATCH, "the files decide different records; " + "; ".join(parts)
            )
        )
    la, lb = set(a.values()), set(b.values())
    if not la & lb:
        raise TrawlError(
            Diagnostic.of(
                DECISIONS_MISMATCH,
                f"no decision label in common: {names[0]} uses {sorted(la)}, {names[1]} uses {sorted(lb)}",
            )
        )
    notes = []
    for name, own, other in ((names[0], la, lb), (names[1], lb, la)):
        if own - other:
            notes.append(f"label(s) {sorted(own - other)} used only by {name}")
    ids = sorted(a)
    n = len(ids)
    agreed = sum(1 for i in ids if a[i] == b[i])
    labels = tuple(sorted(la | lb))
    ca, cb = Counter(a[i] for i in ids), Counter(b[i] for i in ids)
    po = agreed / n
    pe = sum(ca[k] * cb[k] for k in labels) / (n * n)
    kappa = None if pe >= 1 else (po - pe) / (1 - pe)
    if kappa is None:
        notes.append("kappa undefined: both reviewers gave every record the same label")
    matrix = {x: {y: 0 for y in labels} for x in labels}
    for i in ids:
        matrix[a[i]][b[i]] += 1
    return Agreement(n, agreed, 100.0 * po, kappa, labels, matrix, tuple(notes))


def draw_and_log(store, *, fraction: float, seed: int, out: str | None = None):
    """Sample the screening set and log a ``sample drawn`` event; returns (csv, rows, total)."""
    from trawl.dedup.persist import screening_set
    from trawl.report.export import record_key
    from trawl.store import sha256_hex

    records, state, _ = screening_set(store, "exclude")
    rows = [
        SampleRow(
            key=record_key(m),
            title=m.get("title") or "",
            year=str(m.get("year") or ""),
            authors="; ".join(a.family for a in m.get("authors", [])),
            journal=m.get("journal") or "",
            doi=m.get("doi") or "",
        )
        for m in records
    ]
    chosen = draw_sample(rows, fraction, seed)
    text = sample_csv(chosen)
    store.log_event(
        "sample drawn",
        {
            "fraction": fraction,
            "seed": seed,
            "population": len(rows),
            "sampled": len(chosen),
            "dedup_run": state.run_id,
            "keys": [r.key for r in chosen],
            "sha256": sha256_hex(text.encode("utf-8")),
            "file": out,
        },
    )
    return text, chosen, len(rows)
