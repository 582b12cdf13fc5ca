"""``trawl report``: the validation report (one self-contained HTML page, or Markdown)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
        workspace: Annotated[
            Path | None,
            typer.Option(
                "--workspace", "-w", help="Review workspace: review.toml (+ store.sqlite)."
            ),
        ] = None,
        strategy: Annotated[
            Path | None,
            typer.Option(
                "--strategy",
                "-s",
                help="Strategy file; overrides the review's (e.g. the as-published text).",
            ),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option(
                "--out",
                "-o",
                help="Where to write it; '-' for standard output. "
                "Default: report.html / report.md in the workspace or here.",
            ),
        ] = None,
        fmt: Annotated[
            str,
            typer.Option(
                "--format",
                "-f",
                help="html (self-contained page), md (for an appendix) or json (for tools).",
            ),
        ] = "html",
        to: Annotated[
            str | None,
            typer.Option(
                "--to",
                help="Targets, comma-separated; 'all' or 'review'. "
                "Default: the review's sources, or all targets without a review.",
            ),
        ] = None,
        generated: Annotated[
            str | None,
            typer.Option(
                "--generated",
                help="Fix the 'generated' timestamp (ISO 8601), for a "
                "report kept under version control.",
            ),
        ] = None,
    ) -> None:
        """Write the validation report: strategy beside every rendering, diagnostics, runs,
        provenance check, PRISMA flow and PRISMA-S checklist."""
        from trawl.cli._output import user_errors

        with user_errors():
            data, text, path = _build(workspace, strategy, out, fmt, to, generated)
            if path is None:
                print(text, end="")
                return
            _write(path, text)
            print(f"wrote {path}: {_summary(data)}")


def _build(workspace, strategy, out, fmt, to, generated):
    from datetime import UTC, datetime

    from trawl.query.diagnostics import Diagnostic, TrawlError
    from trawl.report.data import REPORT_NO_STRATEGY, gather

    if fmt not in ("html", "md", "json"):
        raise typer.BadParameter(f"--format must be html, md or json, not {fmt!r}")
    if workspace is None and strategy is None:
        if Path("review.toml").is_file():
            workspace = Path(".")
        else:
            raise TrawlError(
                Diagnostic.of(
                    REPORT_NO_STRATEGY,
                    "nothing to report on: give --workspace DIR or --strategy FILE",
                )
            )
    now = None
    if generated is not None:
        try:
            now = datetime.fromisoformat(generated.replace("Z", "+00:00"))
        except ValueError:
            raise typer.BadParameter(
                f"--generated is not an ISO 8601 time: {generated!r}"
            ) from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
    targets = to.split(",") if to else None
    data = gather(workspace=workspace, strategy=strategy, targets=targets, now=now)
    if fmt == "md":
        from trawl.report.markdown import render_markdown

        text = render_markdown(data)
    elif fmt == "json":
        from trawl.report.json_report import render_json

        text = render_json(data)
    else:
        from trawl.report.html import render_html

        text = render_html(data)
    if out is not None and str(out) == "-":
        return data, text, None
    if out is None:
        out = (workspace if workspace is not None else Path(".")) / f"report.{fmt}"
    return data, text, out


def _summary(data) -> str:
    """One line on what the report found, for the terminal."""
    from collections import Counter

    s = data.strategy
    bits = [f"{s.statements} statements" if s.parsed else f"strategy has {len(s.errors)} error(s)"]
    if data.targets.ok:
        states = Counter(t.state for t in data.targets.value)
        bits.append(", ".join(f"{n} {state}" for state, n in states.items()))
        severities = Counter(str(d.severity) for t in data.targets.value for d in t.diagnostics)
        bits.append(f"{severities['warning']} warnings, {severities['info']} notes")
    if data.provenance.ok:
        bits.append("provenance " + ("verified" if data.provenance.value.ok else "BROKEN"))
    return "; ".join(bits)


def _write(path: Path, text: str) -> None:
    """Write next to the target and rename, so a failed write never leaves half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
