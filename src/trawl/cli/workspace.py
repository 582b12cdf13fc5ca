"""``trawl init`` and ``trawl audit``: make a review workspace, read and verify its provenance."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from trawl.cli._output import user_errors

WorkspaceOpt = Annotated[
    Path,
    typer.Option("--workspace", "-w", help="The review workspace (default: current directory)."),
]
FormatOpt = Annotated[str, typer.Option("--format", help="text or json.")]

audit = typer.Typer(
    help="Read, trace and verify a workspace's provenance log.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(audit, name="audit")


def init(
    directory: Annotated[Path, typer.Argument(help="Where to make the workspace.")] = Path("."),
    name: Annotated[str | None, typer.Option(help="The review's name (default: DIR).")] = None,
) -> None:
    """Create a review workspace: a commented review.toml and an empty store.sqlite."""
    from trawl.store.workspace import init_workspace

    with user_errors():
        result = init_workspace(directory, name=name)
    ws = result.workspace
    print(f"{'wrote' if result.wrote_review else 'kept'} {ws.review_path}")
    print(f"{'created' if result.created_store else 'kept'} {ws.store_path}")


def _open(workspace: Path):
    from trawl.store import Store

    return Store.open(workspace, readonly=True)  # auditing never writes


def _check_format(fmt: str) -> None:
    if fmt not in ("text", "json"):
        print(f"error: --format must be text or json, not {fmt!r}", file=sys.stderr)
        raise typer.Exit(2)


@audit.command("log")
def audit_log(
    workspace: WorkspaceOpt = Path("."),
    run: Annotated[int | None, typer.Option("--run", help="Only this run's events.")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="Only these kinds.")] = None,
    fmt: FormatOpt = "text",
) -> None:
    """Print the provenance log, oldest first."""
    _check_format(fmt)
    with user_errors(), _open(workspace) as store:
        events = list(store.events(run_id=run, kinds=kind or None))
        if fmt == "json":
            print(json.dumps({"events": [e.to_json() for e in events]}, ensure_ascii=False))
            return
        if not events:
            print("no events match", file=sys.stderr)
        for e in events:
            run_text = f"run {e.run_id}" if e.run_id is not None else "-"
            print(f"{e.seq:>6}  {e.time}  {run_text:<8}  {e.kind:<18}  {_summary(e)}")


def _summary(event) -> str:
    """One line that says what an event is about, for people; --format json has everything."""
    p = event.payload
    if event.kind == "records stored":
        return (
            f"page {p.get('page')}: {len(p.get('new', []))} new, {len(p.get('known', []))} known;"
            f" payload {str(p.get('payload', {}).get('sha256', ''))[:12]}"
        )
    if event.kind == "request sent":
        return f"{p.get('method', '')} {p.get('url', '')}".strip()
    if event.kind == "response received":
        return f"status {p.get('status')} {p.get('size')} bytes {str(p.get('sha256', ''))[:12]}"
    if event.kind == "file imported":
        return f"{p.get('name')} ({p.get('format')}, {p.get('size')} bytes)"
    if event.kind == "run started":
        return f"{p.get('kind')} {p.get('source')}"
    if event.kind == "run finished":
        return (
            f"{p.get('status')}: retrieved {p.get('retrieved')} of "
            f"{p.get('reported_total') if p.get('reported_total') is not None else '?'}"
        )
    text = json.dumps(p, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 100 else text[:99] + "…"


@audit.command("verify")
def audit_verify(
    workspace: WorkspaceOpt = Path("."),
    expect_head: Annotated[
        str | None,
        typer.Option("--expect-head", help="A head published earlier, SEQ:HASH; must still hold."),
    ] = None,
    fmt: FormatOpt = "text",
) -> None:
    """Recompute the hash chain and check payloads, records and runs against it. Exit 1 if not ok."""
    import re

    _check_format(fmt)
    if expect_head is not None and not re.fullmatch(r"\d+:[0-9a-fA-F]+", expect_head.strip()):
        # a mistyped argument is not a failed audit (exit 1 would say the log was tampered with)
        print(f"error: --expect-head must be SEQ:HASH as `trawl audit verify` prints it after "
              f"'head ', not {expect_head!r}", file=sys.stderr)
        raise typer.Exit(2)
    with user_errors(), _open(workspace) as store:
        result = store.verify(expect_head=expect_head)
    if fmt == "json":
        print(
            json.dumps(
                {
                    "ok": result.ok,
                    "first_bad_seq": result.first_bad_seq,
                    "reason": result.reason,
                    "problems": result.problems,
                    "head": {"seq": result.head_seq, "hash": result.head_hash},
                    "checked": result.checked,
                }
            )
        )
    elif result.ok:
        counts = ", ".join(f"{v} {k}" for k, v in result.checked.items())
        print(f"ok: {counts}")
        print(f"head {result.head_seq}:{result.head_hash}")
    else:
        where = f"event {result.first_bad_seq}" if result.first_bad_seq else "a row"
        print(f"FAILED at {where}: {result.reason}")
        for extra in result.problems[1:20]:
            print(f"  also: {extra}")
        if len(result.problems) > 20:
            print(f"  … and {len(result.problems) - 20} more")
    if not result.ok:
        raise typer.Exit(1)


@audit.command("trace")
def audit_trace(
    record: Annotated[
        str,
        typer.Argument(
            help="A record id, or an identifier: doi:10.…, pmid:…, pmcid:…, accession:…, or a "
            "bare DOI (every source's copy is traced)."
        ),
    ],
    workspace: WorkspaceOpt = Path("."),
    fmt: FormatOpt = "text",
) -> None:
    """Every source, run, request and raw payload a record came from."""
    _check_format(fmt)
    with user_errors(), _open(workspace) as store:
        if record.isdigit():
            ids = [int(record)]
        else:
            ids = store.find(record)
            if not ids:
                print(f"error: no stored record has the identifier {record!r}", file=sys.stderr)
                raise typer.Exit(2)
        traces = [store.trace(i) for i in ids]
    if fmt == "json":
        body = traces[0] if record.isdigit() else {"records": traces}
        print(json.dumps(body, ensure_ascii=False))
        return
    for info in traces:
        _print_trace(info)


def _print_trace(info: dict) -> None:
    print(f"record {info['id']} ({info['source']}, {info['identity']})")
    print(f"  title: {info['title']}")
    print(f"  first stored by event {info['stored_seq']} from payload {info['payload_sha256']}")
    for s in info["sightings"]:
        run = s["run"]
        print(
            f"  {s['status']:<7} run {run['id']} ({run['kind']} {run['source']}, "
            f"{run['started_at']}) page {s['page']['number']}"
        )
        query = run["params"].get("query")
        if query:
            print(f"          query: {query}")
        if s["request"]:
            p = s["request"]["payload"]
            print(
                f"          request  event {s['request']['seq']}: {p.get('method', '')} "
                f"{p.get('url', '')}"
            )
        if s["response"]:
            p = s["response"]["payload"]
            print(f"          response event {s['response']['seq']}: status {p.get('status')}")
        if s["file"]:
            p = s["file"]["payload"]
            searched = p.get("searched") or p.get("searched_on")
            print(
                f"          file     event {s['file']['seq']}: {p.get('name')} "
                f"({p.get('format')}), searched {searched}"
            )
        print(
            f"          payload  {s['payload']['sha256']} ({s['payload']['media_type']}, "
            f"{s['payload']['size']} bytes)"
        )
