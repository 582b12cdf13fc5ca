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
    directory: str | Path,
    *,
    seed: Path = SEED,
    shared: Path = SHARED,
    cassettes: Path = REPO / "cassettes",
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
        _harvest_from_cassettes(store, review, cassettes)
        _deduplicate(store, ws, review)
    return ws


@dataclass(frozen=True)
class ExampleHarvest:
    """One seed source harvested by replaying a cassette built from its REAL recorded pages."""

    source: str  # the review's source key
    cassette: str  # cassettes/<name>.json
    env: tuple[tuple[str, str], ...]  # the credential names the client needs (values are dummies)


HARVESTS: tuple[ExampleHarvest, ...] = (
    ExampleHarvest("scopus", "scopus-search", (("ELSEVIER_API_KEY", "cassette"),)),
    ExampleHarvest("medline", "pubmed-eutils.derived", ()),
)


class _Replay:
    """An httpx transport answering with a cassette's recorded responses, in order.

    It never reaches the network: a request past the end of the recording gets a 599 with a note,
    which the harvest records as a failed or resumable run like any other fault.
    """

    def __init__(self, path: Path):
        import json

        self.interactions = json.loads(path.read_text(encoding="utf-8"))["interactions"]
        self.sent = 0

    def __call__(self, request):
        import httpx

        if self.sent >= len(self.interactions):
            return httpx.Response(599, text="past the end of the recorded cassette")
        recorded = self.interactions[self.sent]["response"]
        self.sent += 1
        return httpx.Response(
            recorded["status"],
            content=recorded["body"].encode("utf-8"),
            headers={"content-type": recorded["content_type"]},
        )


def _harvest_from_cassettes(store, review, cassettes: Path) -> None:
    """Harvest the seed's API sources as `trawl harvest` does, the API answered by cassettes."""
    try:
        import httpx

        from trawl.sources.harvest import harvest_source, limits_of, plan_for
        from trawl.sources.http import Http, RetryPolicy
    except ImportError:
        return
    for item in HARVESTS:
        path = cassettes / f"{item.cassette}.json"
        if not path.is_file():
            continue
        replay = _Replay(path)
        env = dict(item.env)
        once = RetryPolicy(attempts=1, initial=0.0, maximum=0.0, retry_after_cap=0.0)
        with Http(
            retry=once, transport=httpx.MockTransport(replay), sleep=lambda s: None, env=env
        ) as http:
            harvest_source(
                store,
                plan_for(review, item.source),
                limits_of(review),
                http,
                env=env,
                max_pages=len(replay.interactions),
            )


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
