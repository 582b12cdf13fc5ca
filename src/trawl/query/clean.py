"""The paste cleaner: turns a strategy as people actually paste it into one clean line per statement.

Strategies reach trawl copied out of PDFs, Word files, web pages and Ovid's own search history.
On the way they pick up U+FFFD where a truncation symbol was lost, typographic quotes and dashes,
non-breaking spaces, ligatures, statements wrapped over several lines, statement numbers alone on a
line, hit counts, "No. / Searches / Results" headers, page footers and field keys. The cleaner
undoes each of these and reports every repair as a diagnostic pointing at the ORIGINAL line and
column, so the librarian sees exactly what was changed (``strict=True`` in `trawl.query.analyse`
turns the repairs into errors).

Every character of a cleaned statement remembers where it came from (`SourceLine.origin`), so the
parser's spans and errors point into the original text too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from trawl.query import codes
from trawl.query.diagnostics import Diagnostic

Origin = tuple[int, int]  # 1-based (line, column) in the text the user gave


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One statement after cleaning: its number (None when the paste has none) and its text."""

    number: int | None
    text: str
    origin: tuple[Origin, ...]  # one entry per character of ``text``

    def where(self, index: int) -> Origin:
        """Original (line, column) of ``text[index]``; past the end means just after the last one."""
        if not self.origin:
            return (0, 0)
        if index < len(self.origin):
            return self.origin[max(index, 0)]
        line, column = self.origin[-1]
        return (line, column + 1 + index - len(self.origin))

    @property
    def line(self) -> int:
        return self.origin[0][0] if self.origin else 0


@dataclass(frozen=True, slots=True)
class Cleaned:
    statements: tuple[SourceLine, ...]
    diagnostics: tuple[Diagnostic, ...]
    numbered: bool

    @property
    def text(self) -> str:
        """The cleaned strategy, one statement per line (numbered as the paste was)."""
        return "\n".join(
            f"{s.number}. {s.text}" if self.numbered and s.number is not None else s.text
            for s in self.statements
        )


# ---- character repairs ----------------------------------------------------------------------

_QUOTES = {c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e\uff02"}
_QUOTES.update({c: "'" for c in "\u2018\u2019\u201a\u201b\u2032"})
_DASHES = set("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
_SPACES = set("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
              "\u202f\u205f\u3000")
_INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_BREAKS = set("\u2028\u2029\x0b\x0c\x85")
_LIGATURES = set("\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06")

class Chars:
    """Text with the original (line, column) of every character; slicing and ``+`` keep both."""

    __slots__ = ("text", "origin")

    def __init__(self, text: str, origin: list[Origin]):
        self.text = text
        self.origin = origin

    def __len__(self) -> int:
        return len(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Chars(self.text[index], self.origin[index])
        return self.text[index], self.origin[index]

    def __add__(self, other: Chars) -> Chars:
        return Chars(self.text + other.text, self.origin + other.origin)


_SPECIAL = re.compile("[^\x20-\x7e]")  # anything but printable ASCII needs a closer look


def _repair_characters(text: str, diags: list[Diagnostic]) -> list[Chars]:
    """Split into physical lines and repair characters; each line keeps its characters' origins."""
    lines: list[Chars] = []
    for line_no, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if not _SPECIAL.search(raw.replace("\t", " ")):  # the common case: nothing to repair
            lines.append(Chars(raw, [(line_no, col) for col in range(1, len(raw) + 1)]))
            continue
        current: list[tuple[str, Origin]] = []
        for col, ch in enumerate(raw, start=1):
            where = {"line": line_no, "column": col, "end_column": col + 1}
            if ch == "\ufffd":
                prev = raw[col - 2] if col > 1 else " "
                nxt = raw[col] if col < len(raw) else " "
                if prev.isalnum() and not nxt.isalnum():
                    diags.append(Diagnostic.of(codes.LOST_TRUNCATION,
                                               "U+FFFD (lost character) after "
                                               f"'{_word_before(raw, col - 1)}' read as '*'",
                                               fix="*", **where))
                    current.append(("*", (line_no, col)))
                else:
                    current.append((ch, (line_no, col)))  # the parser reports it (OVID012)
            elif ch in _QUOTES:
                diags.append(Diagnostic.of(codes.SMART_QUOTE,
                                           f"typographic quote {ch!r} read as {_QUOTES[ch]!r}",
                                           fix=_QUOTES[ch], **where))
                current.append((_QUOTES[ch], (line_no, col)))
            elif ch in _DASHES:
                diags.append(Diagnostic.of(codes.UNICODE_DASH,
                                           f"U+{ord(ch):04X} {unicodedata.name(ch, 'dash')} read as '-'",
                                           fix="-", **where))
                current.append(("-", (line_no, col)))
            elif ch in _SPACES:
                diags.append(Diagnostic.of(codes.ODD_SPACE,
                                           f"U+{ord(ch):04X} {unicodedata.name(ch, 'space')} read as a space",
                                           fix=" ", **where))
                current.append((" ", (line_no, col)))
            elif ch in _INVISIBLE:
                diags.append(Diagnostic.of(codes.INVISIBLE,
                                           f"invisible U+{ord(ch):04X} {unicodedata.name(ch, '')} removed",
                                           **where))
            elif ch in _LIGATURES:
                spelled = unicodedata.normalize("NFKC", ch)
                diags.append(Diagnostic.of(codes.LIGATURE, f"ligature {ch!r} spelled out as {spelled!r}",
                                           fix=spelled, **where))
                current.extend((c, (line_no, col)) for c in spelled)
            elif ch in _BREAKS:
                diags.append(Diagnostic.of(codes.LINE_SEPARATOR,
                                           f"U+{ord(ch):04X} read as a line break", **where))
                lines.append(_chars(current))
                current = []
            else:
                current.append((ch, (line_no, col)))
        lines.append(_chars(current))
    return lines


def _chars(pairs: list[tuple[str, Origin]]) -> Chars:
    return Chars("".join(c for c, _ in pairs), [o for _, o in pairs])


def _word_before(raw: str, end: int) -> str:
    start = end
    while start > 0 and raw[start - 1].isalnum():
        start -= 1
    return raw[start:end]


# ---- layout lines -----------------------------------------------------------------------------

_HEADER_WORDS = r"(?:#|no\.?|searches|search(?:es)?|results?|hits|type|actions?|annotations?|set|history)"
_HEADER = re.compile(rf"^\s*{_HEADER_WORDS}(?:\s+{_HEADER_WORDS})*\s*$", re.I)
_BANNER = re.compile(
    r"^\s*(?:database\s*:|search\s+strateg(?:y|ies)\s*:?|search\s+history\s*:?|ovid\s+(?:medline|embase|psycinfo)"
    r"|embase\s+\d{4}|apa\s+psycinfo|medline\s*\(|-{3,}|={3,}|\*{3,}"
    # labelled lines around a strategy: "Topic: CD008803", "Query:", "Pids:", "Appendix 2. MEDLINE"
    r"|(?:topic|title|query|pids|databases?|date|search\s+date|date\s+(?:searched|run)|source|"
    r"strategy|search\s+terms|notes?|filter|limits?|results?|run\s+on)\s*:|appendix\s+\d+\b)",
    re.I)
_FOOTER = re.compile(
    r"^\s*(?:page\s+\d+(?:\s+of\s+\d+)?|\d+\s+of\s+\d+|-\s*\d+\s*-|https?://\S+|doi:\s*\S+"
    r"|(?:fig(?:ure)?|table)\.?\s*\d+\b.*|copyright\b.*|©.*)\s*$", re.I)
_LEGEND = re.compile(r"^\s*key\s*:", re.I)
_NUMBERED = re.compile(r"^\s*(\d+)(?:[.):](?=\s|$)|(?=\s)|$)\s*")
_OPERATOR_START = re.compile(r"^(?:or|and|not|adj\d*)\s", re.I)
_OPERATOR_END = re.compile(r"\s(?:or|and|not|adj\d*)$", re.I)
_CENTRAL = re.compile(r"^\s*#\d+\s|mesh descriptor|explode all trees", re.I)


_SEARCH_SYNTAX = re.compile(r"/\s*$|\.[A-Za-z]{2}(?:,[A-Za-z]{2})*\.?\s*$|\b(?:or|and)/\d|\badj\d*\b", re.I)


def _legend_continues(line: str) -> bool:
    """A line after 'key: mp = ...' that still belongs to the key: it reads like a list of field
    names ("title, abstract, ...; fs = floating subheading.") and not like a search statement."""
    return (not _NUMBERED.match(line) and any(c in line for c in "=;,")
            and not _SEARCH_SYNTAX.search(line))


def _text(chars: Chars) -> str:
    return chars.text


def _strip(chars: Chars) -> Chars:
    text = chars.text
    start = len(text) - len(text.lstrip(" \t"))
    end = len(text.rstrip(" \t"))
    return chars[start:end] if end > start else chars[0:0]


def _paren_depth(text: str) -> int:
    """Net open parentheses, outside quotes."""
    depth, quoted = 0, False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
    return depth


def _min_depth(text: str) -> int:
    depth, low, quoted = 0, 0, False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
            low = min(low, depth)
    return low


def _is_numbered(candidates: list[Chars]) -> bool:
    """A paste is numbered when its lines start with n, n+1, n+2 ... (most of them, in order);
    n is usually 1, but a partial paste may start later."""
    expected, hits = _first_number(candidates), 0
    for chars in candidates:
        m = _NUMBERED.match(_text(chars))
        if m and int(m.group(1)) == expected:
            hits += 1
            expected += 1
    if len(candidates) == 1:  # "1. exp Peer Group/" alone: numbered if the number is marked
        m = _NUMBERED.match(candidates[0].text)
        return bool(hits and m and m.group(0).rstrip()[-1:] in ".):")
    return hits >= 2 and hits * 2 >= len(candidates) - _continuation_like(candidates)


def _first_number(candidates: list[Chars]) -> int:
    m = _NUMBERED.match(candidates[0].text) if candidates else None
    return int(m.group(1)) if m else 1


def _continuation_like(candidates: list[Chars]) -> int:
    return sum(1 for chars in candidates
               if _text(chars)[:1] in (" ", "\t") and not _NUMBERED.match(_text(chars)))


def clean(text: str) -> Cleaned:
    """Clean a pasted strategy; see the module docstring. Never raises for odd input."""
    diags: list[Diagnostic] = []
    physical = _repair_characters(text, diags)

    # Pass 1: drop layout lines (headers, banners, footers, field keys), remember a results column.
    candidates: list[Chars] = []
    in_legend = False
    for chars in physical:
        line_text = _text(chars)
        if not line_text.strip():
            in_legend = False
            continue
        where = {"line": chars[0][1][0], "column": chars[0][1][1]}
        if in_legend and _legend_continues(line_text):
            diags.append(Diagnostic.of(codes.LEGEND, "field key continued: removed", **where))
            continue
        in_legend = False
        if _LEGEND.match(line_text):
            in_legend = True
            diags.append(Diagnostic.of(codes.LEGEND, f"field key removed: {line_text.strip()[:60]!r}", **where))
        elif _HEADER.match(line_text):
            diags.append(Diagnostic.of(codes.HEADER, f"header removed: {line_text.strip()!r}", **where))
        elif _BANNER.match(line_text):
            diags.append(Diagnostic.of(codes.HEADER, f"banner removed: {line_text.strip()[:60]!r}", **where))
        elif _FOOTER.match(line_text):
            diags.append(Diagnostic.of(codes.FOOTER, f"footer removed: {line_text.strip()[:60]!r}", **where))
        else:
            candidates.append(chars)

    if candidates and sum(1 for c in candidates if _CENTRAL.search(_text(c))) * 2 >= len(candidates):
        first = candidates[0][0][1]
        diags.append(Diagnostic.of(
            codes.NOT_OVID, "this looks like Cochrane Library (CENTRAL) syntax ('#1', 'MeSH descriptor "
            "... explode all trees'), not Ovid; trawl reads Ovid strategies", line=first[0], column=1))
        return Cleaned((), tuple(diags), False)

    numbered = _is_numbered(candidates)
    statements = (_split_numbered(candidates, diags) if numbered
                  else _split_unnumbered(candidates, diags))
    if len(statements) > 1 and not numbered:
        first = statements[0].origin[0]
        diags.append(Diagnostic.of(
            codes.UNNUMBERED, f"no statement numbers: the {len(statements)} statements are numbered "
            "1.. by position, and line references point at those positions", line=first[0], column=1))
    diags.sort(key=lambda d: (d.line or 0, d.column or 0))
    return Cleaned(tuple(statements), tuple(diags), numbered)


def _leading(chars: Chars, diags: list[Diagnostic]) -> Chars:
    stripped = _strip(chars)
    if chars and chars[0][0] in " \t" and stripped:
        line, col = chars[0][1]
        diags.append(Diagnostic.of(codes.LEADING_SPACE, "leading whitespace removed",
                                   line=line, column=col, end_column=stripped[0][1][1]))
    return stripped


# Copied from Ovid's search-history table: "search<TAB>12,436<TAB>Advanced<TAB>Display Results..."
_TABLE_COLUMNS = re.compile(r"\t[ \t]*\(?\d[\d,]*\)?[ \t]*(?:\t.*)?$")
_TRAILING_NUMBER = re.compile(r"(\s+)(\(?\d[\d,]*\)?)\s*$")


def _drop_count(chars: Chars, wide_columns: bool, diags: list[Diagnostic]) -> Chars:
    """Remove a hit count after a statement, but never a number that may be a line reference.

    A trailing number is a count when it cannot be an operand: it is in parentheses or has
    thousands separators, or it follows a field suffix, a heading slash, ')' or a quote; or, in a
    paste laid out in columns, it is set off by a tab or several spaces. It is never a count when
    an operator comes before it (``5 and 6``).
    """
    text = _text(chars)
    table = _TABLE_COLUMNS.search(text)
    if table and text[: table.start()].strip() and not _OPERATOR_END.search(
            " " + text[: table.start()].rstrip()):
        line, col = chars[table.start() + 1][1]
        rest = " ".join(table.group().split())
        diags.append(Diagnostic.of(codes.HIT_COUNT, f"hit count and search-history columns removed: "
                                   f"{rest!r}", line=line, column=col,
                                   end_column=chars[len(text) - 1][1][1] + 1))
        return _strip(chars[: table.start()])
    m = _TRAILING_NUMBER.search(text)
    if not m:
        return chars
    before = text[: m.start()].rstrip()
    if not before or _OPERATOR_END.search(" " + before) or before.lower().endswith(("limit", " to")):
        return chars
    count, gap = m.group(2), m.group(1)
    if not (
        count.startswith("(") or "," in count
        or before.endswith((".", "/", ")", "]", '"'))
        or (wide_columns and ("\t" in gap or len(gap) >= 2))
    ):
        return chars
    line, col = chars[m.start(2)][1]
    diags.append(Diagnostic.of(codes.HIT_COUNT, f"hit count {count!r} removed",
                               line=line, column=col, end_column=chars[m.end(2) - 1][1][1] + 1))
    return _strip(chars[: m.start()])


def _join(head: Chars, tail: Chars, diags: list[Diagnostic], *, renumbers: bool = False) -> Chars:
    """Join a wrapped line to its statement. ``renumbers``: the paste has no statement numbers, so
    the join decides the position number of every later line (a warning, not a note)."""
    if not tail:
        return head
    line, col = head[-1][1] if head else tail[0][1]
    tail_line, tail_col = tail[0][1]
    head_line = head[0][1][0] if head else tail_line
    where = f"line {tail_line}" if tail_line != head_line else "the text after the line break"
    if renumbers:
        diags.append(Diagnostic.of(codes.WRAPPED_UNNUMBERED, f"{where} read as the continuation of "
                                   f"line {head_line}: joined; the position numbers of later lines "
                                   "depend on it", line=tail_line, column=tail_col))
    else:
        diags.append(Diagnostic.of(codes.WRAPPED, f"{where} continues the statement of line "
                                   f"{head_line}: joined", line=tail_line, column=tail_col))
    return head + Chars(" ", [(line, col + 1)]) + tail


def _split_numbered(candidates: list[Chars], diags: list[Diagnostic]) -> list[SourceLine]:
    out: list[tuple[int, Chars]] = []
    pending: tuple[int, Origin] | None = None  # a number alone on its line
    expected = _first_number(candidates)
    for raw in candidates:
        text = _text(raw)
        m = _NUMBERED.match(text)
        number = int(m.group(1)) if m else None
        indented = text[:1] in (" ", "\t")
        punctuated = bool(m and m.group(0).rstrip()[-1:] in ".):")
        # "12." always starts statement 12; a bare "12" does when it is the next number, or when
        # it is not indented like a wrapped continuation ("   22 or 23").
        starts_statement = number is not None and (
            number == expected or punctuated or (not indented and pending is None))
        if starts_statement:
            assert m is not None and number is not None
            if number != expected:
                diags.append(Diagnostic.of(codes.NUMBER_GAP, f"statement {number} follows statement "
                                           f"{expected - 1}", line=raw[0][1][0], column=1))
            if indented:
                _leading(raw, diags)
            body = _strip(raw[m.end():])
            expected = number + 1
            if not body:
                pending = (number, raw[0][1])
                continue
            body = _drop_count(body, True, diags)
            if pending is not None:
                diags.append(Diagnostic.of(codes.NUMBER_ALONE, f"number {pending[0]} has no statement",
                                           line=pending[1][0], column=pending[1][1]))
                pending = None
            out.append((number, body))
        elif pending is not None:
            body = _drop_count(_strip(raw), True, diags)
            diags.append(Diagnostic.of(codes.NUMBER_ALONE, f"statement number {pending[0]} stands alone "
                                       f"on line {pending[1][0]}; joined with line {raw[0][1][0]}",
                                       line=pending[1][0], column=pending[1][1]))
            out.append((pending[0], body))
            pending = None
        elif out:
            number_, head = out[-1]
            out[-1] = (number_, _join(head, _drop_count(_strip(raw), True, diags), diags))
        else:
            diags.append(Diagnostic.of(codes.STRAY_TEXT, f"ignored before statement 1: {text.strip()[:60]!r}",
                                       line=raw[0][1][0], column=1))
    return [SourceLine(n, c.text, tuple(c.origin)) for n, c in out if c]


def _split_unnumbered(candidates: list[Chars], diags: list[Diagnostic]) -> list[SourceLine]:
    out: list[Chars] = []
    for raw in candidates:
        text = _text(raw).strip()
        if out:
            prev = _text(out[-1])
            wrapped = (
                text.startswith("[")  # a [comment] on its own line annotates the line before
                or (_paren_depth(prev) > 0 and (_min_depth(text) < 0 or _OPERATOR_START.match(text)))
                or (_OPERATOR_START.match(text) and not text.lower().startswith(("or/", "and/")))
                or _OPERATOR_END.search(prev)
            )
            if wrapped:
                out[-1] = _join(out[-1], _strip(raw), diags, renumbers=True)
                continue
        out.append(_leading(raw, diags))
    return [SourceLine(None, c.text, tuple(c.origin)) for c in out if c]
