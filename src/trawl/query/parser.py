"""Parse one cleaned statement with the Lark grammar (grammars/ovid.lark) into frozen AST nodes.

The LALR parser is built once per process (module-level cache, plus lark's own on-disk cache of
the compiled grammar). Each statement is parsed on its own, so one bad line never hides the
diagnostics of the others. Before parsing, parentheses and quotes are checked by hand: an LALR
error message for ``a))`` says "unexpected ')'", while a librarian needs "unmatched ')' at column 30;
open a parenthesis before 'peer'" — and the fix is proposed only when the repaired statement
actually parses. The AST itself is made by `trawl.query.build` as the parser reduces.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from lark import Lark
from lark.exceptions import LarkError

from trawl.query import codes
from trawl.query.ast import (
    Node,
)
from trawl.query.build import Builder, LineError, apply_edits
from trawl.query.clean import SourceLine
from trawl.query.diagnostics import Diagnostic

_RULES = ("start", "statement", "chain", "near", "operand", "words", "phrase", "quoted", "heading",
          "heading_label", "line_ref", "line_range", "group", "limit", "limit_or", "limit_and",
          "limit_words", "limit_quoted", "limit_kv", "limit_group", "remove_duplicates")

_CONTEXT = threading.local()  # the Builder of the statement being parsed, per thread


class _Inline:
    """Lark's inline transformer: LALR calls these as it reduces, so no parse tree is built.

    Each call is handed to the current statement's `Builder` (which knows where every character
    came from), found in a thread-local: the parser is built once and shared.
    """


def _callback(rule: str):
    def call(self, children):
        return _CONTEXT.builder.call(rule, children)

    call.__name__ = rule
    return call


for _rule in _RULES:
    setattr(_Inline, _rule, _callback(_rule))


@lru_cache(maxsize=1)
def ovid_parser() -> Lark:
    """The LALR parser for grammars/ovid.lark, built once (lark caches the tables on disk too)."""
    from trawl.resources import grammar

    return Lark(grammar("ovid"), parser="lalr", lexer="contextual", transformer=_Inline(),
                maybe_placeholders=False, cache=True)


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """The outcome of parsing one statement: the node (None on error) and what was found."""

    source: SourceLine
    number: int | None
    expr: Node | None
    annotation: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fixed_text: str | None = None  # the statement with an obvious fix applied, when there is one

    @property
    def ok(self) -> bool:
        return self.expr is not None


def parse_line(source: SourceLine, database: str = "ovid-medline") -> ParsedLine:
    """Parse one cleaned statement; every problem becomes a diagnostic at its original position."""
    text = source.text
    diags: list[Diagnostic] = []
    problem = _check_balance(source)
    if problem is not None:
        diag, fixed = problem
        diags.append(diag)
        if fixed is not None:  # keep linting the repaired statement for the other findings
            repaired = parse_line(SourceLine(source.number, fixed, _stretch(source, fixed)), database)
            diags.extend(d for d in repaired.diagnostics if d.code not in _BALANCE_CODES)
            fixed = repaired.fixed_text or fixed
        return ParsedLine(source, source.number, None, None, diags, fixed)
    builder = _CONTEXT.builder = Builder(source, database, diags)
    try:
        number, expr, annotation = ovid_parser().parse(text)
    except LineError as err:
        diags.append(err.diagnostic)
        return ParsedLine(source, source.number, None, None, diags)
    except LarkError as exc:
        diags.append(_syntax_error(source, exc))
        return ParsedLine(source, source.number, None, None, diags)
    finally:
        _CONTEXT.builder = None
    fixed_text = apply_edits(text, builder.edits) if builder.edits else None
    return ParsedLine(source, number if number is not None else source.number, expr, annotation, diags,
                      fixed_text)


def parse_statement(text: str, database: str = "ovid-medline") -> ParsedLine:
    """Parse one statement given on its own (positions are columns of ``text``, line 1)."""
    return parse_line(SourceLine(None, text, _identity(text)), database)


def _identity(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((1, i + 1) for i in range(len(text)))


_BALANCE_CODES = {codes.UNMATCHED_CLOSE, codes.UNCLOSED_OPEN, codes.UNCLOSED_QUOTE}


def _stretch(source: SourceLine, fixed: str) -> tuple[tuple[int, int], ...]:
    """Origins for a repaired text: characters shared with the original keep theirs."""
    out, i = [], 0
    for ch in fixed:
        if i < len(source.text) and source.text[i] == ch:
            out.append(source.where(i))
            i += 1
        else:
            out.append(source.where(i))
    return tuple(out)


# ---- parentheses and quotes -------------------------------------------------------------------

_SUFFIX_AT_END = re.compile(r"\.[ \t]*[A-Za-z]{2,3}([ \t]*,[ \t]*[A-Za-z]{2,3})*\.?(\s*\[[^\]]*\])?\s*$")
_TRAILING_COMMENT = re.compile(r"\s\[[^\]\[]*\]\s*$")
_TOKEN_START = re.compile(r'(?<![^\s(])[^\s()]')


def _parses(text: str) -> bool:
    """Whether ``text`` is syntactically a statement (used to choose a fix)."""
    saved = getattr(_CONTEXT, "builder", None)
    _CONTEXT.builder = Builder(SourceLine(None, text, _identity(text)), "ovid-medline", [])
    try:
        ovid_parser().parse(text)
    except LineError:
        return True  # parses; what it means is reported when the fixed line itself is analysed
    except LarkError:
        return False
    finally:
        _CONTEXT.builder = saved
    return True


def _check_balance(source: SourceLine) -> tuple[Diagnostic, str | None] | None:
    """Unclosed quote, unmatched ')' or unclosed '(' — with a fix when one obviously works.

    A trailing ``[display comment]`` is free text and is not checked.
    """
    text = source.text
    comment = _TRAILING_COMMENT.search(text)
    searched = text[: comment.start()] if comment else text
    quotes = [i for i, ch in enumerate(searched) if ch == '"']
    if len(quotes) % 2:
        at = quotes[-1]
        line, col = source.where(at)
        end = _SUFFIX_AT_END.search(text[at:])
        insert = at + end.start() if end else len(text.rstrip())
        fixed = text[:insert] + '"' + text[insert:]
        ok = _parses(fixed)
        return (Diagnostic.of(codes.UNCLOSED_QUOTE, f"the quotation mark at column {col} is never closed",
                              line=line, column=col, end_column=col + 1,
                              fix=f"close it: {fixed}" if ok else None), fixed if ok else None)
    opens: list[int] = []
    quoted = False
    for i, ch in enumerate(searched):
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "(":
            opens.append(i)
        elif ch == ")":
            if not opens:
                return _fix_unmatched_close(source, i)
            opens.pop()
    if opens:
        return _fix_unclosed_open(source, opens[-1])
    return None


def _fix_unmatched_close(source: SourceLine, at: int) -> tuple[Diagnostic, str | None]:
    text = source.text
    line, col = source.where(at)
    for m in _TOKEN_START.finditer(text[:at]):
        fixed = text[: m.start()] + "(" + text[m.start():]
        if _parses(fixed):
            word = re.match(r'[^\s()]+', text[m.start():])
            before = word.group() if word else text[m.start()]
            return (Diagnostic.of(codes.UNMATCHED_CLOSE, f"unmatched ')' at column {col}",
                                  line=line, column=col, end_column=col + 1,
                                  fix=f"open a parenthesis before '{before}': {fixed}"), fixed)
    return (Diagnostic.of(codes.UNMATCHED_CLOSE, f"unmatched ')' at column {col}",
                          line=line, column=col, end_column=col + 1), None)


def _fix_unclosed_open(source: SourceLine, at: int) -> tuple[Diagnostic, str | None]:
    text = source.text
    line, col = source.where(at)
    candidates = []
    suffix = _SUFFIX_AT_END.search(text)
    if suffix and suffix.start() > at:
        candidates.append(suffix.start())
    candidates.append(len(text.rstrip()))
    for pos in candidates:
        fixed = text[:pos] + ")" + text[pos:]
        if _parses(fixed):
            return (Diagnostic.of(codes.UNCLOSED_OPEN, f"the '(' at column {col} is never closed",
                                  line=line, column=col, end_column=col + 1,
                                  fix=f"close it: {fixed}"), fixed)
    return (Diagnostic.of(codes.UNCLOSED_OPEN, f"the '(' at column {col} is never closed",
                          line=line, column=col, end_column=col + 1), None)


def _syntax_error(source: SourceLine, exc: Exception) -> Diagnostic:
    """Turn a lark error into OVID001 at the original position, saying what was expected."""
    index = getattr(exc, "pos_in_stream", None)
    token = getattr(exc, "token", None)
    if index is None and token is not None:
        index = getattr(token, "start_pos", None)
    if index is None:
        index = len(source.text)
    line, col = source.where(index)
    if token is not None and getattr(token, "type", "") == "$END":
        found = "the statement ends too early"
    elif token is not None:
        found = f"unexpected {str(token)!r}"
    else:
        found = f"unexpected {source.text[index:index + 1]!r}" if index < len(source.text) else \
            "the statement ends too early"
    expected = getattr(exc, "expected", None) or getattr(exc, "allowed", None) or set()
    names = sorted({_EXPECTED.get(e, "") for e in expected} - {""})
    hint = f"; expected {', '.join(names)}" if names else ""
    foreign = _foreign_syntax(source.text)
    return Diagnostic.of(codes.SYNTAX, f"{found} at column {col}{hint}" +
                         (f" ({foreign[0]})" if foreign else ""), line=line, column=col,
                         end_column=col + max(1, len(str(token)) if token is not None else 1),
                         fix=foreign[1] if foreign else None)


# Other databases' syntax that people paste into an Ovid strategy: (pattern, what it is, advice).
_FOREIGN = [
    (re.compile(r"\.(?:tiab|abti)\.?", re.I), "'.tiab.' is not an Ovid field code",
     "title and abstract is .ti,ab."),
    (re.compile(r"\.[A-Za-z]{4,}\.", re.I), "Ovid field codes have two letters",
     "e.g. .ti,ab. or .mp."),
    (re.compile(r"\b(?:near|w|pre|n)/?(\d+)\b", re.I),
     "this is another database's proximity operator", "Ovid writes proximity as adjN (adj{n})"),
    (re.compile(r"\[(?:tiab|ti|ab|mh|mesh|majr|pt|tw|sh|all fields)(?::noexp)?\]", re.I),
     "PubMed field tags are not Ovid syntax", "write the field as a suffix, e.g. term.ti,ab."),
    (re.compile(r"\b(?:TITLE-ABS-KEY|TITLE-ABS|TITLE|ABS|KEY|AUTHKEY)\s*\(", re.I),
     "Scopus field codes are not Ovid syntax", "write the field as a suffix, e.g. (a or b).ti,ab."),
    (re.compile(r"\b(?:TS|TI|AB)\s*=", re.I),
     "Web of Science field tags are not Ovid syntax", "write the field as a suffix, e.g. (a or b).ti,ab."),
    (re.compile(r"\b(?:MH|MM|TI|AB|TX)\s+\(?\"", re.I),
     "EBSCOhost field codes are not Ovid syntax", "write the field as a suffix, e.g. \"a b\".ti,ab."),
    (re.compile(r"#\d+"), "'#1' is how other databases number searches",
     "Ovid refers to line 1 as plain 1, e.g. 1 or 2"),
]


_PAREN_LABEL = re.compile(r"((?:exp\s+)?\*?)([A-Za-z][^()/\"]*\([^()]*\))/", re.I)


def _foreign_syntax(text: str) -> tuple[str, str] | None:
    """What a line that does not parse may be: another database's syntax, or a heading whose
    label holds parentheses and so must be quoted (``"Power (Psychology)"/``)."""
    label = _PAREN_LABEL.search(text)
    if label:
        return ("a heading label with parentheses must be quoted",
                f'{label.group(1)}"{label.group(2).strip()}"/')
    for pattern, what, advice in _FOREIGN:
        m = pattern.search(text)
        if m:
            number = m.group(1) if m.groups() else None
            if number is not None:
                advice = advice.format(n=int(number) + 1)
            return what, advice
    return None


_EXPECTED = {
    "WORD": "a term", "QUOTED": "a quoted phrase", "NUMBER": "a line number", "LPAR": "'('",
    "RPAR": "')'", "BOOL_OP": "and/or/not", "ADJ": "adj", "FIELDS": "a field suffix like .ti,ab.",
    "HEADING_END": "'/'", "COMBINE": "or/1-3", "EXP": "exp", "TO": "'to'", "LIMIT_KV": 'yr="2000-Current"',
}
