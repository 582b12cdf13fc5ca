"""Compile speed: parse + render for all 16 targets (`trawl.dialects`).

Measures, and writes to bench/RESULTS-compile.md:
  seed        strategy/psw-coproduction/strategy.ovid (49 lines) with its review.toml: parse and
              render for every target, warm (median of many runs after a warm-up)
  per target  the render time of the seed for each target alone
  synthetic   500-, 1,000- and 2,000-line strategies made of renumbered copies of the seed (each
              copy keeps its or/ ranges and limit) ORed together on a last line, to show how the
              time grows with length

Targets (issue 3): seed for all 16 targets under 5 ms warm; 2,000 lines for all targets under
2 s, linear in length.

    python bench/compile_bench.py [--runs 50] [--no-write]
        [--baseline DIR [--baseline-name NAME] [--rounds 3]]   # before/after; DIR holds an
                                                                # older src/ (git archive)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "strategy" / "psw-coproduction"
OUT = REPO / "bench" / "RESULTS-compile.md"


def synthetic(blocks: int) -> str:
    """``blocks`` renumbered copies of the seed, ORed on one last line (49 * blocks + 1 lines)."""
    seed = (SEED / "strategy.ovid").read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    finals: list[int] = []
    for b in range(blocks):
        off = 49 * b
        for line in seed:
            m = re.match(r"(\d+)\. (.*)", line)
            assert m
            n, body = int(m.group(1)) + off, m.group(2)

            def shift(match: re.Match[str], off: int = off) -> str:
                return str(int(match.group(0)) + off)

            if re.match(r"(or/|limit |\d+ and )", body):  # line references only here
                body = re.sub(r"\b\d+\b", shift, body)
            out.append(f"{n}. {body}")
        finals.append(49 * (b + 1))
    out.append(f"{49 * blocks + 1}. or/{','.join(str(n) for n in finals)}")
    return "\n".join(out) + "\n"


def measure(fn, runs: int) -> tuple[float, float]:
    """Median (CPU seconds, wall seconds) of ``runs`` calls after one warm-up call."""
    fn()
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall)


def verdict(seed_cpu: float, parse_cpu: float, render_cpu: float, scholar_cpu: float,
            scholar_pieces: int, growth: list[tuple[int, float, float]], ratio: float) -> str:
    """What the figures say about the targets, and what stands in the way where one is missed."""
    big_n, big_cpu, _ = growth[-1]
    out = []
    if seed_cpu < 0.005:
        out.append(f"- Seed, all 16 targets: **met** ({seed_cpu * 1e3:.1f} ms CPU).")
    else:
        out.append(
            f"- Seed, all 16 targets: **missed** ({seed_cpu * 1e3:.1f} ms CPU against 5 ms). "
            f"Parsing alone takes {parse_cpu * 1e3:.1f} ms, most of it inside lark's LALR parser "
            "and lexer (pure Python, about 290 tokens, each a Token object and a state-machine "
            "step; the AST is built by an inline transformer, so there is no tree to walk). "
            f"The 16 renderings take {render_cpu * 1e3:.1f} ms together, one walk per target: "
            "each AST node costs a few microseconds of Python calls (memo lookup, field mapping, "
            "wildcard conversion, diagnostics for every loss, joining strings), and every "
            "target needs its own walk because operators, fields, wildcards and the diagnostics "
            "all differ. Google Scholar alone takes "
            f"{scholar_cpu * 1e3:.1f} ms: its 256-character limit splits the seed into "
            f"{scholar_pieces} queries, each rendered. 5 ms would need {seed_cpu / 0.005:.1f} "
            "times less work per node and per token: not reachable by tuning this design in "
            "CPython. The remaining options are "
            "structural: a hand-written parser instead of lark's generic LALR driver (the "
            "front end's own target is 5 ms for parsing alone), rendering compiled per dialect "
            "to straight-line code, or caching renderings by strategy hash, which only hides "
            "the cost and is deliberately not done.")
    if big_cpu < 2.0:
        out.append(f"- {big_n:,} lines, all 16 targets: **met** ({big_cpu:.2f} s CPU).")
    else:
        out.append(f"- {big_n:,} lines, all 16 targets: **missed** ({big_cpu:.2f} s CPU).")
    lin = "linear" if ratio < 1.25 else "close to linear"
    out.append(f"- Growth: {lin} (time per line ratio {ratio:.2f} between the smallest and "
               "largest synthetic strategy). The renderers memoise each node's text per field "
               "context and pause the cyclic garbage collector during a walk, so inlining line "
               "references costs string joins, not re-rendering."
               + (" The excess over linear comes from the single inlined query growing with the "
                  "strategy and from the length-limit splitters (Google Scholar, OpenAlex), which "
                  "stop at 200 pieces." if ratio >= 1.1 else ""))
    return "\n".join(out)


def measure_all(runs: int) -> dict:
    """Every figure of the report (seconds), as a JSON-able dict."""
    from trawl.dialects import TARGETS, get_dialect
    from trawl.query import parse_strategy
    from trawl.review import Review

    review = Review.load(SEED / "review.toml")
    text = (SEED / "strategy.ovid").read_text(encoding="utf-8")
    dialects = [get_dialect(t) for t in TARGETS]

    def compile_all(src: str) -> None:
        strategy = parse_strategy(src, database=review.database)
        for d in dialects:
            d.render(strategy, review)

    out: dict = {"seed": measure(lambda: compile_all(text), runs)}
    strategy = parse_strategy(text)
    out["parse"] = measure(lambda: parse_strategy(text), runs)
    out["targets"] = {}
    for d in dialects:
        out["targets"][d.name] = measure(lambda d=d: d.render(strategy, review), runs)
        print(f"{d.name:24} {out['targets'][d.name][0] * 1e3:7.2f} ms CPU", file=sys.stderr)
    out["scholar_pieces"] = len(get_dialect("google-scholar").render(strategy, review).queries)
    out["growth"] = []
    for blocks in (10, 20, 41):
        src = synthetic(blocks)
        n = src.count("\n")
        c, w = measure(lambda src=src: compile_all(src), max(3, runs // 10))
        out["growth"].append((n, c, w))
        print(f"{n:6} lines {c:.3f} s CPU {w:.3f} s wall", file=sys.stderr)
    return out


def in_process(tree: Path, runs: int) -> dict:
    """The measurements of the source tree ``tree`` (its ``src`` is imported), in a new process."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run([sys.executable, __file__, "--json", "--runs", str(runs)], env=env,
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def median_of(results: list) -> Any:
    """Figure by figure, the median of several measurement dicts of the same shape."""
    first = results[0]
    if isinstance(first, dict):
        return {k: median_of([r[k] for r in results]) for k in first}
    if isinstance(first, list):
        return [median_of([r[i] for r in results]) for i in range(len(first))]
    return statistics.median(results)


def before_after(tree: Path, runs: int, rounds: int) -> tuple[dict, dict]:
    """(older tree, this tree), measured in alternating processes so that both see the same load
    on the shared machine; each figure is the median over the rounds."""
    before: list[dict] = []
    now: list[dict] = []
    for i in range(rounds):
        print(f"round {i + 1}/{rounds}", file=sys.stderr)
        before.append(in_process(tree, runs))
        now.append(in_process(REPO, runs))
    return median_of(before), median_of(now)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON, write nothing")
    ap.add_argument("--baseline", type=Path, help="an older tree to measure too (before/after)")
    ap.add_argument("--baseline-name", default="before")
    ap.add_argument("--rounds", type=int, default=3, help="alternations with --baseline")
    args = ap.parse_args()

    if args.json:
        print(json.dumps(measure_all(args.runs)))
        return
    if args.baseline:
        before, now = before_after(args.baseline, args.runs, args.rounds)
    else:
        before, now = None, measure_all(args.runs)

    def cell(key: str, index: int, scale: float = 1e3, fmt: str = ".2f") -> str:
        value = now[key][index] * scale
        if before is None:
            return f"{value:{fmt}} ms"
        return f"{before[key][index] * scale:{fmt}} → **{value:{fmt}}** ms"

    seed_cpu, seed_wall = now["seed"]
    parse_cpu, _ = now["parse"]
    rows = [f"| seed: parse + render, 16 targets | 49 | {cell('seed', 0)} | {cell('seed', 1)} |",
            f"| seed: parse only | 49 | {cell('parse', 0)} | {cell('parse', 1)} |"]
    for i, (n, c, w) in enumerate(now["growth"]):
        if before is None:
            shown = f"{c * 1e3:.0f} ms | {w * 1e3:.0f} ms"
        else:
            b = before["growth"][i]
            shown = (f"{b[1] * 1e3:.0f} → **{c * 1e3:.0f}** ms | "
                     f"{b[2] * 1e3:.0f} → **{w * 1e3:.0f}** ms")
        rows.append(f"| synthetic, parse + render, 16 targets | {n:,} | {shown} |")
    per_target = []
    for name, (c, w) in now["targets"].items():
        if before is None:
            per_target.append(f"| {name} | {c * 1e3:.2f} ms | {w * 1e3:.2f} ms |")
        else:
            bc, bw = before["targets"][name]
            per_target.append(f"| {name} | {bc * 1e3:.2f} → **{c * 1e3:.2f}** ms | "
                              f"{bw * 1e3:.2f} → **{w * 1e3:.2f}** ms |")
    render_cpu = sum(c for c, _ in now["targets"].values())
    scholar_cpu = now["targets"]["google-scholar"][0]

    load = os.getloadavg()[0]
    (n1, c1, _), (n2, c2, _) = now["growth"][0], now["growth"][-1]
    ratio = (c2 / c1) / (n2 / n1)
    compared = "" if before is None else (
        f"\n\nBefore → after: \"{args.baseline_name}\" and the current code were measured by "
        f"this script in {args.rounds} alternating rounds (a new process each, importing the "
        "older or the current source tree), so both saw the same load; each figure is the "
        "median over the rounds of the per-round medians.")
    report = f"""# Compile speed (parse + render for every target)

Generated by `python bench/compile_bench.py`; do not edit by hand.

Machine: {platform.machine()}, {os.cpu_count()} CPUs, CPython {platform.python_version()},
{platform.system()}. The machine is shared with other engineers' jobs (1-minute load average
{load:.1f} on {os.cpu_count()} CPUs at the end of this run), so the **CPU time** of the measuring
process is the figure to compare with the targets; wall time includes waiting for a CPU.{compared}

Median of repeated runs after a warm-up run (the seed uses its review.toml: cutoff, language,
sources):

| what | statements | CPU | wall |
|---|---:|---:|---:|
{chr(10).join(rows)}

Growth from {n1:,} to {n2:,} statements: {n2 / n1:.1f}x the lines cost {c2 / c1:.1f}x the CPU time
(ratio {ratio:.2f}; 1.00 = exactly linear).

Seed, render only, per target (sum: {render_cpu * 1e3:.2f} ms CPU):

| target | CPU | wall |
|---|---:|---:|
{chr(10).join(per_target)}

Targets (issue 3): seed for all 16 targets under 5 ms warm; 2,000 lines for all targets under 2 s,
linear in length.

{verdict(seed_cpu, parse_cpu, render_cpu, scholar_cpu, now["scholar_pieces"], now["growth"],
         ratio)}

What was changed after profiling (cProfile, CPU time), each with identical output (every
rendering, diagnostic and span of the seed, its as-published text, the 38 corpus strategies, a
hand-made one and a synthetic one, for all 16 targets with and without the review, compared
before and after):

- Crossref re-read every inlined line from scratch, splitting each word with two regexes: each
  sub-tree's words are now gathered once per walk (`Crossref.words_of`; sub-trees holding a
  filter are still visited every time, because each visit adds its API parameter).
- The Google Scholar / OpenAlex splitter rebuilt the same halves of an OR-list for every piece
  they were combined into, so the renderer's memo never hit: halves are now made once per split
  and reused, and operand lengths are remembered (`trawl.dialects.split`).
- A heading's free-text fallback cleaned and de-duplicated its entry terms on every render for
  every target: the word lists are now cached per heading label (a vocabulary lookup by label,
  like the entry terms themselves; `vocab_free_text`). The phrases are still built and rendered
  on every walk.
- Smaller: wildcard conversion remembered per word within a walk, `Out` and the parser's rule
  offsets as named tuples instead of frozen dataclasses, rule handlers looked up once, regexes
  compiled once, Ovid's quoting test without a generator, the front end's lost-heading-slash
  check skips its walk when no line lacks a suffix.
- Tried and dropped: dispatching `Renderer._out` by type identity instead of `match` (about 2%,
  within the noise of this machine, at the cost of readability).
"""
    print(report)
    if not args.no_write:
        OUT.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
