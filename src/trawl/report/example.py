"""The seed review's example workspace and its report: ``docs/example-report.md``.

``python -m trawl.report.example`` rebuilds a workspace for the seed review
(strategy/psw-coproduction) in a temporary directory from REAL recorded material only: export
files a person downloaded (../shared/fixtures/exports) go in through the importer, and API pages
recorded in cassettes/ go in through the harvest, where those parts are present. Then it writes
the Markdown report to docs/example-report.md. The report's tests build the same workspace.

This needs a checkout (the seed review, cassettes/ and ../shared beside it); it is not part of
what an installed trawl does for a user.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SEED = REPO / "strategy" / "psw-coproduction"
SHARED = REPO.parent / "shared"
SEED_FILES = ("review.toml", "strategy.ovid", "as-published.txt")


@dataclass(frozen=True)
class ExampleImport:
    """One real export file imported as if a person had downloaded it from a seed source."""

    source: str  # the review's source key
    fixture: str  # path under ../shared/fixtures/exports
    why: str


# Real exports from the platforms the seed review searches by hand (route = "export"). The
# records are not the seed review's (no real export of it exists); they stand in for them.
IMPORTS: tuple[ExampleImport, ...] = (
    ExampleImport(
        "psycinfo",
        "ovid/_baseline_psychInfo_ovid.ris",
        "Ovid APA PsycInfo RIS export: the platform the protocol searched PsycINFO on",
    ),
    ExampleImport("cinahl", "ebsco/_baseline_cinahl.ris", "EBSCOhost CINAHL RIS export"),
)
SEARCHED = "2021-01-04"  # the protocol's last search date (review.toml cutoff)


def build_example_workspace(
    directory: str | Path, *, seed: Path = SEED, shared: Path = SHARED
) -> Path:
    """A seed-review workspace in ``directory`` (created; must not exist), filled from recordings."""
    from trawl.review import Review
    from trawl.sources.imports import Query, default_query, import_file
    from trawl.store import Store

    ws = Path(directory)
    ws.mkdir(parents=True)
    for name in SEED_FILES:
        shutil.copy(seed / name, ws / name)
    review = Review.load(ws)
    with Store.create(ws / "store.sqlite") as store:
        for item in IMPORTS:
            notes: list = []
            query = default_query(item.source, review, notes)
            if query.text is None:
                query = Query(None, "none")
            import_file(
                store,
                shared / "fixtures" / "exports" / item.fixture,
                source=item.source,
                searched=SEARCHED,
                query=query,
            )
        _harvest_from_cassettes(store, review)
        _deduplicate(store, ws, review)
    return ws


def _harvest_from_cassettes(store, review) -> None:
    """Replay recorded API pages through the harvest, where the harvest part provides it."""
    try:
        from trawl.sources.replay import harvest_example  # type: ignore[attr-defined]
    except ImportError:
        return
    harvest_example(store, review, cassettes=REPO / "cassettes")


def _deduplicate(store, ws: Path, review) -> None:
    """Run the deduplication as `trawl dedup` does, so the PRISMA counts have data."""
    try:
        from trawl.dedup.overrides import FILE_NAME
        from trawl.dedup.persist import run_dedup
    except ImportError:
        return
    run_dedup(store, ws / FILE_NAME, languages=review.languages or ("english",))


def write_example_report(out: Path, *, fmt: str = "md") -> Path:
    """Build the workspace in a temporary directory and write its report to ``out``.

    The temporary workspace's path is shown as the seed review's, whose copy it is.
    """
    from trawl.report.data import gather
    from trawl.report.html import render_html
    from trawl.report.markdown import render_markdown

    with tempfile.TemporaryDirectory(prefix="trawl-example-") as tmp:
        ws = build_example_workspace(Path(tmp) / "psw-coproduction")
        data = gather(workspace=ws)
        text = render_markdown(data) if fmt == "md" else render_html(data)
        text = text.replace(str(ws), "strategy/psw-coproduction")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default=str(REPO / "docs" / "example-report.md"))
    parser.add_argument("--format", choices=("md", "html"), default="md")
    args = parser.parse_args(argv)
    print(f"wrote {write_example_report(Path(args.out), fmt=args.format)}")


if __name__ == "__main__":
    main()
