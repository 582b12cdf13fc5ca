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
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

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


def verdict(seed_cpu: float, parse_cpu: float, growth: list[tuple[int, float, float]],
            ratio: float) -> str:
    """What the figures say about the targets, and what stands in the way where one is missed."""
    big_n, big_cpu, _ = growth[-1]
    out = []
    if seed_cpu < 0.005:
        out.append(f"- Seed, all 16 targets: **met** ({seed_cpu * 1e3:.1f} ms CPU).")
    else:
        out.append(
            f"- Seed, all 16 targets: **missed** ({seed_cpu * 1e3:.1f} ms CPU against 5 ms). "
            f"Parsing alone takes {parse_cpu * 1e3:.1f} ms of the budget (the front end's own "
            "target is 5 ms for parsing). Rendering is 16 independent walks of the strategy, "
            "each building its own strings and diagnostics (0.4-1 ms per target in pure Python), "
            "and Google Scholar's 256-character limit makes its renderer split the seed into "
            "~125 equivalent queries (about 3 ms). What would close the gap: caching renderings "
            "by strategy hash (a warm re-compile of an unchanged strategy would then cost only "
            "the hash; not done, because it would hide the cost rather than remove it) or one "
            "walk that renders all targets at once.")
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

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

    rows: list[str] = []
    seed_cpu, seed_wall = measure(lambda: compile_all(text), args.runs)
    strategy = parse_strategy(text)
    parse_cpu, parse_wall = measure(lambda: parse_strategy(text), args.runs)
    rows.append(f"| seed: parse + render, 16 targets | 49 | {seed_cpu * 1e3:.2f} ms | "
                f"{seed_wall * 1e3:.2f} ms |")
    rows.append(f"| seed: parse only | 49 | {parse_cpu * 1e3:.2f} ms | {parse_wall * 1e3:.2f} ms |")
    per_target: list[str] = []
    for d in dialects:
        c, w = measure(lambda d=d: d.render(strategy, review), args.runs)
        per_target.append(f"| {d.name} | {c * 1e3:.2f} ms | {w * 1e3:.2f} ms |")
        print(f"{d.name:24} {c * 1e3:7.2f} ms CPU", file=sys.stderr)

    growth: list[tuple[int, float, float]] = []
    for blocks in (10, 20, 41):
        src = synthetic(blocks)
        n = src.count("\n")
        c, w = measure(lambda src=src: compile_all(src), max(3, args.runs // 10))
        growth.append((n, c, w))
        rows.append(f"| synthetic, parse + render, 16 targets | {n:,} | {c * 1e3:.0f} ms | "
                    f"{w * 1e3:.0f} ms |")
        print(f"{n:6} lines {c:.3f} s CPU {w:.3f} s wall", file=sys.stderr)

    load = os.getloadavg()[0]
    (n1, c1, _), (n2, c2, _) = growth[0], growth[-1]
    ratio = (c2 / c1) / (n2 / n1)
    report = f"""# Compile speed (parse + render for every target)

Generated by `python bench/compile_bench.py`; do not edit by hand.

Machine: {platform.machine()}, {os.cpu_count()} CPUs, CPython {platform.python_version()},
{platform.system()}. The machine is shared with other engineers' jobs (1-minute load average
{load:.1f} on {os.cpu_count()} CPUs at the end of this run), so the **CPU time** of the measuring
process is the figure to compare with the targets; wall time includes waiting for a CPU.

Median of repeated runs after a warm-up run (the seed uses its review.toml: cutoff, language,
sources):

| what | statements | CPU | wall |
|---|---:|---:|---:|
{chr(10).join(rows)}

Growth from {n1:,} to {n2:,} statements: {n2 / n1:.1f}x the lines cost {c2 / c1:.1f}x the CPU time
(ratio {ratio:.2f}; 1.00 = exactly linear).

Seed, render only, per target:

| target | CPU | wall |
|---|---:|---:|
{chr(10).join(per_target)}

Targets (issue 3): seed for all 16 targets under 5 ms warm; 2,000 lines for all targets under 2 s,
linear in length.

{verdict(seed_cpu, parse_cpu, growth, ratio)}
"""
    print(report)
    if not args.no_write:
        OUT.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
