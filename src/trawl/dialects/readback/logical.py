"""A normalised logical form of a query, so that "same meaning" is equality.

Both the original Ovid strategy and a rendering read back by a reader are mapped to nested
tuples (hashable, sortable) in which the accidents of syntax are gone:

* ``and``/``or`` children are flattened, de-duplicated and sorted; a one-child group is its child;
* field codes become the set of *concepts* they search (``ti``, ``ab``, ``kw`` author keywords,
  ``hw`` index terms/heading words, ``kp`` Keywords Plus, ``mp`` Ovid multi-purpose, ``all``, or a
  platform-specific set such as ``pubmed:tw``), per each syntax's field table below, citing the
  dialect reference; a field on a group is pushed down to the leaves it applies to;
* the same text searched in several fields and OR-ed (``TI x OR AB x``) is one leaf with the union
  of the fields, which is how Ovid's ``x.ti,ab.`` reads;
* proximity with OR-groups inside is expanded into an OR of proximity between single operands
  (``(a or b) adj3 c`` = ``a adj3 c or b adj3 c``), and ordered adjacency of plain words is a
  phrase (Ovid ``a adj b`` = ``"a b"``);
* headings with several subheadings are an OR of one heading per subheading (pubmed.md §12.9);
* limits are ``filter`` leaves AND-ed with what they limit; years become ``(first, last)``.

`compare(expected, actual)` then lists the differences between the Ovid meaning (projected onto
a target by `project`) and the read-back meaning, each with the kind of loss that explains it,
so a test can demand the renderer's diagnostic for every kind found.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from trawl.query.ast import (
    Bool,
    Fielded,
    Heading,
    Limit,
    LineRange,
    LineRef,
    Near,
    Node,
    Phrase,
    Strategy,
    Term,
)

LF = tuple  # a logical-form node; see the module docstring

# --- field tables: native code -> concepts searched ------------------------------------------
TIAB = frozenset({"ti", "ab"})


def _fs(*names: str) -> frozenset[str]:
    return frozenset(names)


@dataclass(frozen=True)
class Syntax:
    """What a syntax's field codes mean. ``filters`` maps codes to filter kinds."""

    name: str
    fields: dict[str, frozenset[str]]
    filters: dict[str, str]
    default: frozenset[str]  # concepts an unfielded word searches
    heading_fields: frozenset[str] = frozenset()  # codes that make a heading (Ovid .sh.)


SYNTAXES: dict[str, Syntax] = {
    # ovid.md §2, §3: .tw. = title+abstract; .kf./.kw. author keywords; .mp. is its own set.
    "ovid": Syntax(
        "ovid",
        {"ti": _fs("ti"), "ab": _fs("ab"), "kf": _fs("kw"), "kw": _fs("kw"), "id": _fs("kw"),
         "tw": TIAB, "mp": _fs("mp"), "af": _fs("all"), "hw": _fs("hw"), "ot": _fs("kw")},
        {"lg": "language", "la": "language", "yr": "year", "pt": "publication-type",
         "ed": "entry-date", "dc": "entry-date"},
        _fs("mp"),
        frozenset({"sh"}),
    ),
    # pubmed.md §1: [tiab] includes author keywords (OT); [tw] adds MeSH, PT, substances...;
    # untagged words go through Automatic Term Mapping (§2).
    "pubmed": Syntax(
        "pubmed",
        {"ti": _fs("ti"), "ab": _fs("ab"), "tiab": _fs("ti", "ab", "kw"), "ot": _fs("kw"),
         "tw": _fs("pubmed:tw"), "all": _fs("all")},
        {"la": "language", "dp": "year", "pdat": "year", "pt": "publication-type",
         "edat": "entry-date", "crdt": "entry-date", "mhda": "entry-date", "sb": "subset"},
        _fs("pubmed:atm"),
    ),
    # scopus.md §2: KEY = AUTHKEY + INDEXTERMS + TRADENAME + CHEMNAME.
    "scopus": Syntax(
        "scopus",
        {"title": _fs("ti"), "abs": _fs("ab"), "authkey": _fs("kw"), "key": _fs("kw", "hw"),
         "indexterms": _fs("hw"), "title-abs": TIAB, "title-abs-key": _fs("ti", "ab", "kw", "hw"),
         "title-abs-key-auth": _fs("ti", "ab", "kw", "hw", "au"), "all": _fs("all")},
        {"language": "language", "pubyear>": "year", "pubyear<": "year", "pubyear=": "year",
         "pubyearaft": "year", "pubyearbef": "year", "pubyearis": "year",
         "doctype": "publication-type", "orig-load-date>": "entry-date",
         "orig-load-date<": "entry-date"},
        _fs("scopus:default"),
    ),
    # wos.md §2: TS = title, abstract, author keywords, Keywords Plus.
    "wos": Syntax(
        "wos",
        {"ti": _fs("ti"), "ab": _fs("ab"), "ak": _fs("kw"), "kp": _fs("kp"),
         "ts": _fs("ti", "ab", "kw", "kp"), "all": _fs("all")},
        {"la": "language", "py": "year", "dop": "year", "dt": "publication-type",
         "ld": "entry-date"},
        _fs("wos:default"),
    ),
    # ebsco.md §2: no code = the database's default fields; SU/MW = subject words; TX all text.
    "ebsco": Syntax(
        "ebsco",
        {"ti": _fs("ti"), "ab": _fs("ab"), "kw": _fs("kw"), "su": _fs("hw"), "mw": _fs("hw"),
         "tx": _fs("all")},
        {"la": "language", "dt": "year", "yr": "year", "pt": "publication-type",
         "em": "entry-date"},
        _fs("ebsco:default"),
    ),
}

LANGUAGE_CODES = {"eng": "english", "ger": "german", "fre": "french", "spa": "spanish",
                  "ita": "italian", "jpn": "japanese", "chi": "chinese", "nor": "norwegian",
                  "dan": "danish", "swe": "swedish", "dut": "dutch", "por": "portuguese"}
OPEN_END = 2999  # PubMed practice writes 3000 for "to the present" (pubmed.md §7)
MAX_EXPANSION = 64  # proximity OR-expansion beyond this stays unexpanded


# --- normalising --------------------------------------------------------------------------


def _text_key(text: str) -> str:
    return " ".join(text.strip().strip("\"'").split()).casefold()


def _year_range(kind_code: str, value: str) -> tuple[int | None, int | None]:
    """A year range from a date filter's value, at year precision."""
    # 4-digit years and 8-digit yyyymmdd dates; 2-digit months and days are skipped.
    years = [int(n[:4]) for n in re.findall(r"\d+", value) if len(n) in (4, 8)]
    if kind_code.endswith(">") or kind_code.endswith("aft"):
        return (years[0] + 1, None) if years else (None, None)
    if kind_code.endswith("<") or kind_code.endswith("bef"):
        if not years or years[0] - 1 >= OPEN_END:
            return (None, None)
        return (None, years[0] - 1)
    if not years:
        return (None, None)
    lo = years[0]
    hi = years[1] if len(years) > 1 else (None if re.search(r"current|present", value, re.I)
                                           or re.search(r"[-:]\s*$", value) else years[0])
    if hi is not None and hi >= OPEN_END:
        hi = None
    return (lo, hi)


def _dates(value: str) -> list[str]:
    """Dates in a filter value as digit strings: ``1950-01-01/2012-06-26``, ``19500101-20120626``,
    ``195001-201206`` (EBSCO EM) and ``1950/01/01:2012/06/26`` all give two dates."""
    out: list[str] = []
    for run in re.findall(r"\d+", value):
        if len(run) == 2 and out and len(out[-1]) < 8:
            out[-1] += run  # month or day of the date being read
        elif len(run) in (4, 6, 8):
            out.append(run)
    return out


def _date_range(value: str, code: str = "") -> tuple[int | None, int | None]:
    """An entry-date range at MONTH precision (yyyymm), from any platform's spelling.

    Month precision because EBSCO's EM field has no days (ebsco.md §2); a renderer that rounds
    a day to its month works at the platform's precision rather than changing the meaning.
    Scopus compares strictly (``ORIG-LOAD-DATE > 19391231``), so the day after is the start.
    """
    from datetime import date, timedelta

    months: list[int] = []
    for d in _dates(value):
        if len(d) == 8 and code[-1:] in (">", "<"):
            day = date(int(d[:4]), int(d[4:6]), int(d[6:]))
            day += timedelta(days=1 if code.endswith(">") else -1)
            d = day.strftime("%Y%m%d")
        months.append(int((d + "01")[:6]))
    if not months:
        return (None, None)
    if code.endswith(">") or code.endswith("aft"):
        return (months[0], None)
    if code.endswith("<") or code.endswith("bef"):
        return (None, months[0])
    return (months[0], months[1] if len(months) > 1 else None)


def _filter_leaf(kind: str, code: str, child: Node) -> LF:
    text = _flat_text(child)
    if kind == "language":
        key = _text_key(text)
        return ("filter", "language", LANGUAGE_CODES.get(key, key))
    if kind == "year":
        return ("filter", "year", _year_range(code, text))
    if kind == "entry-date":
        return ("filter", "entry-date", _date_range(text, code))
    return ("filter", kind, _text_key(text))


def _flat_text(node: Node) -> str:
    if isinstance(node, Term):
        return node.text
    if isinstance(node, Phrase):
        return " ".join(w.text for w in node.words)
    if isinstance(node, Fielded):
        return _flat_text(node.child)
    if isinstance(node, Bool):
        return " ".join(_flat_text(k) for k in node.children)
    return ""


def _sort(children: list[LF]) -> tuple[LF, ...]:
    return tuple(sorted(set(children), key=repr))


def _group(op: str, children: list[LF]) -> LF:
    flat: list[LF] = []
    for kid in children:
        if kid[0] == op:
            flat.extend(kid[1])
        else:
            flat.append(kid)
    if op == "or":
        flat = _merge_fields(flat)
    if op == "and":
        flat = _merge_years(flat)
    kids = _sort(flat)
    return kids[0] if len(kids) == 1 else (op, kids)


def _merge_fields(children: list[LF]) -> list[LF]:
    """OR of one text searched in several fields = one leaf with the union of the fields."""
    merged: dict[tuple, set[str]] = {}
    order: list[LF] = []
    for kid in children:
        if kid[0] == "text":
            key = kid[1]
            if key not in merged:
                merged[key] = set()
                order.append(("text", key))
            merged[key] |= set(kid[2])
        else:
            order.append(kid)
    return [("text", k[1], tuple(sorted(merged[k[1]]))) if k[0] == "text" else k for k in order]


def _merge_years(children: list[LF]) -> list[LF]:
    """``PUBYEAR > 1999 AND PUBYEAR < 2022`` = one year range (and so for entry dates)."""
    for kind in ("year", "entry-date"):
        ranges = [k for k in children if k[:2] == ("filter", kind)]
        if len(ranges) < 2:
            continue
        lo = max((y[2][0] for y in ranges if y[2][0] is not None), default=None)
        hi = min((y[2][1] for y in ranges if y[2][1] is not None), default=None)
        children = [k for k in children if k[:2] != ("filter", kind)]
        children.append(("filter", kind, (lo, hi)))
    return children


@dataclass
class Normaliser:
    """Maps an AST (original or read back) of one syntax to the logical form.

    ``resolve`` turns a line number into that line's AST (None: keep the reference).
    """

    syntax: Syntax
    resolve: Callable[[int], Node | None] = lambda n: None
    # Keep one proximity's pairwise expansion together as ("nearset", leaves) so `project` can
    # decide for the whole expression whether the target can hold it (Ovid side only).
    mark_near: bool = False
    _seen: set[int] = field(default_factory=set)

    def __call__(self, node: Node) -> LF:
        return self.norm(node, None)

    def _concepts(self, codes: tuple[str, ...]) -> frozenset[str]:
        out: set[str] = set()
        for code in codes:
            out |= self.syntax.fields.get(code, {f"{self.syntax.name}:{code}"})
        return frozenset(out)

    def norm(self, node: Node, fields: frozenset[str] | None, in_near: bool = False) -> LF:
        match node:
            case Fielded(fields=codes, child=child):
                filters = [self.syntax.filters[c] for c in codes if c in self.syntax.filters]
                if filters:
                    if isinstance(child, Bool):  # (a or b).pt. = a.pt. or b.pt.
                        return self.norm(Bool(child.op, tuple(Fielded(codes, k)
                                                              for k in child.children)), fields)
                    return _filter_leaf(filters[0], codes[0], child)
                if any(c in self.syntax.heading_fields for c in codes):
                    if isinstance(child, Bool):  # (a or b).sh. = a.sh. or b.sh.
                        return self.norm(Bool(child.op, tuple(Fielded(codes, k)
                                                              for k in child.children)), fields)
                    return self.norm(Heading("mesh", _flat_text(child)), None)
                return self.norm(child, self._concepts(codes), in_near)
            case Bool(op="not", children=(left, right)):
                return ("not", self.norm(left, fields, in_near), self.norm(right, fields, in_near))
            case Bool(op=op, children=kids):
                return _group(op, [self.norm(k, fields, in_near) for k in kids])
            case Term(text=text):
                return self._leaf(("term", _text_key(text)), fields, in_near)
            case Phrase(words=words):
                if len(words) == 1:
                    return self.norm(words[0], fields, in_near)
                return self._leaf(("phrase", tuple(_text_key(w.text) for w in words)), fields,
                                  in_near)
            case Near():
                return self._near(node, fields, in_near)
            case Heading():
                return self._heading(node)
            case LineRef(number=n):
                return self._ref(n, fields)
            case LineRange(op=op, numbers=numbers):
                return _group(op, [self._ref(n, fields) for n in numbers])
            case Limit(child=child, filters=filters):
                kids = [self.norm(child, fields)]
                for f in filters:
                    kids.append(self._filter(f))
                return _group("and", kids)
        raise TypeError(f"cannot normalise {type(node).__name__}")

    def _leaf(self, content: tuple, fields: frozenset[str] | None, in_near: bool) -> LF:
        if in_near:
            return ("text", content, ())
        return ("text", content, tuple(sorted(fields if fields is not None
                                              else self.syntax.default)))

    def _near(self, node: Near, fields: frozenset[str] | None, in_near: bool) -> LF:
        operands = [self.norm(op, None, in_near=True) for op in node.operands]
        choices = [list(op[1]) if op[0] == "or" else [op] for op in operands]
        size = 1
        for c in choices:
            size *= len(c)
        if size > MAX_EXPANSION:
            combos = [tuple(operands)]
        else:
            combos = list(itertools.product(*choices))
        leaves = [self._near_leaf(combo, node.distance, node.ordered, fields, in_near)
                  for combo in combos]
        if self.mark_near and not in_near:
            # The AND of the operands: what a target without this proximity falls back to.
            fallback = _group("and", [self.norm(op, fields) for op in node.operands])
            return ("nearset", _sort(leaves), fallback)
        return _group("or", leaves)

    def _near_leaf(self, operands: tuple[LF, ...], distance: int, ordered: bool,
                   fields: frozenset[str] | None, in_near: bool) -> LF:
        plain = all(op[0] == "text" and op[1][0] in ("term", "phrase") for op in operands)
        if plain and distance == 0 and ordered:
            words: list[str] = []
            for op in operands:
                words.extend([op[1][1]] if op[1][0] == "term" else op[1][1])
            return self._leaf(("phrase", tuple(words)), fields, in_near)
        if plain and distance == 0 and not ordered and len(operands) == 2:
            # adjacent in either order = the phrase or its reverse (comparison.md §2, adj1)
            a, b = (self._words_of(op) for op in operands)
            return _group("or", [self._leaf(("phrase", a + b), fields, in_near),
                                 self._leaf(("phrase", b + a), fields, in_near)])
        if not ordered:
            operands = tuple(sorted(operands, key=repr))
        return self._leaf(("near", distance, ordered, operands), fields, in_near)

    @staticmethod
    def _words_of(op: LF) -> tuple[str, ...]:
        return (op[1][1],) if op[1][0] == "term" else tuple(op[1][1])

    def _heading(self, h: Heading) -> LF:
        subs = h.subheadings or ("",)
        # pubmed.md §1: parentheses in a MeSH term are written as spaces, so ignore them.
        label = _text_key(re.sub(r"[()]", " ", h.label))
        leaves = [("heading", h.vocabulary, label, h.explode, h.major, s.lower()) for s in subs]
        return _group("or", leaves)

    def _ref(self, n: int, fields: frozenset[str] | None) -> LF:
        if n in self._seen:
            raise ValueError(f"line {n} refers to itself")
        target = self.resolve(n)
        if target is None:
            return ("ref", n)
        self._seen.add(n)
        try:
            return self.norm(target, fields)
        finally:
            self._seen.discard(n)

    def _filter(self, f) -> LF:
        if f.kind == "language":
            vals = tuple(sorted({_text_key(v) for v in f.values}))
            return ("filter", "language", vals[0]) if len(vals) == 1 else \
                _group("or", [("filter", "language", v) for v in vals])
        if f.kind == "year":
            start, end = (f.values + ("current",))[:2]
            lo = int(start) if str(start).isdigit() else None
            hi = int(end) if str(end).isdigit() else None
            return ("filter", "year", (lo, hi))
        if f.kind == "entry-date":
            return ("filter", "entry-date", _date_range(" ".join(f.values)))
        if f.kind in ("humans", "animals"):
            return ("filter", f.kind, "")
        return ("filter", f.kind, _text_key(f.raw))


def strategy_form(strategy: Strategy, line: int | None = None) -> LF:
    """The logical form of a strategy's final line (or line ``line``), references inlined."""
    numbered = strategy.by_number()
    statement = numbered[line] if line is not None else strategy.final
    normalise = Normaliser(SYNTAXES["ovid"], resolve=lambda n: numbered[n].expr if n in numbered
                           else None, mark_near=True)
    return normalise(statement.expr)


def read_form(syntax: str, node: Node, lines: dict[int, Node] | None = None) -> LF:
    """The logical form of a read-back query; ``lines`` resolves history references."""
    lines = lines or {}
    return Normaliser(SYNTAXES[syntax], resolve=lines.get)(node)


# --- projecting the Ovid meaning onto a target ------------------------------------------------

@dataclass(frozen=True)
class Capabilities:
    """What a target can express, from the dialect reference; anything else is a declared loss."""

    vocabulary: str | None  # the heading vocabulary the target searches, None = no headings
    crosswalk: str | None = None  # trawl.vocab target used to map MeSH headings
    optional_wildcard: bool = True  # Ovid ? (zero or one character)
    single_wildcard: bool = True  # Ovid # (exactly one character)
    limited_truncation: bool = False  # Ovid $n / *n
    min_stem: int = 1  # characters before the first wildcard
    near_plain_only: bool = False  # proximity only between plain words (PubMed §6)
    near_fields: frozenset[str] | None = None  # concepts proximity may search, None = any
    near_no_and: bool = False  # no AND inside proximity operands (WoS §4)
    ordered_near: bool = True  # ordered proximity beyond adjacency
    filters: frozenset[str] = frozenset({"language", "year", "entry-date"})  # as query text
    check_tags: bool = False  # humans/animals limits as the vocabulary's check-tag headings


CAPABILITIES: dict[str, Capabilities] = {
    # pubmed.md §4: only *, >= 4 characters before it; §6 proximity: plain words, ti/tiab/ad.
    "pubmed": Capabilities("mesh", optional_wildcard=False, single_wildcard=False, min_stem=4,
                           near_plain_only=True, near_fields=_fs("ti", "ab", "kw"),
                           ordered_near=False, check_tags=True,
                           filters=_fs("language", "year", "publication-type", "entry-date")),
    # scopus.md §6: * and ? (one character); no zero-or-one; no headings (§2, §10.9).
    "scopus": Capabilities(None, optional_wildcard=False),
    # wos.md §6: * ? $, >= 3 characters before; §4 no AND in NEAR operands, no ordered NEAR.
    "wos": Capabilities(None, min_stem=3, near_no_and=True, ordered_near=False),
    # ebsco.md §2: CINAHL Headings via MH; §6 * ? #.
    "cinahl": Capabilities("cinahl", crosswalk="cinahl", check_tags=True),
    "academic-search-elite": Capabilities(None),
}


def project(form: LF, target: str) -> LF:
    """The Ovid logical form as the target can hold it: what the target cannot express becomes
    an ``("any", kind)`` placeholder (the rendering must declare a loss of that kind there), and
    a heading mapped to a broader/narrower term is wrapped in ``("approx", kind, form)``."""
    caps = CAPABILITIES[target]
    return _regroup(_project(form, caps))


def _regroup(form: LF) -> LF:
    """Flatten and re-sort groups after projection (a resolved nearset is an OR again)."""
    tag = form[0]
    if tag in ("and", "or"):
        return _group(tag, [_regroup(k) for k in form[1]])
    if tag == "not":
        return ("not", _regroup(form[1]), _regroup(form[2]))
    if tag == "approx":
        return ("approx", form[1], _regroup(form[2]))
    if tag == "alt":
        return ("alt", form[1], _regroup(form[2]), _regroup(form[3]))
    return form


def _project(form: LF, caps: Capabilities) -> LF:
    tag = form[0]
    if tag == "nearset":  # one proximity expression: the target holds all of it or none
        leaves = [_project(k, caps) for k in form[1]]
        anys = [k for k in leaves if k[0] == "any"]
        if anys:
            return anys[0] if len({k[1] for k in anys}) == 1 else ("any", "proximity")
        # Expressible; a renderer may still fall back to AND (declaring it): both are listed.
        return ("alt", "proximity", ("or", tuple(leaves)), _project(form[2], caps))
    if tag in ("and", "or"):
        kids = tuple(_project(k, caps) for k in form[1])
        kinds = {k[1] for k in kids if k[0] == "any"}
        if len(kinds) == 1 and all(k[0] == "any" for k in kids):
            return kids[0]  # e.g. a proximity the target cannot hold, expanded pairwise
        return (tag, kids)
    if tag == "not":
        return ("not", _project(form[1], caps), _project(form[2], caps))
    if tag == "heading":
        return _project_heading(form, caps)
    if tag == "text":
        return _project_text(form, caps)
    if tag == "filter" and form[1] in ("humans", "animals") and caps.check_tags:
        return _check_tag(form[1], caps)
    if tag == "filter" and form[1] not in caps.filters:
        return ("any", "filter")
    return form


def _check_tag(kind: str, caps: Capabilities) -> LF:
    """``limit N to humans`` as the target vocabulary's check tag (pubmed.md §8: humans[mh];
    the crosswalk's check-tag rows for other vocabularies); exploded or not is the same here,
    as the check tags have no narrower headings that matter."""
    label = "Humans" if kind == "humans" else "Animals"
    if caps.vocabulary != "mesh":
        from trawl.vocab import lookup

        mapping = lookup(label, target=caps.crosswalk) if caps.crosswalk else None
        if mapping is None or mapping.target_label is None:
            return ("any", "filter")
        label = mapping.target_label
    key = _text_key(label)
    return ("oneof", "filter", (("heading", caps.vocabulary, key, True, False, ""),
                                ("heading", caps.vocabulary, key, False, False, "")))


def _project_heading(form: LF, caps: Capabilities) -> LF:
    _, vocab, label, explode, major, sub = form
    if caps.vocabulary is None:
        return ("any", "heading")
    if vocab == caps.vocabulary:
        return form
    if caps.crosswalk is None or vocab != "mesh" or sub:
        return ("any", "heading")
    from trawl.vocab import lookup

    mapping = lookup(label, target=caps.crosswalk)
    if mapping is None or mapping.target_label is None:
        return ("any", "heading")
    mapped = ("heading", caps.vocabulary, _text_key(re.sub(r"[()]", " ", mapping.target_label)),
              explode and mapping.explode, major, "")
    if mapping.relation != "exact" or (explode and not mapping.explode):
        return ("approx", "heading", mapped)
    return mapped


_LIMITED = re.compile(r"\*\d+")


def _words(content: tuple) -> list[str]:
    """Every word a text leaf searches, including the members of OR-groups inside a
    proximity operand (a proximity too large to expand pairwise keeps its groups, and a
    wildcard the target lacks inside one of them is still a wildcard loss)."""
    if content[0] == "term":
        return [content[1]]
    if content[0] == "phrase":
        return list(content[1])
    out: list[str] = []
    for op in content[3]:
        out.extend(_form_words(op))
    return out


def _form_words(form: LF) -> list[str]:
    if form[0] == "text":
        return _words(form[1])
    if form[0] in ("and", "or"):
        return [w for kid in form[1] for w in _form_words(kid)]
    if form[0] == "not":
        return _form_words(form[1]) + _form_words(form[2])
    return ["(group)"]


def _wildcard_ok(word: str, caps: Capabilities) -> bool:
    if _LIMITED.search(word) and not caps.limited_truncation:
        return False
    if "?" in word and not caps.optional_wildcard:
        return False
    if "#" in word and not caps.single_wildcard:
        return False
    first = min((word.index(c) for c in "*?#" if c in word), default=None)
    return first is None or first >= caps.min_stem


def _project_text(form: LF, caps: Capabilities) -> LF:
    _, content, fields = form
    if content[0] == "near":
        _, distance, ordered, operands = content
        plain = all(op[0] == "text" and op[1][0] in ("term", "phrase") for op in operands)
        words = _words(content)
        if caps.near_plain_only and (not plain or any(c in w for w in words for c in "*?#")):
            return ("any", "proximity")
        if caps.near_fields is not None and not set(fields) <= caps.near_fields:
            return ("any", "proximity")
        if caps.near_no_and and any(op[0] in ("and", "not") for op in operands):
            return ("any", "proximity")
        if ordered and not caps.ordered_near:
            return ("any", "proximity")
    if not all(_wildcard_ok(w, caps) for w in _words(content)):
        return ("any", "wildcard")
    return form


# --- comparing --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    """One place where the read-back meaning differs from the projected Ovid meaning.

    ``kind`` is the loss that explains it (fields, heading, wildcard, proximity, filter,
    filter-missing, filter-extra) or ``structure`` when nothing declared can explain it."""

    kind: str
    expected: LF | None
    actual: LF | None
    absorbed: bool = False  # read-back material taken up by a placeholder (e.g. a fallback)


def compare(expected: LF, actual: LF) -> list[Difference]:
    """Every difference between ``expected`` (from `project`) and ``actual`` (from `read_form`)."""
    return _match(expected, actual)


def _match(e: LF, a: LF) -> list[Difference]:
    return list(_match_cached(e, a))


@functools.lru_cache(maxsize=100_000)
def _match_cached(e: LF, a: LF) -> tuple[Difference, ...]:
    """`_match` is pure and the same pairs are compared many times while pairing group
    members, so its results are cached (logical forms are hashable tuples)."""
    return tuple(_match_uncached(e, a))


def _match_uncached(e: LF, a: LF) -> list[Difference]:
    if e == a:
        return []
    if e[0] == "any":
        return [Difference(e[1], e, a)]
    if e[0] == "alt":  # the exact form, or a declared fallback of kind e[1]
        exact = _match(e[2], a)
        if not any(d.kind == "structure" for d in exact):
            return exact
        fallback = _match(e[3], a)
        if not any(d.kind == "structure" for d in fallback):
            return [Difference(e[1], e, a), *fallback]
        return exact
    if e[0] == "oneof":  # several renderings are equally right
        return [] if a in e[2] else [Difference("structure", e, a)]
    if e[0] == "approx":  # a declared approximation: the loss itself, plus any other
        inner = [d for d in _match(e[2], a) if d.kind != "structure"]
        return [Difference(e[1], e, a), *inner]
    if e[0] == "text" and a[0] == "text" and e[1] == a[1]:
        return [Difference("fields", e, a)]
    if e[0] == "heading" and a[0] == "heading" and e[1:3] == a[1:3]:
        return [Difference("heading", e, a)]
    if e[0] == a[0] and e[0] in ("and", "or"):
        return _match_children(list(e[1]), list(a[1]), e, a)
    if e[0] in ("and", "or") and e[0] != a[0]:
        # A group that lost all but one member, each loss declared (a dropped limit, a
        # construct the target cannot hold), is that member.
        kept = [k for k in e[1] if k[0] not in ("any", "filter")]
        if len(kept) == 1:
            gone = [Difference(k[1] if k[0] == "any" else "filter-missing", k, None)
                    for k in e[1] if k is not kept[0]]
            inner = _match(kept[0], a)
            if not any(d.kind == "structure" for d in inner):
                return gone + inner
    if e[0] == a[0] == "not":
        return _match(e[1], a[1]) + _match(e[2], a[2])
    if a[0] in ("and", "or") and e[0] != a[0]:
        # e.g. one expected leaf became an OR of several (a heading's free-text fallback)
        return _match_children([e], list(a[1]), e, a) if a[0] == "or" else \
            [Difference("structure", e, a)]
    return [Difference("structure", e, a)]


def _clean(found: list[Difference]) -> bool:
    return not any(d.kind == "structure" for d in found)


def _take(members: list[LF], pool: list[LF]) -> list[tuple[LF, LF]] | None:
    """Pair every member with an element of ``pool`` without an unexplained difference.
    Elements may be shared: ``a OR a`` is ``a`` (and ``a AND a`` is ``a``), but a member
    whose placeholder could absorb read-back material (``any AND x`` matches every AND that
    holds x) must not take the element another member needs: members with the fewest clean
    candidates choose first, preferring an untaken element and the least absorption."""
    options: list[list[LF]] = []
    for m in members:
        if m in pool:
            options.append([m])
            continue
        found = [(sum(d.absorbed for d in f), len(f), i, c) for i, c in enumerate(pool)
                 if _clean(f := _match(m, c))]
        if not found:
            return None
        options.append([c for *_, c in sorted(found, key=lambda t: t[:3])])
    pairs: list[tuple[LF, LF]] = []
    taken: list[LF] = []
    for n in sorted(range(len(members)), key=lambda n: (len(options[n]), n)):
        choice = next((c for c in options[n] if c not in taken), options[n][0])
        taken.append(choice)
        pairs.append((members[n], choice))
    return pairs


def _removed(group: LF, kept: LF) -> list[Difference]:
    return [Difference(k[1] if k[0] == "any" else "filter-missing", k, None)
            for k in group[1] if k is not kept]


def _assign(kids: list[LF], candidates: Callable[[], list[LF]],
            consume: Callable[[list[tuple[LF, LF]]], None], absorbing: bool) -> list[LF]:
    """Pair each member with its cleanest candidate; members with the fewest clean candidates
    choose first, so a member that fits only one candidate is not robbed of it. Returns the
    members left unpaired."""
    options: dict[int, list[tuple[int, int, LF]]] = {}
    pool = candidates()
    for n, kid in enumerate(kids):
        options[n] = sorted(
            ((len(found), sum(d.absorbed for d in found), c) for c in pool
             if _clean(found := _match(kid, c)) and (absorbing or
                                                       not any(d.absorbed for d in found))),
            key=lambda t: (t[1], t[0]))
    unpaired: list[LF] = []
    taken: list[LF] = []
    for n in sorted(options, key=lambda n: (len(options[n]), n)):
        choice = next((c for _, _, c in options[n] if c not in taken), None)
        if choice is None and options[n] and not absorbing:
            choice = options[n][0][2]  # shared: a OR a = a
        if choice is None:
            unpaired.append(kids[n])
            continue
        taken.append(choice)
        consume([(kids[n], choice)])
    return unpaired


def _match_children(es: list[LF], as_: list[LF], e: LF, a: LF) -> list[Difference]:
    op = e[0]
    diffs: list[Difference] = []
    remaining = list(as_)
    pending: list[LF] = []
    for kid in es:
        if kid in remaining:
            remaining.remove(kid)
        else:
            pending.append(kid)

    def consume(pairs: list[tuple[LF, LF]]) -> None:
        for m, hit in pairs:
            if hit in remaining:
                remaining.remove(hit)
            diffs.extend(_match(m, hit))

    def candidates() -> list[LF]:
        # unconsumed first; a consumed one may match again (a OR a = a)
        return remaining + [c for c in as_ if c not in remaining]

    # 1. An alternative whose exact form is a group of this operator was flattened into this
    #    group on the read-back side: look for its members here.
    for kid in [k for k in pending if k[0] == "alt" and k[2][0] == op]:
        pairs = _take(list(kid[2][1]), candidates())
        if pairs is not None:
            consume(pairs)
            pending.remove(kid)
    # 2. Members that match a read-back member with no unexplained difference and without a
    #    placeholder taking up read-back material (fewest differences first).
    unmatched = _assign([k for k in pending if k[0] != "any"], candidates, consume,
                        absorbing=False)
    # 3. A member that lost declared parts (a dropped limit) and whose rest was flattened into
    #    this group on the read-back side.
    for kid in list(unmatched):
        if kid[0] not in ("and", "or") or kid[0] == op:
            continue
        kept = [k for k in kid[1] if k[0] not in ("any", "filter")]
        if len(kept) == 1 and kept[0][0] == op:
            pairs = _take(list(kept[0][1]), candidates())
            if pairs is not None:
                consume(pairs)
                diffs.extend(_removed(kid, kept[0]))
                unmatched.remove(kid)
    # 3b. Clean matches in which a placeholder takes up read-back material.
    unmatched = _assign(unmatched, lambda: list(remaining), consume, absorbing=True)
    # 3c. A member made only of placeholders and limits (a heading the target cannot hold,
    #     limited by a date the target takes outside its query text) is a placeholder itself:
    #     its read-back fallback was flattened into this group and its limits are missing
    #     (each still needs its own declaration).
    anys = [k for k in pending if k[0] == "any"]
    for kid in list(unmatched):
        if kid[0] == "and" and any(k[0] == "any" for k in kid[1]) and \
                all(k[0] in ("any", "filter") for k in kid[1]):
            unmatched.remove(kid)
            anys.extend(k for k in kid[1] if k[0] == "any")
            diffs.extend(Difference("filter-missing", k, None) for k in kid[1]
                         if k[0] == "filter")
    # 4. What is left is unexplained; pair groups of the same shape to point at the deepest
    #    difference rather than at a whole subtree.
    texts = {c[1] for c in as_ if c[0] == "text"}
    for kid in unmatched:
        if kid[0] == "filter":
            diffs.append(Difference("filter-missing", kid, None))
            continue
        if kid[0] == "text" and kid[1] in texts:
            # The read-back side searched this text in one merged field set (OR of the same
            # words in several fields is one leaf); the fields differ, not the structure.
            diffs.append(Difference("fields", kid, None))
            continue
        same = [(sum(d.kind == "structure" for d in f), i, f) for i, c in enumerate(remaining)
                if c[0] == kid[0] and kid[0] in ("and", "or", "not") and (f := _match(kid, c))]
        if same:
            _, i, found = min(same, key=lambda t: (t[0], t[1]))
            diffs.extend(found)
            remaining.pop(i)
        else:
            diffs.append(Difference("structure", kid, None))
    for kid in anys:
        diffs.append(Difference(kid[1], kid, None))
    for kid in remaining:
        if kid[0] == "filter":
            diffs.append(Difference("filter-extra", None, kid))
        elif anys:
            diffs.append(Difference(anys[0][1], None, kid, absorbed=True))
        else:
            diffs.append(Difference("structure", None, kid))
    return diffs
