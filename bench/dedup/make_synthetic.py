"""Generate a labelled benchmark of any size from the real fixtures, with a seed.

    python bench/dedup/make_synthetic.py --records 80000 --seed 1 \
        --out bench/dedup/data/synthetic_80k.csv [--hard]

Works are invented from the real exports' material (a word-bigram model of their titles, their
surnames, journals and years), so titles read like titles and near-misses are as common as in a
topical search. Each work is then "found" in one to five databases, each copy written the way
that database writes it (WoS upper case and abbreviations, Scopus initials, Google Scholar's cut
titles and missing DOIs ...) and perturbed: typos, missing DOIs, abbreviated journals, reordered
or truncated author lists, online-first years, compressed page ranges, markup. A share of works
get a *sibling* that is a different work and looks alike (part 1 / part 2, an erratum, the
protocol of the trial, the same title in another year, one word changed). Some databases hold a
work twice. ``--hard`` doubles every perturbation rate.

The ``group`` column is the work: the ground truth.
"""

from __future__ import annotations

import argparse
import random
import re
import string
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import COLUMNS, write_rows  # noqa: E402
from label_fixtures import load  # noqa: E402

SOURCES = ["pubmed", "embase", "scopus", "wos", "psycinfo", "cinahl", "google-scholar"]
COPIES = [(1, 0.46), (2, 0.28), (3, 0.15), (4, 0.08), (5, 0.03)]
STOP = {"of", "the", "and", "for", "in", "on", "a", "an", "to", "with"}


class Material:
    """What the real fixtures give us to invent works from."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        starts: Counter[str] = Counter()
        follow: dict[str, Counter[str]] = defaultdict(Counter)
        surnames: Counter[str] = Counter()
        journals: Counter[str] = Counter()
        years: Counter[int] = Counter()
        for _, _, r in load():
            if r.title:
                words = re.findall(r"[A-Za-z][A-Za-z'-]*|\d+", r.title)
                if len(words) >= 4:
                    starts[words[0]] += 1
                    for x, y in zip(words, words[1:] + ["</s>"], strict=True):
                        follow[x.lower()][y] += 1
            for a in r.authors:
                name = a.family.split(",")[0].strip()
                if name.isalpha() and len(name) > 1:
                    surnames[name.capitalize()] += 1
            if r.journal and not r.journal.isupper():
                journals[r.journal] += 1
            if r.year and 1950 < r.year < 2025:
                years[r.year] += 1
        self.starts = list(starts)
        self.start_w = list(starts.values())
        self.follow = {k: (list(v), list(v.values())) for k, v in follow.items()}
        self.surnames, self.surname_w = list(surnames), list(surnames.values())
        self.journals = list(journals)
        self.years, self.year_w = list(years), list(years.values())

    def title(self) -> str:
        rng = self.rng
        words = [rng.choices(self.starts, self.start_w)[0]]
        target = rng.randint(6, 18)
        for _ in range(60):  # bounded: a word may only ever end titles
            nxt = self.follow.get(words[-1].lower())
            if not nxt or len(words) >= 24:
                break
            w = rng.choices(*nxt)[0]
            if w == "</s>":
                if len(words) >= target or len(nxt[0]) == 1:
                    break
                continue
            words.append(w)
        text = " ".join(words)
        if rng.random() < 0.3:
            text += ": " + self.title_fragment()
        return text[0].upper() + text[1:]

    def title_fragment(self) -> str:
        return self.rng.choice(["a systematic review", "a randomised controlled trial",
                                "a qualitative study", "a cohort study", "results of a pilot",
                                "a scoping review", "a cross-sectional survey",
                                "findings from a national sample", "a mixed-methods evaluation"])

    def authors(self) -> list[tuple[str, str]]:
        n = min(12, 1 + int(self.rng.expovariate(0.35)))
        return [(self.rng.choices(self.surnames, self.surname_w)[0],
                 " ".join(self.rng.choice(string.ascii_uppercase) + "." for _ in range(self.rng.randint(1, 2))))
                for _ in range(n)]


def abbreviate(journal: str, rng: random.Random) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", journal) if w.lower() not in STOP]
    out = []
    for w in words:
        if len(w) > 5:
            cut = rng.randint(3, 5)
            out.append(w[:cut])
        else:
            out.append(w)
    return " ".join(out)


def typo(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 2)):
        letters = [i for i, c in enumerate(text) if c.isalpha()]
        if not letters:
            return text
        i = rng.choice(letters)
        op = rng.random()
        if op < 0.3:
            text = text[:i] + text[i + 1 :]
        elif op < 0.6:
            text = text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]
        elif op < 0.8 and i + 1 < len(text):
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        else:
            text = text[:i] + rng.choice(string.ascii_lowercase) + text[i:]
    return text


class Generator:
    def __init__(self, seed: int, hard: bool):
        self.rng = random.Random(seed)
        self.m = Material(self.rng)
        self.k = 2.0 if hard else 1.0
        self.titles: set[str] = set()
        self.doi_n = 0
        self.pmid_n = 10_000_000

    def p(self, rate: float) -> bool:
        return self.rng.random() < rate * self.k

    def work(self) -> dict:
        rng = self.rng
        while True:
            title = self.m.title()
            key = re.sub(r"\W+", " ", title.lower()).strip()
            if key not in self.titles:
                self.titles.add(key)
                break
        year = rng.choices(self.m.years, self.m.year_w)[0]
        start = rng.randint(1, 2000)
        self.doi_n += 1
        self.pmid_n += rng.randint(1, 50)
        return {
            "title": title,
            "authors": self.m.authors(),
            "journal": rng.choice(self.m.journals),
            "year": year,
            "volume": str(rng.randint(1, 300)),
            "issue": str(rng.randint(1, 12)),
            "pages": f"{start}-{start + rng.randint(4, 20)}",
            "doi": f"10.{rng.randint(1000, 9999)}/trawl.{year}.{self.doi_n}" if rng.random() < 0.85 else "",
            "pmid": str(self.pmid_n) if rng.random() < 0.5 else "",
            "languages": "English" if rng.random() < 0.96 else rng.choice(["Norwegian", "German", "French", "Spanish"]),
            "publication_types": "Journal Article" if rng.random() < 0.93 else rng.choice(["Editorial", "Conference Abstract", "Comment"]),
        }

    def sibling(self, w: dict) -> tuple[dict, dict]:
        """A different work that looks like ``w``; may rewrite ``w`` too (part 1 / part 2)."""
        rng = self.rng
        s = dict(w)
        self.doi_n += 1
        self.pmid_n += 1
        s["doi"] = f"10.{rng.randint(1000, 9999)}/trawl.{w['year']}.{self.doi_n}" if w["doi"] else ""
        s["pmid"] = str(self.pmid_n) if w["pmid"] else ""
        start = rng.randint(1, 2000)
        s["pages"] = f"{start}-{start + rng.randint(4, 20)}"
        kind = rng.choice(["part", "erratum", "protocol", "other-year", "one-word"])
        if kind == "part":
            w = dict(w, title=w["title"] + ", part 1")
            s["title"] = s["title"] + ", part 2"
        elif kind == "erratum":
            s["title"] = "Erratum: " + w["title"]
            s["pages"] = str(start)
            s["publication_types"] = "Published Erratum"
        elif kind == "protocol":
            s["title"] = w["title"].split(":")[0] + ": study protocol"
            s["year"] = w["year"] - rng.randint(1, 3)
        elif kind == "other-year":
            s["year"] = w["year"] + rng.choice([-4, -3, -2, 2, 3, 4])
            s["journal"] = rng.choice(self.m.journals)
            s["volume"] = str(rng.randint(1, 300))
        else:
            words = s["title"].split()
            i = rng.randrange(len(words))
            words[i] = rng.choice(["adults", "adolescents", "women", "children", "veterans",
                                   "nurses", "carers", "students", "older", "rural"])
            s["title"] = " ".join(words)
        key = re.sub(r"\W+", " ", s["title"].lower()).strip()
        self.titles.add(key)
        return w, s

    def copy(self, w: dict, source: str) -> dict:
        """One database's record of work ``w``."""
        rng, p = self.rng, self.p
        title, journal = w["title"], w["journal"]
        authors = list(w["authors"])
        doi, pmid, year, pages = w["doi"], w["pmid"], w["year"], w["pages"]
        volume, issue = w["volume"], w["issue"]
        if source == "pubmed":
            title += "."
            authors = [(f, g.replace(".", "").replace(" ", "")) for f, g in authors]
        elif source == "wos":
            if year < 1995 or p(0.3):
                title = title.upper()
            journal = journal.upper()
            authors = [(f.upper(), g.replace(".", "").replace(" ", "")) for f, g in authors]
            pmid = ""
        elif source == "google-scholar":
            doi = "" if rng.random() < 0.9 else doi
            pmid = ""
            if rng.random() < 0.3:
                cut = int(len(title) * rng.uniform(0.6, 0.9))
                title = title[:cut].rstrip() + "…"
            authors = authors[:3]
            journal = journal[: rng.randint(10, 30)] + "…" if rng.random() < 0.5 else journal
            volume = issue = pages = ""
        elif source in ("psycinfo", "cinahl"):
            pmid = pmid if rng.random() < 0.5 else ""
        if source != "google-scholar":
            if doi and p({"pubmed": 0.08, "scopus": 0.04, "wos": 0.15}.get(source, 0.2)):
                doi = ""
            if p(0.08):
                title = typo(title, rng)
            if p(0.02):
                words = title.split(" ")
                i = rng.randrange(len(words))
                words[i] = f"<i>{words[i]}</i>"
                title = " ".join(words)
            if p(0.03):
                title = title.replace("ise", "ize").replace("our", "or")
            if p(0.02) and ":" in title:
                title = title.split(":")[0]
            if p(0.25):
                journal = abbreviate(journal, rng)
            if p(0.04):
                year += 1
            if "-" in pages and p(0.3):
                a, b = pages.split("-")
                common = 0
                while common < len(a) - 1 and a[common] == b[common]:
                    common += 1
                pages = f"{a}-{b[common:]}"
            if p(0.12):
                pages = ""
            if p(0.01) and len(authors) > 1:
                authors[0], authors[1] = authors[1], authors[0]
            if p(0.03):
                authors = authors[:1]
            if doi and p(0.2):
                doi = "https://doi.org/" + doi.upper()
        return {
            "source": source,
            "title": title,
            "authors": "; ".join(f"{f}, {g}" for f, g in authors),
            "journal": journal,
            "year": year,
            "volume": volume,
            "issue": issue,
            "pages": pages,
            "doi": doi,
            "pmid": pmid,
            "languages": w["languages"],
            "publication_types": w["publication_types"],
        }

    def generate(self, n_records: int) -> list[dict]:
        rng = self.rng
        rows: list[dict] = []
        group = 0
        while len(rows) < n_records:
            works = [self.work()]
            if rng.random() < 0.04:
                works = list(self.sibling(works[0]))
            for w in works:
                group += 1
                k = rng.choices([c for c, _ in COPIES], [wt for _, wt in COPIES])[0]
                sources = rng.sample(SOURCES, k)
                if rng.random() < 0.02:
                    sources.append(sources[0])  # the same work twice in one export
                for s in sources:
                    row = self.copy(w, s)
                    row["group"] = f"w{group}"
                    rows.append(row)
        rows = rows[:n_records]
        rng.shuffle(rows)
        for i, row in enumerate(rows, start=1):
            row["record_id"] = i
            row["accession"] = f"{row['source']}-{i}"
        return [{c: row.get(c, "") for c in COLUMNS} for row in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=80_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hard", action="store_true", help="double every perturbation rate")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    rows = Generator(args.seed, args.hard).generate(args.records)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_rows(args.out, rows)
    works = len({r["group"] for r in rows})
    print(f"wrote {args.out}: {len(rows)} records, {works} works, {len(rows) - works} duplicates")


if __name__ == "__main__":
    main()
