"""The rendering engine every target shares, and the `Dialect` base class of target data.

A `Dialect` subclass is mostly data: operator spellings, proximity templates, wildcard symbols,
a field table, filter templates, history syntax (each with a one-line why citing the dialect
reference in /work/shared/dialects). Irregular cases are small methods it overrides.

`Renderer` walks one strategy for one dialect and keeps the state of that walk: diagnostics
(deduplicated, each pointing at the Ovid line), the field mappings used, API parameters, and the
line-inlining cache. Brackets: every compound operand is parenthesised, so no target's
precedence (PubMed left to right, Scopus OR first, WoS AND before OR) can regroup it.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from typing import Any, ClassVar, NamedTuple

from trawl.dialects import codes
from trawl.dialects.fields import F, FieldUse, canon, config_problem, resolve
from trawl.dialects.limits import LANGUAGES, DateTpl, language_name, parse_date
from trawl.dialects.rendering import RenderedLine, Rendering
from trawl.dialects.vocabulary import vocab_free_text, vocab_lookup
from trawl.dialects.wildcards import Wildcards, convert
from trawl.gcpause import cycle_collection_paused
from trawl.query.ast import (
    Bool,
    Fielded,
    Filter,
    Heading,
    Limit,
    LineRange,
    LineRef,
    Near,
    Phrase,
    Statement,
    Strategy,
    Term,
)
from trawl.query.diagnostics import Diagnostic, TrawlError

_VOCABULARY = {"ovid-medline": "mesh", "ovid-embase": "emtree", "ovid-psycinfo": "apa"}
_PLAIN_WORD = re.compile(r"^[\w*?#$'’\-]+$")
_WORDY = (Term, Phrase, Near)  # what takes the default field when no suffix is given
_WILD = re.compile(r"[*?#$]")
_HEADING_FIELDS = frozenset({"sh", "xm"})  # X.sh. / X.xm. name a heading (ovid.md §2)
_MAX_EXPANSION = 200  # pairwise proximity expansions beyond this fall back to AND


class Out(NamedTuple):
    """Rendered text; ``atomic`` = it has no top-level operator, so it needs no brackets.
    (A named tuple rather than a frozen dataclass: one is made per node, and it is built several
    times faster.)"""

    text: str
    atomic: bool = True
    op: str | None = None  # the top-level operator ("and"/"or") when not atomic


Seq = tuple[Term, ...]


class Dialect:
    """One target. Subclasses set the class attributes; `render` does the rest."""

    name: ClassVar[str]
    label: ClassVar[str]
    reference: ClassVar[str]  # the dialect file in /work/shared/dialects this follows

    # Search history: a template for a line reference ("#{n}"), or None = inline every line.
    HISTORY: ClassVar[str | None] = None
    AND: ClassVar[str] = " AND "
    OR: ClassVar[str] = " OR "
    NOT: ClassVar[str] = " NOT "
    QUOTE: ClassVar[str] = '"'
    RESERVED: ClassVar[frozenset[str]] = frozenset({"and", "or", "not"})

    # Proximity: templates with {n}; None = not available (expanded or degraded instead).
    NEAR: ClassVar[str | None] = None  # any order, at most n words between (after offset)
    NEAR_OFFSET: ClassVar[int] = 0  # added to the number of intervening words
    ORDERED: ClassVar[str | None] = None  # in the order written
    ORDERED_OFFSET: ClassVar[int] = 0
    NEAR_GROUPS: ClassVar[bool] = True  # OR-groups and phrases allowed as operands
    WILDCARD_IN_PHRASE: ClassVar[bool] = True

    WILDCARDS: ClassVar[Wildcards] = Wildcards()

    # Fields: "group" = a field applies to a bracketed expression; "term" = every word is
    # tagged; "none" = the target has no field syntax in the query string.
    FIELD_STYLE: ClassVar[str] = "group"
    FIELD_TEMPLATE: ClassVar[str] = "{code}({expr})"
    FIELD_TEMPLATE_ATOM: ClassVar[str | None] = None
    FIELD_CODES_JOIN: ClassVar[str | None] = None  # codes combine in one suffix (".ti,ab.")
    FIELDS: ClassVar[dict[str, F]] = {}
    DEFAULT_FIELD: ClassVar[F] = F(())  # what an unknown Ovid suffix falls back to
    FIELD_CODES: ClassVar[frozenset[str]] = frozenset()  # codes review.toml may name

    VOCABULARY: ClassVar[str | None] = None  # the target's thesaurus; None = no headings

    LANGUAGE: ClassVar[str | None] = None  # query-text template: {name} {Name} {iso3} {iso2}
    ENTRY_DATE: ClassVar[DateTpl | None] = None
    PUB_DATE: ClassVar[DateTpl | None] = None
    HUMANS: ClassVar[str | None] = None
    UNCONFIRMED: ClassVar[frozenset[str]] = frozenset()  # filter kinds marked (?) in the reference
    OPEN_START: ClassVar[date] = date(1800, 1, 1)
    OPEN_END: ClassVar[date] = date(3000, 12, 31)

    NOTES: ClassVar[tuple[str, ...]] = ()  # platform behaviours reported once (DIA031)

    def render(self, strategy: Strategy, review: Any = None) -> Rendering:
        """Render every line and the single query of ``strategy`` (review: trawl.review.Review)."""
        # A walk allocates many small objects and frees none of them until it ends; pausing the
        # cyclic collector keeps it from rescanning the growing heap (a third of the time on
        # 2,000-line strategies). Reference counting still frees everything afterwards.
        with cycle_collection_paused():
            return Renderer(self, strategy, review).run()

    # ---- syntax hooks (override for irregular cases) -------------------------------------

    def ref(self, n: int) -> str:
        assert self.HISTORY is not None
        return self.HISTORY.format(n=n)

    def quote_word(self, text: str) -> str:
        if text.lower() in self.RESERVED or not _PLAIN_WORD.match(text):
            return f"{self.QUOTE}{text}{self.QUOTE}"
        return text

    def phrase_text(self, words: list[str]) -> str:
        return f"{self.QUOTE}{' '.join(words)}{self.QUOTE}"

    def not_expr(self, r: Renderer, node: Bool, left: Out, right: Out,
                 f: FieldUse | None, grouped: bool) -> Out | None:
        return Out(f"{paren(left)}{self.NOT}{paren(right)}", False)

    def range_text(self, op: str, numbers: tuple[int, ...]) -> str | None:
        """A history range form (Ovid ``or/1-13``); None = spell out every reference."""
        return None

    def limit_text(self, r: Renderer, node: Limit) -> Out | None:
        """A history limit line (Ovid ``limit 5 to english``); None = ``#5 AND <filters>``."""
        return None

    def wild_phrase(self, r: Renderer, texts: list[str], node: Any) -> Out:
        """A phrase with a wildcard on a target that takes none inside phrases."""
        r.emit(codes.PROXIMITY_APPROXIMATED, f"'{' '.join(texts)}': {self.label} takes no "
               "wildcard inside a phrase; the words are ANDed (broader)", node)
        return Out(self.AND.join(self.quote_word(t) for t in texts), False)

    def no_vocabulary_heading(self, r: Renderer, h: Heading) -> Out | None:
        """The documented fallback for a heading on a target without headings (comparison.md
        §1); None = the heading's label and entry terms as free text."""
        return None

    def line_text(self, r: Renderer, node: Any) -> str:
        return r.text(node)

    def apply_field(self, code: str, inner: Out) -> Out:
        tpl = self.FIELD_TEMPLATE_ATOM if inner.atomic and self.FIELD_TEMPLATE_ATOM else None
        return Out((tpl or self.FIELD_TEMPLATE).format(code=code, expr=inner.text), True)

    def tag(self, r: Renderer, fu: FieldUse, inner: Out, node: Any) -> Out:
        """Term-style targets: the field tag on one word or phrase."""
        return inner

    def near_pair(self, r: Renderer, seqs: tuple[Seq, ...], distance: int, f: FieldUse | None,
                  node: Any) -> Out | None:
        """One expanded proximity clause of plain words, or None when it cannot be expressed.
        Default: adjacency in either order as two phrases; anything wider is not available."""
        if distance == 0 and len(seqs) == 2:
            a, b = seqs
            return r.or_join([r.words(a + b, node, f, True), r.words(b + a, node, f, True)])
        return None

    def heading_syntax(self, r: Renderer, h: Heading, label: str, explode: bool) -> Out:
        raise NotImplementedError  # only called when VOCABULARY is set

    def language_params(self, r: Renderer, langs: list[str]) -> dict[str, str] | None:
        return None

    def date_params(self, r: Renderer, start: date | None, end: date | None,
                    entry: bool) -> dict[str, str] | None:
        """API parameters for a date range; ``entry`` asks for entry/load date. None = none."""
        return None

    def describe_codes(self, field_codes: tuple[str, ...]) -> str:
        return " OR ".join(field_codes)

    def has_entry_date_param(self) -> bool:
        return False

    def single_query(self, r: Renderer, node: Any, lines: list[RenderedLine]) -> str:
        return r.text(node)

    def split(self, r: Renderer, node: Any, query: str) -> list[str]:
        """Pieces of a query too long for the target (override where a limit exists)."""
        return [query]


def paren(o: Out, within: str | None = None) -> str:
    """``o`` as an operand: bracketed unless atomic or joined by the same associative operator
    as its parent (``a OR (b OR c)`` = ``a OR b OR c`` under every target's precedence)."""
    if o.atomic or (within is not None and o.op == within):
        return o.text
    return f"({o.text})"


def _as_seq(node: Any) -> Seq | None:
    if isinstance(node, Term):
        return (node,)
    if isinstance(node, Phrase):
        return node.words
    if isinstance(node, Near) and node.ordered and node.distance == 0:
        parts = [_as_seq(o) for o in node.operands]
        if all(p is not None for p in parts):
            return tuple(w for p in parts for w in p)  # type: ignore[union-attr]
    return None


def _as_headings(node: Any, vocabulary: str, explode: bool) -> Any:
    """``(a or b).sh.`` as the headings a OR b (None when a word carries a wildcard or the group
    holds something other than words, phrases and Booleans)."""
    seq = _as_seq(node)
    if seq is not None:
        if any(w.has_wildcard for w in seq):
            return None
        return Heading(vocabulary, " ".join(w.text for w in seq), explode=explode, span=node.span)
    if isinstance(node, Bool):
        kids = [_as_headings(k, vocabulary, explode) for k in node.children]
        if any(k is None for k in kids):
            return None
        return Bool(node.op, tuple(kids), span=node.span)
    return None


def _has_and(node: Any) -> bool:
    """Whether an AND or NOT sits anywhere in a Boolean tree (not looking into proximity)."""
    if isinstance(node, Bool):
        return node.op != "or" or any(_has_and(k) for k in node.children)
    return False


def _group_ok(node: Any) -> bool:
    """Words, phrases, and OR-groups or proximity expressions made only of them."""
    if _as_seq(node) is not None:
        return True
    if isinstance(node, Bool) and node.op == "or":
        return all(_group_ok(k) for k in node.children)
    if isinstance(node, Near):
        return all(_group_ok(k) for k in node.operands)
    return False


def _alternatives(node: Any) -> list[Seq] | None:
    """The word sequences an operand stands for (an OR of phrases), or None if it is more."""
    seq = _as_seq(node)
    if seq is not None:
        return [seq]
    if isinstance(node, Bool) and node.op == "or":
        out: list[Seq] = []
        for kid in node.children:
            alts = _alternatives(kid)
            if alts is None:
                return None
            out.extend(alts)
        return out
    if isinstance(node, Near) and node.ordered and node.distance == 0:
        parts = [_alternatives(o) for o in node.operands]
        if any(p is None for p in parts):
            return None
        combos = list(itertools.islice(itertools.product(*parts), _MAX_EXPANSION + 1))  # type: ignore[arg-type]
        return [tuple(w for s in c for w in s) for c in combos]
    return None


class Renderer:
    """One walk of one strategy for one dialect (see the module docstring)."""

    def __init__(self, dialect: Dialect, strategy: Strategy, review: Any = None):
        self.d = dialect
        self.strategy = strategy
        self.review = review
        self.by_number = strategy.by_number()
        self._diags: dict[tuple[str, str], Diagnostic] = {}
        self._also: dict[tuple[str, str], dict[int, None]] = {}
        self._fields: dict[str, FieldUse] = {}
        self._field_msgs: dict[str, list[tuple[str, str]]] = {}
        self.fields_shown: dict[str, dict] = {}
        self.api_params: dict[str, str] = {}
        self.query_param: str | None = None
        self._inline: dict[int, Any] = {}
        self._words: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}  # word -> convert()
        self.scratch: dict[str, Any] = {}  # per-walk memos of dialect hooks, by the hook's name
        # id(node) keys are safe because each entry keeps its node alive (no id reuse)
        self._memo: dict[tuple, tuple[Any, Out | None]] = {}
        self.statement: Statement | None = None
        self._final_filters: set[int] = set()
        self.review_fields: dict[str, Any] = dict(getattr(review, "fields", {}) or {})
        if self.review_fields:
            from trawl.dialects import TARGETS

            problem = config_problem(self.review_fields, TARGETS)
            if problem is not None:
                raise TrawlError(Diagnostic.of(codes.BAD_FIELD_CONFIG, f"review.toml {problem}",
                                               target=dialect.name))

    # ---- diagnostics ------------------------------------------------------------------------

    def where(self, node: Any = None) -> tuple[int | None, int | None]:
        span = getattr(node, "span", None)
        if span is not None and span.line:
            return span.line, span.column
        st = self.statement
        if st is None:
            return None, None
        if st.span.line:
            return st.span.line, st.span.column
        return st.number, None

    def emit(self, code: str, message: str, node: Any = None, fix: str | None = None) -> None:
        key = (code, message)
        line, column = self.where(node)
        if key in self._diags:
            if line is not None and line != self._diags[key].line:
                self._also.setdefault(key, {})[line] = None  # an ordered set
            return
        self._diags[key] = Diagnostic.of(code, message, line=line, column=column, fix=fix,
                                         target=self.d.name)

    def diagnostics(self) -> list[Diagnostic]:
        out = []
        for key, diag in self._diags.items():
            also = list(self._also.get(key, ()))
            if also:
                shown = ", ".join(str(n) for n in also[:12]) + (" …" if len(also) > 12 else "")
                diag = Diagnostic(diag.code, diag.severity,
                                  f"{diag.message} (also line{'s' if len(also) > 1 else ''} {shown})",
                                  diag.line, diag.column, diag.fix, diag.end_column, diag.target)
            out.append(diag)
        return out

    # ---- the walk -----------------------------------------------------------------------------

    def run(self) -> Rendering:
        d = self.d
        statements = self.strategy.statements
        if not statements:
            return Rendering(d.name, "", [""], [], self.diagnostics())
        final = statements[-1]
        self._final_filters = {id(f) for f in _filters_in(final.expr)}
        lines: list[RenderedLine] = []
        for st in statements:
            self.statement = st
            node = st.expr if d.HISTORY else self.inlined(st)
            lines.append(RenderedLine(st.number or 0, d.line_text(self, node)))
        self.statement = final
        for note in d.NOTES:  # about the platform, so attached to the line the query ends on
            self.emit(codes.PLATFORM_BEHAVIOUR, note, final)
        if d.HISTORY is None and _has_refs(statements):
            self.emit(codes.LINES_INLINED, f"{d.label} has no search history: "
                      "line references are inlined in brackets", final)
        query_node = self.inlined(final)
        extra = self.review_filters(query_node)
        if extra:
            last = (final.number or len(statements))
            line_node = Limit(LineRef(last), tuple(extra)) if d.HISTORY else \
                and_all(query_node, *extra)
            query_node = and_all(query_node, *extra)
            text = d.line_text(self, line_node)
            base = d.line_text(self, LineRef(last)) if d.HISTORY else lines[-1].text
            if text != base:
                lines.append(RenderedLine(last + 1, text))
                self.emit(codes.REVIEW_FILTERS, "the review's limits from review.toml are "
                          f"added as line {last + 1}", final)
        query = d.single_query(self, query_node, lines)
        queries = d.split(self, query_node, query)
        return Rendering(d.name, query, queries, lines, self.diagnostics(), dict(self.api_params),
                         dict(self.fields_shown), self.query_param)

    def inlined(self, st: Statement | int) -> Any:
        """The statement's expression with every line reference replaced by its expression."""
        n = st if isinstance(st, int) else st.number
        if n in self._inline:
            return self._inline[n]
        stmt = self.by_number.get(n) if n is not None else None
        if stmt is None and isinstance(st, Statement):
            stmt = st
        if stmt is None:
            raise TrawlError(Diagnostic.of("DIA030", f"line {n} is referenced but missing"))
        self._inline[n] = None  # guards against a cycle (the front end rejects them)
        node = self._substitute(stmt.expr)
        self._inline[n] = node
        return node

    def _substitute(self, node: Any) -> Any:
        match node:
            case LineRef(number=k):
                sub = self.inlined(k)
                return sub if sub is not None else node
            case LineRange(op=op, numbers=nums):
                return Bool(op, tuple(self._substitute(LineRef(k)) for k in nums), span=node.span)
            case Limit(child=child, filters=filters):
                return and_all(self._substitute(child), *filters, span=node.span)
            case Bool(op=op, children=kids):
                new = tuple(self._substitute(k) for k in kids)
                if all(a is b for a, b in zip(new, kids, strict=True)):
                    return node
                flat: list[Any] = []
                for k in new:  # keep n-ary and/or flat after inlining
                    if op != "not" and isinstance(k, Bool) and k.op == op and not _is_limit(k):
                        flat.extend(k.children)
                    else:
                        flat.append(k)
                return Bool(op, tuple(flat), span=node.span)
            case _:
                return node

    def text(self, node: Any) -> str:
        out = self.out(node, None, False)
        return out.text if out is not None else ""

    def out(self, node: Any, f: FieldUse | None, grouped: bool) -> Out | None:
        key = (id(node), f.ovid if f else None, grouped)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is node:
            return hit[1]
        result = self._out(node, f, grouped)
        self._memo[key] = (node, result)
        return result

    def _out(self, node: Any, f: FieldUse | None, grouped: bool) -> Out | None:
        d = self.d
        if d.FIELD_STYLE == "group" and not grouped and isinstance(node, _WORDY):
            fu = f or self.field(("mp",), node)
            return self.wrap(fu, self.out(node, fu, True) or Out(""))
        match node:
            case Term():
                return self.words((node,), node, f, grouped)
            case Phrase(words=words):
                return self.words(words, node, f, grouped)
            case Near():
                return self.near(node, f, grouped)
            case Bool():
                return self.boolean(node, f, grouped)
            case Fielded():
                return self.fielded(node, f, grouped)
            case Heading():
                return self.heading(node)
            case LineRef(number=n):
                if d.HISTORY:
                    return Out(d.ref(n))
                return self.out(self.inlined(n), f, grouped)
            case LineRange(op=op, numbers=nums):
                shown = d.range_text(op, nums) if d.HISTORY else None
                if shown is not None:
                    return Out(shown, False)
                return self.boolean(Bool(op, tuple(LineRef(k) for k in nums), span=node.span),
                                    f, grouped)
            case Limit(child=child, filters=filters):
                special = d.limit_text(self, node) if d.HISTORY else None
                if special is not None:
                    return special
                return self.boolean(Bool("and", (child, *filters), span=node.span), f, grouped)
            case Filter():
                return self.filter(node)
        raise TypeError(f"cannot render {type(node).__name__}")

    # ---- fields -------------------------------------------------------------------------------

    def field(self, fields: tuple[str, ...], node: Any = None) -> FieldUse:
        d = self.d
        key = canon(fields)
        if key in self._fields:
            fu = self._fields[key]
            for code, message in self._field_msgs[key]:  # prepared once per suffix
                self.emit(code, message, node)
            return fu
        via = key
        rewrite = self.review_fields.get(key)
        if isinstance(rewrite, str):
            via = canon(rewrite)
        target_table = self.review_fields.get(d.name)
        override = target_table.get(via) if isinstance(target_table, dict) else None
        if override is not None:
            bad = [c.strip() for c in str(override).split(",")
                   if c.strip() and d.FIELD_CODES and c.strip() not in d.FIELD_CODES]
            if bad:
                raise TrawlError(Diagnostic.of(
                    codes.BAD_FIELD_CONFIG,
                    f"review.toml [fields.{d.name}] '{via}': {', '.join(bad)} is not a "
                    f"{d.label} field; known: {', '.join(sorted(d.FIELD_CODES))}",
                    target=d.name))
            override = str(override)
        fu = resolve(d.FIELDS, d.DEFAULT_FIELD, key, via, override)
        self._fields[key] = fu
        shown = self.describe_field(fu)
        self.fields_shown[f".{key}."] = fu.describe(shown)
        line, _ = self.where(node)
        how = "review.toml [fields]" if fu.source == "review.toml" else f"{d.reference}"
        via_txt = f" (read as .{fu.via}. per review.toml)" if fu.via != fu.ovid else ""
        self.emit(codes.FIELD_MAPPING, f".{key}.{via_txt} → {shown} ({how})", node)
        self._field_diagnostics(fu, node)
        return fu

    def _field_diagnostics(self, fu: FieldUse, node: Any) -> None:
        msgs: list[tuple[str, str]] = []
        if fu.unknown:
            msgs.append((codes.FIELD_UNKNOWN, f".{','.join(fu.unknown)}. has no {self.d.label} "
                         f"field; searched as {self.describe_field(fu)}"))
        elif fu.relation in ("broader", "narrower"):
            msgs.append((codes.FIELD_APPROXIMATED, f".{fu.via}. → {self.describe_field(fu)} is "
                         f"{fu.relation}" + (f": {fu.note}" if fu.note else "")))
        self._field_msgs[fu.ovid] = msgs
        for code, message in msgs:
            self.emit(code, message, node)

    def describe_field(self, fu: FieldUse) -> str:
        if not fu.codes:
            return "the default fields (no field code)"
        if self.d.FIELD_STYLE == "group":
            return self.wrap(fu, Out("…")).text
        return self.d.describe_codes(fu.codes)

    def wrap(self, fu: FieldUse, inner: Out) -> Out:
        d = self.d
        if not fu.codes or d.FIELD_STYLE != "group":
            return inner
        if d.FIELD_CODES_JOIN is not None:
            return d.apply_field(d.FIELD_CODES_JOIN.join(fu.codes), inner)
        outs = [d.apply_field(c, inner) for c in fu.codes]
        return self.or_join(outs)

    def fielded(self, node: Fielded, f: FieldUse | None, grouped: bool) -> Out | None:
        if node.frequency is not None:
            self.emit(codes.FREQUENCY_DROPPED, f"/freq={node.frequency} dropped", node)
        if _HEADING_FIELDS.issuperset(node.fields):
            # ovid.md §2: X.sh. is the heading X, not exploded; X.xm. the exploded heading
            vocabulary = _VOCABULARY.get(self.strategy.database, "mesh")
            as_headings = _as_headings(node.child, vocabulary, "xm" in node.fields)
            if as_headings is not None:
                return self.out(as_headings, f, grouped)
        fu = self.field(node.fields, node)
        if self.d.FIELD_STYLE == "group":
            if grouped:  # a suffix inside a suffixed group: the outer one governs
                return self.out(node.child, f, True)
            if len(fu.codes) > 1 and self.d.FIELD_CODES_JOIN is None and _has_and(node.child):
                return self._distributed(node.child, fu)
            inner = self.out(node.child, fu, True)
            return self.wrap(fu, inner) if inner is not None else None
        return self.out(node.child, fu, grouped)

    def _distributed(self, node: Any, fu: FieldUse) -> Out | None:
        """Apply a field list that is an OR of separate fields (EBSCO ``TI … OR AB …``) below
        every AND/NOT: Ovid ``(a and b).ti,ab.`` lets a and b sit in different fields, which
        ``TI (a AND b) OR AB (a AND b)`` would not (it is narrower)."""
        if isinstance(node, Bool) and _has_and(node):
            outs = [self._distributed(k, fu) for k in node.children]
            if node.op == "not":
                left, right = outs[0], outs[1] if len(outs) > 1 else None
                if left is None or right is None:
                    return left
                return self.d.not_expr(self, node, left, right, fu, False)
            if node.op == "or":
                return self.or_join([o for o in outs if o is not None])
            kept = [o for o in outs if o is not None and o.text]
            return Out(self.d.AND.join(paren(o, "and") for o in kept), False, "and") \
                if len(kept) > 1 else (kept[0] if kept else None)
        inner = self.out(node, fu, True)
        return self.wrap(fu, inner) if inner is not None else None

    # ---- words, phrases, proximity ---------------------------------------------------------------

    def word(self, term: Term) -> str:
        hit = self._words.get(term.text)
        if hit is None:
            hit = self._words[term.text] = convert(term.text, self.d.WILDCARDS)
        text, losses = hit
        for code, message in losses:
            self.emit(code, message, term)
        return text

    def words(self, words: Seq, node: Any, f: FieldUse | None, grouped: bool) -> Out:
        d = self.d
        texts = [self.word(w) for w in words]
        if len(texts) == 1:
            out = Out(d.quote_word(texts[0]))
        elif not d.WILDCARD_IN_PHRASE and any(t != _unwild(t) for t in texts):
            out = d.wild_phrase(self, texts, node)
        else:
            out = Out(d.phrase_text(texts))
        if d.FIELD_STYLE == "term":
            return d.tag(self, f or self.field(("mp",), node), out, node)
        if d.FIELD_STYLE == "none":
            self.field(f.ovid.split(",") if f else ("mp",), node)
        return out

    def near(self, node: Near, f: FieldUse | None, grouped: bool) -> Out | None:
        d = self.d
        seqs = [_as_seq(o) for o in node.operands]
        if node.ordered and node.distance == 0 and all(s is not None for s in seqs):
            return self.words(tuple(w for s in seqs for w in s), node, f, grouped)  # type: ignore[union-attr]
        template = d.ORDERED if node.ordered else d.NEAR
        offset = d.ORDERED_OFFSET if node.ordered else d.NEAR_OFFSET
        if template is not None and self._operands_ok(node):
            op = " " + template.format(n=node.distance + offset) + " "
            outs = [self.out(o, f, grouped) for o in node.operands]
            return Out(op.join(paren(o) for o in outs if o is not None), False)
        alts = [_alternatives(o) for o in node.operands]
        size = 1
        for a in alts:
            size *= len(a) if a is not None else _MAX_EXPANSION + 1
        if size > _MAX_EXPANSION:
            return self._near_as_and(node, f, grouped)
        combos = list(itertools.product(*alts))  # type: ignore[arg-type]
        outs: list[Out] = []
        for combo in combos:
            if node.ordered and node.distance == 0:
                outs.append(self.words(tuple(w for s in combo for w in s), node, f, grouped))
                continue
            o = d.near_pair(self, combo, node.distance, f, node)
            if o is None:
                return self._near_as_and(node, f, grouped)
            outs.append(o)
        if len(combos) > 1:
            self.emit(codes.PROXIMITY_EXPANDED, f"{_ovid_near(node)}: groups expanded into "
                      f"{len(combos)} {d.label} clauses", node)
        return self.or_join(outs)

    def _operands_ok(self, node: Near) -> bool:
        """Whether the target's own proximity operator can take these operands: words and
        phrases always; OR-groups and nested proximity where it accepts groups (never AND/NOT,
        scopus.md §4, wos.md §4)."""
        return all(_as_seq(o) is not None or (self.d.NEAR_GROUPS and _group_ok(o))
                   for o in node.operands)

    def _near_as_and(self, node: Near, f: FieldUse | None, grouped: bool) -> Out | None:
        if any(isinstance(o, Bool) and o.op != "or" for o in node.operands):
            self.emit(codes.OPERATOR_IN_PROXIMITY, f"{_ovid_near(node)}: an AND/NOT group "
                      f"inside proximity; {self.d.label} gets AND", node)
        else:
            self.emit(codes.PROXIMITY_TO_AND, f"{_ovid_near(node)} cannot be expressed on "
                      f"{self.d.label}; its operands are ANDed (broader)", node)
        return self.boolean(Bool("and", node.operands, span=node.span), f, grouped)

    # ---- Boolean ---------------------------------------------------------------------------------

    def or_join(self, outs: list[Out]) -> Out:
        outs = [o for o in outs if o is not None and o.text]
        if len(outs) == 1:
            return outs[0]
        return Out(self.d.OR.join(paren(o, "or") for o in outs), False, "or")

    def boolean(self, node: Bool, f: FieldUse | None, grouped: bool) -> Out | None:
        d = self.d
        outs = [self.out(k, f, grouped) for k in node.children]
        if node.op == "not":
            left, right = outs[0], outs[1] if len(outs) > 1 else None
            if left is None:
                return None
            if right is None or not right.text:
                return left
            return d.not_expr(self, node, left, right, f, grouped)
        kept = [o for o in outs if o is not None and o.text]
        if not kept:
            return None
        if len(kept) == 1:
            return kept[0]
        join = d.AND if node.op == "and" else d.OR
        return Out(join.join(paren(o, node.op) for o in kept), False, node.op)

    # ---- headings ----------------------------------------------------------------------------------

    def heading(self, h: Heading) -> Out | None:
        d = self.d
        if d.VOCABULARY is None:
            special = d.no_vocabulary_heading(self, h)
            if special is not None:
                return special
            self.emit(codes.HEADING_UNSUPPORTED, f"{_ovid_heading(h)}: {d.label} has no subject "
                      "headings; searched as free text (label and entry terms)", h)
            return self.free_text(h)
        label, explode = h.label, h.explode
        if h.vocabulary != d.VOCABULARY:
            m = vocab_lookup(self, h)
            if m is None or m.relation == "none" or not m.target_label:
                note = f" ({m.note})" if m is not None and m.note else ""
                self.emit(codes.HEADING_UNMAPPED, f"{_ovid_heading(h)}: no {d.VOCABULARY} "
                          f"heading for {h.vocabulary} '{h.label}'{note}; searched as free text", h)
                return self.free_text(h)
            if m.relation != "exact":
                self.emit(codes.HEADING_INEXACT, f"{_ovid_heading(h)}: {h.vocabulary} '{h.label}' "
                          f"→ {m.relation} {d.VOCABULARY} heading '{m.target_label}'"
                          + (f" ({m.note})" if m.note else ""), h)
            elif not getattr(m, "verified", False):
                same = " (the same label)" if m.target_label.casefold() == h.label.casefold() \
                    else ""
                self.emit(codes.UNVERIFIED_CROSSWALK, f"{_ovid_heading(h)}: {h.vocabulary} "
                          f"'{h.label}' → {d.VOCABULARY} '{m.target_label}'{same}; crosswalk "
                          f"row not verified" + (f" ({m.note})" if m.note else ""), h)
            label = m.target_label
            explode = h.explode and bool(getattr(m, "explode", True))
            if h.explode and not explode:
                self.emit(codes.EXPLODE_UNAVAILABLE, f"{_ovid_heading(h)}: the crosswalk does not "
                          f"carry the explosion to {d.VOCABULARY} '{label}'; searched unexploded", h)
        return d.heading_syntax(self, h, label, explode)

    def free_text(self, h: Heading) -> Out | None:
        if h.subheadings:
            self.emit(codes.SUBHEADING_CHANGED, f"{_ovid_heading(h)}: subheadings "
                      f"/{','.join(h.subheadings)} dropped in the free-text fallback", h)
        if h.explode:
            self.emit(codes.EXPLODE_UNAVAILABLE, f"{_ovid_heading(h)}: free text cannot explode; "
                      "add narrower terms by hand if they matter", h)
        phrases: list[Any] = []
        span = h.span
        for texts in vocab_free_text(self, h):  # label and entry terms
            words = tuple(Term(w, span=span) for w in texts)
            phrases.append(words[0] if len(words) == 1 else Phrase(words, quoted=True, span=span))
        fields = tuple(canon(str(self.review_fields.get("headings", "ti,ab"))).split(","))
        group = phrases[0] if len(phrases) == 1 else Bool("or", tuple(phrases), span=h.span)
        return self.out(Fielded(fields, group, span=h.span), None, False)

    # ---- filters ------------------------------------------------------------------------------------

    def filter(self, flt: Filter) -> Out | None:
        d = self.d
        kind = flt.kind
        if kind == "language":
            langs = [language_name(v) for v in flt.values]
            return self.language(langs, flt)
        if kind in ("year", "entry-date"):
            start = parse_date(flt.values[0], False) if flt.values else None
            end = parse_date(flt.values[1], True) if len(flt.values) > 1 else None
            return self.dates(start, end, kind == "entry-date", flt)
        if kind == "humans" and d.HUMANS:
            if "humans" in d.UNCONFIRMED:
                self.emit(codes.FILTER_UNCONFIRMED, f"{d.label} humans limit '{d.HUMANS}' is "
                          f"unconfirmed in {d.reference}", flt)
            return Out(d.HUMANS)
        self.emit(codes.LIMIT_DROPPED, f"limit to {flt.raw} has no {d.label} equivalent; dropped",
                  flt)
        return None

    def _params(self, params: dict[str, str], flt: Filter, what: str) -> None:
        for k, v in params.items():
            if k in self.api_params and v not in self.api_params[k].split(_JOIN.get(k, ",")):
                self.api_params[k] = f"{self.api_params[k]}{_JOIN.get(k, ',')}{v}"
            else:
                self.api_params.setdefault(k, v)
        shown = "&".join(f"{k}={v}" for k, v in params.items())
        self.emit(codes.FILTER_AS_PARAM, f"{what} goes to {self.d.label} as API parameter "
                  f"{shown}", flt)
        if id(flt) not in self._final_filters and not flt.raw.endswith("(review.toml)"):
            self.emit(codes.PARAM_FROM_INNER_LINE, f"limit to {flt.raw} is on an intermediate "
                      "line but the API parameter applies to the whole query", flt)

    def language(self, langs: list[str], flt: Filter) -> Out | None:
        d = self.d
        if d.LANGUAGE is not None:
            outs = []
            for name in langs:
                iso3, iso2 = LANGUAGES.get(name, (name[:3], name[:2]))
                outs.append(Out(d.LANGUAGE.format(name=name, Name=name.title(), iso3=iso3,
                                                  iso2=iso2)))
            if "language" in d.UNCONFIRMED:
                self.emit(codes.FILTER_UNCONFIRMED, f"{d.label} language filter "
                          f"'{outs[0].text}' is unconfirmed in {d.reference}", flt)
            return self.or_join(outs)
        params = d.language_params(self, langs)
        if params:
            self._params(params, flt, f"language ({', '.join(langs)})")
            return None
        self.emit(codes.LANGUAGE_UNAVAILABLE, f"{d.label} cannot limit to "
                  f"{', '.join(langs)}; screen languages by hand", flt)
        return None

    def dates(self, start: date | None, end: date | None, entry: bool, flt: Filter) -> Out | None:
        d = self.d
        tpl = d.ENTRY_DATE if entry else d.PUB_DATE
        kind = "entry-date" if entry else "year"
        if entry and tpl is None and not d.has_entry_date_param():
            tpl = d.PUB_DATE
            kind = "year"
            if tpl is not None or d.date_params(self, start, end, False):
                self.emit(codes.PUBLICATION_DATE, f"{d.label} has no entry date; the date limit "
                          f"'{flt.raw}' uses the publication date", flt)
        if tpl is not None:
            s = start or d.OPEN_START
            e = end or d.OPEN_END
            values = {"start": s, "end": e, "start_prev": s - timedelta(days=1),
                      "end_next": e + timedelta(days=1), "y0": s.year, "y1": e.year,
                      "y0m1": s.year - 1, "y1p1": e.year + 1}
            text = (tpl.both if start else tpl.until).format(**values)
            if kind in d.UNCONFIRMED:
                self.emit(codes.FILTER_UNCONFIRMED, f"{d.label} date filter '{text}' is "
                          f"unconfirmed in {d.reference}", flt)
            return Out(text, " AND " not in text, "and" if " AND " in text else None)
        params = d.date_params(self, start, end, kind == "entry-date")
        if params:
            self._params(params, flt, "the date limit")
            return None
        self.emit(codes.LIMIT_DROPPED, f"{d.label} cannot limit dates; '{flt.raw}' dropped", flt)
        return None

    def review_filters(self, query_node: Any) -> list[Filter]:
        """Filters for the review's languages and start/cutoff that the strategy lacks."""
        review = self.review
        if review is None:
            return []
        out: list[Filter] = []
        existing = {f.kind for f in _filters_in(query_node)}
        langs = list(getattr(review, "languages", []) or [])
        if langs and "language" not in existing:
            out.append(Filter("language", tuple(langs), f"{' or '.join(langs)} (review.toml)"))
        cutoff = getattr(review, "cutoff", None)
        start = getattr(review, "start", None)
        if cutoff is not None:
            out.append(Filter("entry-date", (start.isoformat() if start else "",
                                             cutoff.isoformat()),
                              f"{start or 'inception'} to {cutoff} (review.toml)"))
        return out


_JOIN = {"filter": ",", "qInclude": "|,|"}


def and_all(*nodes: Any, span: Any = None) -> Bool:
    """AND of ``nodes``, flattening nested ANDs so inlined limits do not pile up brackets."""
    kids: list[Any] = []
    for n in nodes:
        if isinstance(n, Bool) and n.op == "and":
            kids.extend(n.children)
        else:
            kids.append(n)
    return Bool("and", tuple(kids)) if span is None else Bool("and", tuple(kids), span=span)


def _unwild(text: str) -> str:
    return _WILD.sub("", text)


def _is_limit(node: Any) -> bool:
    return isinstance(node, Bool) and any(isinstance(k, Filter) for k in node.children)


def _filters_in(node: Any) -> list[Filter]:
    out: list[Filter] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Filter):
            out.append(n)
        elif isinstance(n, Limit):
            out.extend(n.filters)
        elif isinstance(n, Bool):
            stack.extend(n.children)
    return out


def _has_refs(statements: tuple[Statement, ...]) -> bool:
    for st in statements:
        stack = [st.expr]
        while stack:
            n = stack.pop()
            if isinstance(n, LineRef | LineRange | Limit):
                return True
            if isinstance(n, Bool):
                stack.extend(n.children)
    return False


def _ovid_near(node: Near) -> str:
    op = "adj" if node.ordered and node.distance == 0 else f"adj{node.distance + 1}"
    return f"Ovid {op}"


def _ovid_heading(h: Heading) -> str:
    return f"{'exp ' if h.explode else ''}{'*' if h.major else ''}{h.label}/" + \
        ",".join(h.subheadings)


def slop_pair(r: Renderer, seqs: tuple[Seq, ...], distance: int, f: FieldUse | None,
              node: Any) -> Out | None:
    """Lucene proximity for two plain words in any order: ``"a b"~k OR "b a"~k``.

    Lucene phrase slop counts position moves: in order, up to k words between match; reversed
    order costs two moves, so ``"a b"~k`` alone misses "b x a" (openalex.md §5, europepmc.md §4).
    Both orders together are exactly "at most k words between, any order". Multi-word operands
    and wildcards cannot be expressed this way (None: the caller degrades with a warning)."""
    if distance == 0 and len(seqs) == 2:
        a, b = seqs
        return r.or_join([r.words(a + b, node, f, True), r.words(b + a, node, f, True)])
    if len(seqs) != 2 or any(len(s) != 1 or s[0].has_wildcard for s in seqs):
        return None
    if r.d.FIELD_STYLE == "none":
        r.field(tuple(f.ovid.split(",")) if f else ("mp",), node)
    a, b = (r.word(s[0]) for s in seqs)
    q = r.d.QUOTE
    return Out(f"{q}{a} {b}{q}~{distance}{r.d.OR}{q}{b} {a}{q}~{distance}", False, "or")
