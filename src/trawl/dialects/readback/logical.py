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
        return (None, years[0] - 1) if years else (None, None)
    if not years:
        return (None, None)
    lo = years[0]
    hi = years[1] if len(years) > 1 else (None if re.search(r"current|present", value, re.I)
                                           or re.search(r"[-:]\s*$", value) else years[0])
    if hi is not None and hi >= OPEN_END:
        hi = None
    return (lo, hi)


def _filter_leaf(kind: str, code: str, child: Node) -> LF:
    text = _flat_text(child)
    if kind == "language":
        key = _text_key(text)
        return ("filter", "language", LANGUAGE_CODES.get(key, key))
    if kind == "year":
        return ("filter", "year", _year_range(code, text))
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
    """``PUBYEAR > 1999 AND PUBYEAR < 2022`` = one year range."""
    years = [k for k in children if k[:2] == ("filter", "year")]
    if len(years) < 2:
        return children
    lo = max((y[2][0] for y in years if y[2][0] is not None), default=None)
    hi = min((y[2][1] for y in years if y[2][1] is not None), default=None)
    rest = [k for k in children if k[:2] != ("filter", "year")]
    return [*rest, ("filter", "year", (lo, hi))]


@dataclass
class Normaliser:
    """Maps an AST (original or read back) of one syntax to the logical form.

    ``resolve`` turns a line number into that line's AST (None: keep the reference).
    """

    syntax: Syntax
    resolve: Callable[[int], Node | None] = lambda n: None
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
                    return _filter_leaf(filters[0], codes[0], child)
                if any(c in self.syntax.heading_fields for c in codes):
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
        return _group("or", leaves)

    def _near_leaf(self, operands: tuple[LF, ...], distance: int, ordered: bool,
                   fields: frozenset[str] | None, in_near: bool) -> LF:
        plain = all(op[0] == "text" and op[1][0] in ("term", "phrase") for op in operands)
        if plain and distance == 0 and ordered:
            words: list[str] = []
            for op in operands:
                words.extend([op[1][1]] if op[1][0] == "term" else op[1][1])
            return self._leaf(("phrase", tuple(words)), fields, in_near)
        if not ordered:
            operands = tuple(sorted(operands, key=repr))
        return self._leaf(("near", distance, ordered, operands), fields, in_near)

    def _heading(self, h: Heading) -> LF:
        subs = h.subheadings or ("",)
        leaves = [("heading", h.vocabulary, _text_key(h.label), h.explode, h.major, s.lower())
                  for s in subs]
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
        return ("filter", f.kind, _text_key(f.raw))


def strategy_form(strategy: Strategy, line: int | None = None) -> LF:
    """The logical form of a strategy's final line (or line ``line``), references inlined."""
    numbered = strategy.by_number()
    statement = numbered[line] if line is not None else strategy.final
    normalise = Normaliser(SYNTAXES["ovid"], resolve=lambda n: numbered[n].expr if n in numbered
                           else None)
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
    filters: frozenset[str] = frozenset({"language", "year"})  # limits it has query text for


CAPABILITIES: dict[str, Capabilities] = {
    # pubmed.md §4: only *, >= 4 characters before it; §6 proximity: plain words, ti/tiab/ad.
    "pubmed": Capabilities("mesh", optional_wildcard=False, single_wildcard=False, min_stem=4,
                           near_plain_only=True, near_fields=_fs("ti", "ab", "kw"),
                           ordered_near=False,
                           filters=_fs("language", "year", "publication-type")),
    # scopus.md §6: * and ? (one character); no zero-or-one; no headings (§2, §10.9).
    "scopus": Capabilities(None, optional_wildcard=False),
    # wos.md §6: * ? $, >= 3 characters before; §4 no AND in NEAR operands, no ordered NEAR.
    "wos": Capabilities(None, min_stem=3, near_no_and=True, ordered_near=False),
    # ebsco.md §2: CINAHL Headings via MH; §6 * ? #.
    "cinahl": Capabilities("cinahl", crosswalk="cinahl"),
    "academic-search-elite": Capabilities(None),
}


def project(form: LF, target: str) -> LF:
    """The Ovid logical form as the target can hold it: what the target cannot express becomes
    an ``("any", kind)`` placeholder (the rendering must declare a loss of that kind there), and
    a heading mapped to a broader/narrower term is wrapped in ``("approx", kind, form)``."""
    caps = CAPABILITIES[target]
    return _project(form, caps)


def _project(form: LF, caps: Capabilities) -> LF:
    tag = form[0]
    if tag in ("and", "or"):
        return (tag, tuple(_project(k, caps) for k in form[1]))
    if tag == "not":
        return ("not", _project(form[1], caps), _project(form[2], caps))
    if tag == "heading":
        return _project_heading(form, caps)
    if tag == "text":
        return _project_text(form, caps)
    if tag == "filter" and form[1] not in caps.filters:
        return ("any", "filter")
    return form


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
    mapped = ("heading", caps.vocabulary, _text_key(mapping.target_label),
              explode and mapping.explode, major, "")
    if mapping.relation != "exact" or (explode and not mapping.explode):
        return ("approx", "heading", mapped)
    return mapped


_LIMITED = re.compile(r"\*\d+")


def _words(content: tuple) -> list[str]:
    if content[0] == "term":
        return [content[1]]
    if content[0] == "phrase":
        return list(content[1])
    out: list[str] = []
    for op in content[3]:
        out.extend(_words(op[1]) if op[0] == "text" else ["(group)"])
    return out


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


def compare(expected: LF, actual: LF) -> list[Difference]:
    """Every difference between ``expected`` (from `project`) and ``actual`` (from `read_form`)."""
    return _match(expected, actual)


def _match(e: LF, a: LF) -> list[Difference]:
    if e == a:
        return []
    if e[0] == "any":
        return [Difference(e[1], e, a)]
    if e[0] == "approx":  # a declared approximation: the loss itself, plus any other
        inner = [d for d in _match(e[2], a) if d.kind != "structure"]
        return [Difference(e[1], e, a), *inner]
    if e[0] == "text" and a[0] == "text" and e[1] == a[1]:
        return [Difference("fields", e, a)]
    if e[0] == "heading" and a[0] == "heading" and e[1:3] == a[1:3]:
        return [Difference("heading", e, a)]
    if e[0] == a[0] and e[0] in ("and", "or"):
        return _match_children(list(e[1]), list(a[1]), e, a)
    if e[0] == a[0] == "not":
        return _match(e[1], a[1]) + _match(e[2], a[2])
    if a[0] in ("and", "or") and e[0] != a[0]:
        # e.g. one expected leaf became an OR of several (a heading's free-text fallback)
        return _match_children([e], list(a[1]), e, a) if a[0] == "or" else \
            [Difference("structure", e, a)]
    return [Difference("structure", e, a)]


def _match_children(es: list[LF], as_: list[LF], e: LF, a: LF) -> list[Difference]:
    diffs: list[Difference] = []
    remaining = list(as_)
    pending: list[LF] = []
    for kid in es:
        if kid in remaining:
            remaining.remove(kid)
        else:
            pending.append(kid)
    anys = [k for k in pending if k[0] == "any"]
    unmatched: list[LF] = []
    for kid in (k for k in pending if k[0] != "any"):
        best: tuple[int, int, list[Difference]] | None = None
        for i, cand in enumerate(remaining):
            found = _match(kid, cand)
            if any(d.kind == "structure" for d in found):
                continue
            if best is None or len(found) < len(best[2]):
                best = (i, len(found), found)
        if best is None:
            unmatched.append(kid)
        else:
            diffs.extend(best[2])
            remaining.pop(best[0])
    for kid in unmatched:
        if kid[0] == "filter":
            diffs.append(Difference("filter-missing", kid, None))
        elif kid[0] == "approx":
            diffs.append(Difference(kid[1], kid, None))
        else:
            diffs.append(Difference("structure", kid, None))
    for kid in anys:
        diffs.append(Difference(kid[1], kid, None))
    for kid in remaining:
        if kid[0] == "filter":
            diffs.append(Difference("filter-extra", None, kid))
        elif not anys:
            diffs.append(Difference("structure", None, kid))
    return diffs
