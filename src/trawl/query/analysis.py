"""The front end in one call: clean → parse each statement → resolve → PRESS checks.

`analyse` never raises for bad input: everything it finds is a diagnostic whose line and column
point into the text the user gave. `parse_strategy` is the strict form for callers that need a
`Strategy` or nothing: it raises `TrawlError` carrying the first error.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from trawl.gcpause import cycle_collection_paused
from trawl.query import checks, codes
from trawl.query.ast import Fielded, Phrase, Span, Statement, Strategy, Term, walk
from trawl.query.build import VOCABULARY
from trawl.query.clean import clean
from trawl.query.diagnostics import Diagnostic, Severity, TrawlError
from trawl.query.parser import ParsedLine, parse_line
from trawl.query.resolve import Line, resolve


@dataclass(frozen=True)
class Analysis:
    """What the front end made of a strategy text."""

    strategy: Strategy | None  # None when any diagnostic is an error
    diagnostics: list[Diagnostic]
    cleaned: str  # one statement per line, after the paste repairs
    fixed: str = ""  # ``cleaned`` with every obvious fix applied (what ``trawl lint --fix`` prints)
    statements: list[Statement] = field(default_factory=list)  # those that parsed, numbered

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.ERROR]

    @property
    def ok(self) -> bool:
        return self.strategy is not None


def analyse(text: str, *, database: str = "ovid-medline", strict: bool = False) -> Analysis:
    """Clean, parse, resolve and check a strategy. ``strict`` turns every repair into an error."""
    with cycle_collection_paused():
        return _analyse(text, database, strict)


def _analyse(text: str, database: str, strict: bool) -> Analysis:
    cleaned = clean(text)
    diags: list[Diagnostic] = list(cleaned.diagnostics)
    parsed: list[ParsedLine] = [parse_line(src, database) for src in cleaned.statements]

    statements: list[Statement] = []
    lines: list[Line] = []
    fixed_lines: list[str] = []  # one per statement, parsed or not
    fixed_index: list[int] = []  # statements[i] is fixed_lines[fixed_index[i]]
    for position, result in enumerate(parsed, start=1):
        src = result.source
        number = result.number if cleaned.numbered and result.number is not None else position
        end_line, end_col = src.where(len(src.text) - 1)
        span = Span(src.line, src.origin[0][1] if src.origin else 0, end_line, end_col + 1)
        diags.extend(result.diagnostics)
        if result.expr is not None:
            statement = Statement(number, result.expr, result.annotation, span=span)
            statements.append(statement)
            fixed_index.append(len(fixed_lines))
            diags.extend(checks.check_statement(statement))
        lines.append(Line(number, span, result.expr))
        body = result.fixed_text if result.fixed_text is not None else src.text
        fixed_lines.append(f"{number}. {body}" if cleaned.numbered else body)

    for index, diag in _lost_heading_slashes(statements, diags, database):
        diags.append(diag)
        diags[:] = [d for d in diags if not (d.code == codes.NO_SUFFIX and d.line == diag.line)]
        fixed_lines[fixed_index[index]] = (f"{statements[index].number}. {diag.fix}"
                                           if cleaned.numbered else str(diag.fix))

    if not cleaned.statements and not any(d.code == codes.NOT_OVID for d in diags):
        diags.append(Diagnostic.of(codes.EMPTY_STRATEGY, "no search statements found", line=1, column=1))
    diags.extend(resolve(lines))
    diags.extend(checks.duplicate_lines(statements))
    diags.extend(checks.redundant_combinations(statements))

    if strict:
        diags = [replace(d, severity=Severity.ERROR, message=d.message + " (strict: repairs are errors)")
                 if d.code.startswith("CLEAN") else d for d in diags]
    diags.sort(key=lambda d: (d.line or 0, d.column or 0, d.code))
    has_error = any(d.severity == Severity.ERROR for d in diags)
    strategy = None if has_error else Strategy(tuple(statements), database=database)
    fixed = "\n".join(fixed_lines) + ("\n" if fixed_lines else "")
    return Analysis(strategy, diags, cleaned.text, fixed, statements)


def _lost_heading_slashes(statements: list[Statement], diags: list[Diagnostic],
                          database: str) -> list[tuple[int, Diagnostic]]:
    """PRESS015: ``peer group`` alone on a line, where the author suffixes every other free-text
    line, and the words are exactly a MeSH heading's name: the heading's '/' was lost in copying.

    The evidence must be strong because ``trawl lint --fix`` applies this fix: only one such line,
    at least three other free-text lines all with suffixes, and an exact (case-insensitive) match
    with a heading's preferred name in the shipped vocabulary (not merely an entry term).
    """
    if VOCABULARY.get(database) != "mesh":
        return []
    bare = {d.line for d in diags if d.code == codes.NO_SUFFIX}
    candidates = [i for i, s in enumerate(statements) if s.span.line in bare]
    if len(candidates) != 1:  # (checked first: it spares the walk below on most strategies)
        return []
    suffixed = sum(1 for s in statements
                   if s.span.line not in bare and any(isinstance(n, Fielded) for n in walk(s.expr)))
    if suffixed < 3:
        return []
    index = candidates[0]
    statement = statements[index]
    expr = statement.expr
    if not isinstance(expr, Term | Phrase) or (isinstance(expr, Phrase) and expr.quoted):
        return []
    words = [expr.text] if isinstance(expr, Term) else [w.text for w in expr.words]
    if any(not w.replace("-", "").isalnum() for w in words):
        return []
    label = " ".join(words)
    try:
        from trawl.vocab import lookup
    except ImportError:  # the vocabulary package is optional for the front end
        return []
    try:
        mapping = lookup(label, source="mesh", target="mesh")
    except ValueError:
        return []
    if mapping is None or not mapping.target_label or mapping.target_label.casefold() != label.casefold():
        return []
    heading = f"{mapping.target_label}/"
    return [(index, Diagnostic.of(
        codes.LOST_HEADING_SLASH,
        f"'{label}' has no field suffix (Ovid would search .mp.) while every other free-text line "
        f"has one, and it is exactly the MeSH heading '{mapping.target_label}': its '/' was "
        "probably lost", line=statement.span.line, column=statement.span.column,
        end_column=statement.span.end_column, fix=heading))]


def parse_strategy(text: str, *, database: str = "ovid-medline") -> Strategy:
    """The resolved `Strategy`, or `TrawlError` with the first error (line and column)."""
    result = analyse(text, database=database)
    if result.strategy is None:
        raise TrawlError(result.errors[0])
    return result.strategy


def read_strategy(path: Path) -> str:
    """A strategy file's text (UTF-8, with or without BOM); a byte that is not UTF-8 is a TrawlError
    naming its line and column rather than a silent U+FFFD."""
    data = Path(path).read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # Notepad's and Word's "Unicode" text: UTF-16 with its byte-order mark says so itself
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: report it as the UTF-8 error below
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise TrawlError(Diagnostic.of(
            codes.NOT_UTF8, f"{Path(path).name} is not UTF-8: byte 0x{data[exc.start]:02X} cannot be "
            "read (save the file as UTF-8)", line=line, column=column)) from None
