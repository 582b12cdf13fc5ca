"""PRESS-style search-quality warnings on parsed statements.

These do not stop a strategy from compiling; they point at the places a peer reviewer using the
PRESS 2015 checklist would query: truncation stems too short to mean anything, numbers Ovid would
read as line references, field suffixes that bind to less than the author meant, free text without
a field, ``not`` that throws away relevant records, lines that repeat earlier ones, combinations
that name one line only, and copy-and-paste slips.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trawl.query import codes
from trawl.query.ast import (
    Bool,
    Fielded,
    Heading,
    LineRange,
    LineRef,
    Near,
    Node,
    Phrase,
    Span,
    Statement,
    Term,
    walk,
)
from trawl.query.diagnostics import Diagnostic

MIN_STEM = 3  # letters before an unlimited truncation symbol; 'co*' (2) matches far too much
# Field suffixes that search controlled indexing, not the words of the text (ovid.md §2, §8).
CONTROLLED_FIELDS = frozenset({"sh", "xm", "fs", "pt", "hw", "mh", "mf", "id", "rn", "nm", "lg", "la"})


def _at(span: Span) -> dict:
    return {"line": span.line, "column": span.column, "end_column": span.end_column}


def _free_text(node: Node) -> bool:
    return isinstance(node, Term | Phrase | Near)


def _searches_free_text(node: Node) -> bool:
    """True when some word under ``node`` is searched in the text, not in controlled indexing."""
    if isinstance(node, Fielded):
        return not set(node.fields) <= CONTROLLED_FIELDS and _searches_free_text(node.child)
    if isinstance(node, Bool):
        return any(_searches_free_text(c) for c in node.children)
    return _free_text(node)


def _words(node: Node) -> Iterator[Term]:
    for sub in walk(node):
        if isinstance(sub, Term):
            yield sub


def check_statement(statement: Statement) -> list[Diagnostic]:
    """Warnings about one statement on its own."""
    out: list[Diagnostic] = []
    expr = statement.expr
    seen_terms: set[int] = set()
    controlled = {id(sub) for node in walk(expr)
                  if isinstance(node, Fielded) and set(node.fields) <= CONTROLLED_FIELDS
                  for sub in walk(node.child)}
    for node in walk(expr):
        if isinstance(node, Term) and id(node) not in seen_terms:
            seen_terms.add(id(node))
            out.extend(_term_warnings(node))
        elif isinstance(node, Phrase):
            if not node.quoted and any(w.text.isdecimal() for w in node.words):
                text = " ".join(w.text for w in node.words)
                out.append(Diagnostic.of(codes.NUMBER_IN_TERM, f"'{text}': Ovid reads a bare number as a "
                                         "line reference", fix=f'"{text}"', **_at(node.span)))
            out.extend(_repeated([w.text for w in node.words], node.span))
        elif isinstance(node, Heading):
            out.extend(_repeated(node.label.replace(",", " ").split(), node.span))
        elif isinstance(node, LineRange):
            if len(node.numbers) == 1 or len(set(node.numbers)) != len(node.numbers):
                out.append(Diagnostic.of(codes.THIN_COMBINATION, f"'{node.op}/' names "
                                         f"{'one line only' if len(node.numbers) == 1 else 'a line twice'}",
                                         **_at(node.span)))
        elif isinstance(node, Bool):
            out.extend(_bool_warnings(node, controlled=id(node) in controlled))
    out.extend(_unfielded(expr, fielded=False))
    return out


_EBSCO_SET = re.compile(r"[Ss]\d{1,3}")
_UNLIMITED = re.compile(r"\*(?!\d)")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
_WILDCARD = re.compile(r"[*?#]")
_ONE_CHAR_WILDCARD = re.compile(r"[?#]")


def _term_warnings(term: Term) -> list[Diagnostic]:
    out = []
    if _EBSCO_SET.fullmatch(term.text):
        out.append(Diagnostic.of(codes.FOREIGN_REFERENCE, f"'{term.text}' looks like an EBSCOhost "
                                 f"search reference; Ovid searches it as a word (line "
                                 f"{term.text[1:]} is written {term.text[1:]})",
                                 fix=term.text[1:], **_at(term.span)))
    if not term.has_wildcard:
        return out
    m = _UNLIMITED.search(term.text)
    if m:
        stem = _NOT_ALNUM.sub("", term.text[: m.start()])
        if len(stem) < MIN_STEM and not _WILDCARD.search(term.text[: m.start()]):
            out.append(Diagnostic.of(codes.SHORT_STEM, f"'{term.text}': a stem of {len(stem)} "
                                     f"letter{'s' if len(stem) != 1 else ''} before '*' matches far too "
                                     "many words", **_at(term.span)))
    letters = _NOT_ALNUM.sub("", term.text)
    if _ONE_CHAR_WILDCARD.search(term.text) and len(letters) <= 2:
        out.append(Diagnostic.of(codes.SHORT_WILDCARD_WORD, f"'{term.text}': a wildcard in a word of "
                                 f"{len(letters)} letters matches many unrelated words", **_at(term.span)))
    return out


def _repeated(words: list[str], span: Span) -> list[Diagnostic]:
    for a, b in zip(words, words[1:], strict=False):
        if a.lower() == b.lower() and a.isalpha():
            return [Diagnostic.of(codes.REPEATED_WORD, f"'{a} {b}': the same word twice in a row",
                                  fix=" ".join(_dedupe(words)), **_at(span))]
    return []


def _dedupe(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        if not out or out[-1].lower() != w.lower():
            out.append(w)
    return out


def _bool_warnings(node: Bool, *, controlled: bool) -> list[Diagnostic]:
    """``controlled``: the group is under a suffix such as .sh. that searches indexing, not text."""
    out = []
    if node.op == "not" and not controlled:
        right = node.children[1]
        if _searches_free_text(right):
            out.append(Diagnostic.of(codes.NOT_FREE_TEXT, "'not' followed by free text excludes every "
                                     "record that merely mentions it; prefer subject headings or "
                                     "the 'X not (X and Y)' form", **_at(right.span)))
    fielded = [c for c in node.children if isinstance(c, Fielded)]
    bare = [c for c in node.children if _free_text(c)]
    if fielded and bare:
        suffix = "." + ",".join(fielded[-1].fields) + "."
        for child in bare:
            out.append(Diagnostic.of(codes.SUFFIX_ON_LAST, f"no field suffix here while a sibling has "
                                     f"{suffix}: this part is searched in .mp.; put the group in "
                                     f"parentheses before {suffix} if that was meant", **_at(child.span)))
    refs = [c.number for c in node.children if isinstance(c, LineRef)]
    if len(refs) != len(set(refs)):
        out.append(Diagnostic.of(codes.THIN_COMBINATION, f"the same line is combined twice in '{node.op}'",
                                 **_at(node.span)))
    elif len(refs) > 2 and refs != sorted(refs):
        out.append(Diagnostic.of(codes.UNORDERED_COMBINATION, f"lines combined out of order: "
                                 f"{f' {node.op} '.join(map(str, refs))}", **_at(node.span)))
    seen: set[Node] = set()
    for child in node.children:
        if isinstance(child, LineRef):
            continue
        if child in seen:
            text = " ".join(t.text for t in _words(child)) or type(child).__name__
            out.append(Diagnostic.of(codes.REPEATED_OPERAND, f"'{text[:40]}' appears twice in this "
                                     f"'{node.op}' list", **_at(child.span)))
        seen.add(child)
    return out


def _unfielded(node: Node, *, fielded: bool) -> list[Diagnostic]:
    """Free text that no field suffix covers: Ovid searches .mp. (ovid.md §3)."""
    if fielded:
        return []
    if isinstance(node, Fielded):
        return []
    if _free_text(node):
        text = " ".join(t.text for t in _words(node))
        return [Diagnostic.of(codes.NO_SUFFIX, f"'{text[:60]}' has no field suffix: Ovid searches the "
                              "multi-purpose fields (.mp.), which include subject-heading words",
                              **_at(node.span))]
    if isinstance(node, Bool):
        return [d for c in node.children for d in _unfielded(c, fielded=False)]
    return []


def duplicate_lines(statements: list[Statement]) -> list[Diagnostic]:
    """Statements whose search is the same as an earlier one's (spans and annotations ignored)."""
    out = []
    first: dict[Node, Statement] = {}
    for s in statements:
        try:
            earlier = first.get(s.expr)
        except TypeError:  # unhashable only if a node holds a list; nodes are tuples throughout
            continue
        if earlier is not None:
            out.append(Diagnostic.of(codes.DUPLICATE_LINE, f"line {s.number} repeats line {earlier.number}",
                                     line=s.span.line, column=s.span.column))
        else:
            first[s.expr] = s
    return out


def _combined(node: Node) -> tuple[str, list[int]] | None:
    """("and"|"or", lines) when ``node`` only combines line numbers with one operator."""
    if isinstance(node, LineRange):
        return node.op, list(node.numbers)
    if isinstance(node, Bool) and node.op in ("and", "or") and all(
            isinstance(c, LineRef) for c in node.children):
        return node.op, [c.number for c in node.children]  # type: ignore[union-attr]
    return None


def redundant_combinations(statements: list[Statement]) -> list[Diagnostic]:
    """``104: 103 and 97 and 102`` where ``103: 97 and 102``: naming 97 and 102 again adds nothing
    (PRESS: the strategy is harder to check, and an edit to 103 may not be reflected in 104)."""
    out = []
    combos = {s.number: c for s in statements if (c := _combined(s.expr)) is not None}
    for s in statements:
        mine = combos.get(s.number)
        if mine is None:
            continue
        op, lines = mine
        for line in lines:
            if line >= s.number:  # forward and self references are resolution errors already
                continue
            inner = combos.get(line)
            if inner is None or inner[0] != op:
                continue
            again = sorted(set(inner[1]) & (set(lines) - {line}))
            if again:
                names = " and ".join(map(str, again))
                out.append(Diagnostic.of(
                    codes.REDUNDANT_REFERENCE, f"line {s.number} names {names} again, but line {line} "
                    f"already combines {'them' if len(again) > 1 else 'it'} with '{op}'",
                    line=s.span.line, column=s.span.column))
    return out
