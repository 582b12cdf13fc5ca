"""Conformance of trawl's renderings with the peers' own test vectors -> docs/conformance.md.

Usage:  python bench/conformance_report.py [--vectors DIR] [--out docs/conformance.md] [--json FILE]

Which vectors: the peer files in ../shared/peer-vectors (see its PROVENANCE.md) whose INPUT is Ovid
syntax (Polyglot's ``Ovid MEDLINE`` / ``Ovid MEDLINE 2`` columns, and Polyglot's mixed
PubMed-or-Ovid inputs when they contain no PubMed tag) and whose OUTPUT is one of trawl's targets.
search-query's vectors start from PubMed/WoS/EBSCO syntax and transmute's assert parse counts, so
neither has a vector of this kind; the report says so. A vector counts as "read" when
`trawl.query.analyse` parses its input without an error.

How two queries are compared (the normalisation):
1. text: Polyglot's HTML line breaks (``<br/>``) become newlines; per line, runs of white space
   become one space, spaces just inside brackets are dropped, case is folded, and one pair of
   brackets wrapping a whole line is removed; PubMed's long tags (``[Title/Abstract]``) are
   shortened to the abbreviations (``[tiab]``), as the two forms are documented synonyms
   (pubmed.md §1); Embase.com single and double quotes are the same (embase.md §2). Ours is both
   the search-history form (lines joined by newlines) and the one-string query; either may match.
2. meaning: for the targets trawl can read back (PubMed, Scopus, WoS, EBSCO) both strings are read
   with `trawl.dialects.readback` and their normalised logical forms compared, so ``TI=x`` and
   ``TI=(x)``, or differently bracketed but equal Boolean expressions, agree.
A disagreement is then checked against rules that recognise a peer behaviour the dialect
reference calls wrong (each rule names its file and section); the rest are listed unreviewed.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VECTORS = REPO.parent / "shared" / "peer-vectors"

# Peer output dialect -> trawl target (only the syntaxes trawl renders).
TARGET_OF = {
    "PubMed full": "pubmed",
    "PubMed abbreviation": "pubmed",
    "Scopus (advanced search)": "scopus",
    "WoS Advanced": "wos",
    "CINAHL (Ebsco)": "cinahl",
    "Embase (Elsevier)": "embase",
    "Ovid MEDLINE": "ovid-medline",
    "PsycInfo (Ovid)": "ovid-psycinfo",
}
OVID_INPUTS = {"Ovid MEDLINE", "Ovid MEDLINE 2"}
MIXED_INPUT = "polyglot-input (PubMed and/or Ovid MEDLINE syntax, mixed allowed)"
# A PubMed field tag in a mixed input means the input is PubMed syntax, not Ovid.
PUBMED_TAG = re.compile(r"\[(?:[a-z]{2,6}(?::[a-z~0-9]+)?|mesh[^\]]*|title[^\]]*|majr|"
                        r"mesh major topic|text word|all fields)\]", re.I)

LONG_PUBMED_TAGS = {
    "title/abstract": "tiab", "title": "ti", "mesh terms": "mh", "mesh": "mh",
    "mesh major topic": "majr", "text word": "tw", "all fields": "all", "language": "la",
    "publication type": "pt", "mesh:noexp": "mh:noexp", "majr:noexp": "majr:noexp",
}


def normalise_text(text: str, target: str) -> str:
    """The text comparison of the module docstring, step 1."""
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    out = []
    for line in text.split("\n"):
        line = " ".join(line.split()).casefold()
        line = re.sub(r"\(\s+", "(", line)
        line = re.sub(r"\s+\)", ")", line)
        if target == "pubmed":
            line = re.sub(r"\[([^\]]+)\]",
                          lambda m: "[" + LONG_PUBMED_TAGS.get(m.group(1).strip(), m.group(1))
                          + "]", line)
        if target == "embase":
            line = line.replace("'", '"')
        if _wrapped(line):
            line = line[1:-1].strip()
        if line:
            out.append(line)
    return "\n".join(out)


def _wrapped(line: str) -> bool:
    if not (line.startswith("(") and line.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(line):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(line) - 1:
            return False
    return True


def same_meaning(target: str, theirs: str, ours: str) -> bool:
    """Step 2: equal logical forms of the two read-back queries (readable targets only)."""
    from trawl.dialects.readback import READERS, ReadbackError, read, syntax
    from trawl.dialects.readback.logical import read_form

    if target not in READERS:
        return False
    theirs = re.sub(r"<br\s*/?>", "\n", theirs, flags=re.I)
    if "\n" in theirs.strip() or "\n" in ours.strip():
        return False
    try:
        return read_form(syntax(target), read(target, theirs)) == \
            read_form(syntax(target), read(target, ours))
    except (ReadbackError, ValueError, TypeError):
        return False


# --- rules: a peer behaviour the dialect reference calls wrong --------------------------------

@dataclass(frozen=True)
class Rule:
    name: str
    why: str
    cite: str
    applies: Callable[[str, str, str], bool]  # (input, expected, target) -> bool


def _adjn_copied(inp: str, exp: str, target: str) -> bool:
    ns = {int(n) for n in re.findall(r"\badj(\d+)\b", inp, re.I) if int(n) >= 1}
    pattern = {"wos": r"NEAR/(\d+)", "scopus": r"\bW/(\d+)", "cinahl": r"\bN(\d+)\b",
               "pubmed": r"~(\d+)"}.get(target)
    if not ns or pattern is None:
        return False
    found = {int(n) for n in re.findall(pattern, exp, re.I)}
    return bool(ns & found)


def _adj_unordered(inp: str, exp: str, target: str) -> bool:
    if not re.search(r"\badj\b(?!\d)", inp, re.I):
        return False
    pattern = {"wos": r"NEAR/\d+|\bNEAR\b", "scopus": r"\bW/\d+", "cinahl": r"\bN\d+\b"}.get(target)
    return bool(pattern and re.search(pattern, exp, re.I))


def _optional_copied(inp: str, exp: str, target: str) -> bool:
    # Ovid ? (zero or one character) copied as ? (exactly one) on Scopus/WoS/EBSCO.
    words = re.findall(r"\b\w+\?\w*", inp)
    return target in ("scopus", "wos", "cinahl") and bool(words) and \
        any(w in exp for w in words)


def _indexterms_explode(inp: str, exp: str, target: str) -> bool:
    return target == "scopus" and re.search(r"\bexp\b", inp, re.I) is not None and \
        "INDEXTERMS(" in exp.upper()


RULES = [
    Rule("adjN copied", "Ovid adjN allows N-1 words between the terms; the target's operator "
         "counts the words between directly, so copying N lets one word too many in.",
         "ovid.md §6, §11.1; comparison.md §2 and §4.1", _adjn_copied),
    Rule("adj made unordered", "Ovid adj (no number) is adjacency in the order written (a phrase); "
         "an any-order operator also finds the reversed phrase.",
         "ovid.md §6, §11.1; comparison.md §2", _adj_unordered),
    Rule("? copied", "Ovid ? is zero or one character; on this target ? is exactly one character.",
         "ovid.md §11.5; comparison.md §3", _optional_copied),
    Rule("explosion lost in INDEXTERMS", "INDEXTERMS matches the heading exactly, with no explosion, "
         "so exp X/ silently loses the narrower headings.", "scopus.md §2, §10.9",
         _indexterms_explode),
]


@dataclass
class Cell:
    considered: int = 0
    read: int = 0
    agree_text: int = 0
    agree_meaning: int = 0
    disagree: list = field(default_factory=list)


def load(vectors: Path) -> list[dict]:
    rows = []
    for name in ("sra-polyglot.jsonl", "sra-polyglot-v4xlsx.jsonl", "search-query.jsonl",
                 "transmute.jsonl"):
        path = vectors / name
        if path.exists():
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip()]
    return rows


def eligible(row: dict) -> bool:
    if row.get("kind") != "translate" or row["output_dialect"] not in TARGET_OF:
        return False
    if row["input_dialect"] in OVID_INPUTS:
        return True
    return row["input_dialect"] == MIXED_INPUT and not PUBMED_TAG.search(row["input"])


def run(vectors: Path) -> dict:
    from trawl.dialects import get_dialect
    from trawl.query import analyse

    rows = load(vectors)
    cells: dict[tuple[str, str], Cell] = collections.defaultdict(Cell)
    skipped = collections.Counter()
    for row in rows:
        if not eligible(row):
            skipped[(row["tool"], row["input_dialect"], row["kind"])] += 1
            continue
        target = TARGET_OF[row["output_dialect"]]
        cell = cells[(row["tool"], row["output_dialect"])]
        cell.considered += 1
        analysis = analyse(row["input"])
        if analysis.strategy is None:
            continue
        cell.read += 1
        try:
            rendering = get_dialect(target).render(analysis.strategy)
        except Exception as exc:  # a renderer crash is a finding, not a reason to stop
            cell.disagree.append((row, f"<renderer raised {type(exc).__name__}: {exc}>", None))
            continue
        history = "\n".join(line.text for line in rendering.lines)
        expected = normalise_text(row["expected"], target)
        if expected in (normalise_text(history, target), normalise_text(rendering.query, target)):
            cell.agree_text += 1
            continue
        if same_meaning(target, row["expected"], rendering.query):
            cell.agree_meaning += 1
            continue
        rule = next((r for r in RULES if r.applies(row["input"], row["expected"], target)), None)
        cell.disagree.append((row, rendering.query, rule))
    return {"cells": cells, "skipped": skipped, "total": len(rows)}


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "⏎")[:160]


def markdown(result: dict) -> str:
    cells: dict[tuple[str, str], Cell] = result["cells"]
    out = ["# Conformance with peer translators' test vectors", "",
           "Generated by `python bench/conformance_report.py`; do not edit by hand.", "",
           "Vectors: ../shared/peer-vectors (see its PROVENANCE.md for tools, commits, licences). "
           "Only vectors with Ovid input and a trawl target as output are compared; "
           "the normalisation is explained in the script's docstring and summarised below.", "",
           "* **text**: `<br/>` → newline; white space collapsed; case folded; spaces inside "
           "brackets and one pair of brackets around a whole line dropped; PubMed long tags "
           "shortened; Embase.com quote styles unified.",
           "* **meaning**: for PubMed, Scopus, WoS and CINAHL both strings are read back with "
           "trawl's grammars and their normalised logical forms compared.",
           "* A vector whose input trawl's Ovid parser rejects (fragments such as `ADJ3` or `$`, "
           "PubMed syntax) is counted as not read.", "",
           "## Agreement per tool and target", "",
           "| tool | peer output | trawl target | vectors | read | agree (text) | "
           "agree (meaning) | disagree | agreement of read |",
           "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for (tool, out_dialect), c in sorted(cells.items()):
        agree = c.agree_text + c.agree_meaning
        rate = f"{100 * agree / c.read:.0f}%" if c.read else "–"
        out.append(f"| {tool} | {out_dialect} | {TARGET_OF[out_dialect]} | {c.considered} | "
                   f"{c.read} | {c.agree_text} | {c.agree_meaning} | {len(c.disagree)} | {rate} |")
    out += ["", "Vectors not compared (input not Ovid, or output not a trawl target, or not a "
            "translation): " + ", ".join(f"{tool} {kind} from `{inp}`: {n}" for (tool, inp, kind), n
                                          in sorted(result["skipped"].items(),
                                                    key=lambda kv: -kv[1])[:12]) + ", …", ""]
    out += ["## Disagreements where the peer is wrong by the dialect reference", "",
            "Each is kept as a test of trawl's behaviour in "
            "`tests/dialects/test_conformance_disagreements.py`.", "",
            "| rule | why | reference | count | example input | peer | trawl |",
            "|---|---|---|---:|---|---|---|"]
    by_rule: dict[str, list] = collections.defaultdict(list)
    unreviewed: list = []
    for (tool, out_dialect), c in sorted(cells.items()):
        for row, ours, rule in c.disagree:
            if rule is None:
                unreviewed.append((tool, out_dialect, row, ours))
            else:
                by_rule[rule.name].append((rule, row, ours))
    for name, items in by_rule.items():
        rule, row, ours = items[0]
        out.append(f"| {name} | {rule.why} | {rule.cite} | {len(items)} | "
                   f"`{_md_escape(row['input'])}` → {row['output_dialect']} | "
                   f"`{_md_escape(row['expected'])}` | `{_md_escape(ours)}` |")
    out += ["", f"## Other disagreements (not reviewed: {len(unreviewed)})", "",
            "Differences of choice (e.g. `.ti,ab.` rendered `TI OR AB` versus the peer's "
            "`TI OR AB OR AK`), peer-specific field codes, or trawl findings to check. "
            "The first 60:", "",
            "| tool | peer output | input | peer | trawl |", "|---|---|---|---|---|"]
    for tool, out_dialect, row, ours in unreviewed[:60]:
        out.append(f"| {tool} | {out_dialect} | `{_md_escape(row['input'])}` | "
                   f"`{_md_escape(row['expected'])}` | `{_md_escape(ours)}` |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=Path, default=DEFAULT_VECTORS)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "conformance.md")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    result = run(args.vectors)
    args.out.write_text(markdown(result), encoding="utf-8")
    if args.json:
        summary = {f"{t}|{o}": {"considered": c.considered, "read": c.read,
                                "agree_text": c.agree_text, "agree_meaning": c.agree_meaning,
                                "disagree": len(c.disagree)}
                   for (t, o), c in result["cells"].items()}
        args.json.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
