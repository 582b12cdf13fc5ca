"""Build frozen AST nodes (trawl.query.ast) as the LALR parser reduces each grammar rule.

One `Builder` per statement: it knows where every character of the cleaned statement came from
(`SourceLine.origin`), so every node's span and every diagnostic points into the text the user
gave. Rules are handled by ``r_<rule name>`` methods, called through `trawl.query.parser`'s inline
transformer with the children lark passes and a `_Meta` holding the rule's start/end offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from lark import Token

from trawl.query import codes
from trawl.query.ast import (
    Bool,
    Fielded,
    Filter,
    Heading,
    Limit,
    LineRange,
    LineRef,
    Near,
    Node,
    Phrase,
    Span,
    Term,
)
from trawl.query.clean import SourceLine
from trawl.query.diagnostics import Diagnostic
from trawl.query.fields import KNOWN_FIELDS, NOT_IN_DATABASE
from trawl.query.limits import DATE_KEYS, classify_limit, read_range

# The subject-heading vocabulary each Ovid database indexes with (interfaces.md).
VOCABULARY = {"ovid-medline": "mesh", "ovid-embase": "emtree", "ovid-psycinfo": "apa"}


class LineError(Exception):
    """A diagnostic that stops the building of one statement (the others carry on)."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


_PUBMED_TAG = re.compile(r"(?:tiab|ti|ab|mh|mesh|majr|mesh terms|pt|tw|sh|all fields|la|dp|"
                         r"au|ta|ot|nm|sb|tiab:~\d+)(?::noexp)?", re.I)


_OPERATOR_WORD = re.compile(r"(?:and|or|not|adj\d*)", re.I)
# ovid.md §1: Ovid reads these as commands in some positions, so the printer always quotes them;
# a bare one that parsed as a word is recorded as the quoted phrase it is equivalent to.
_COMMAND_WORD = re.compile(r"(?:exp|limit)", re.I)
_HISTORY_NUMBER = re.compile(r"#\d+")  # another database's "#3" search number


class _Meta(NamedTuple):
    """A rule's start and end offsets (one is made per reduction: a named tuple is cheap)."""

    start_pos: int
    end_pos: int


@dataclass
class _Words:
    """A run of words before it is known whether it is a phrase or a heading label."""

    tokens: list[Any]


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, replacement) applied; edits do not overlap."""
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


class Builder:
    """Transforms one parse tree into AST nodes; made per statement (it knows the origin map)."""

    def __init__(self, source: SourceLine, database: str, diags: list[Diagnostic]):
        self.source = source
        self.database = database
        self.vocabulary = VOCABULARY.get(database, "mesh")
        self.diags = diags
        self.offsets: dict[int, tuple[int, int]] = {}
        # Repairs to the statement's text that `trawl lint --fix` writes: (start, end, new text).
        self.edits: list[tuple[int, int, str]] = []  # id(node) -> offsets in the cleaned text

    # -- helpers --
    def span(self, start: int, end: int) -> Span:
        line, col = self.source.where(start)
        end_line, end_col = self.source.where(max(end - 1, start))
        return Span(line, col, end_line, end_col + 1)

    def tspan(self, token: Any) -> Span:
        return self.span(token.start_pos, token.end_pos)

    def error(self, code: str, message: str, start: int, end: int, fix: str | None = None) -> LineError:
        line, col = self.source.where(start)
        _, end_col = self.source.where(max(end - 1, start))
        return LineError(Diagnostic.of(code, message, line=line, column=col, end_column=end_col + 1,
                                        fix=fix))

    def note(self, code: str, message: str, start: int, end: int, fix: str | None = None) -> None:
        line, col = self.source.where(start)
        _, end_col = self.source.where(max(end - 1, start))
        self.diags.append(Diagnostic.of(code, message, line=line, column=col,
                                        end_column=end_col + 1, fix=fix))

    # -- dispatch: called by _Inline as the parser reduces each rule --
    def call(self, rule: str, kids: list[Any]) -> Any:
        """Run ``r_<rule>`` with the rule's start/end offsets, from its first and last child that
        has a position (every token has one; every value built here is recorded in offsets)."""
        offsets = self.offsets
        start = end = 0
        for kid in kids:
            where = (kid.start_pos, kid.end_pos) if isinstance(kid, Token) else offsets.get(id(kid))
            if where is not None:
                start = where[0]
                break
        for kid in reversed(kids):
            where = (kid.start_pos, kid.end_pos) if isinstance(kid, Token) else offsets.get(id(kid))
            if where is not None:
                end = where[1]
                break
        result = _HANDLERS[rule](self, _Meta(start, end), kids)
        offsets[id(result)] = (start, end)
        return result

    def where_of(self, kid: Any) -> tuple[int, int] | None:
        if isinstance(kid, Token):
            return kid.start_pos, kid.end_pos
        return self.offsets.get(id(kid))

    def r_start(self, meta, kids):
        return kids[0]

    def r_statement(self, meta, kids):
        number = None
        annotation = None
        if getattr(kids[0], "type", None) == "LINE_NO":
            number = int(str(kids[0]).rstrip("."))
            kids = kids[1:]
        if len(kids) > 1 and getattr(kids[-1], "type", None) == "ANNOTATION":
            token = kids[-1]
            annotation = str(token)[1:-1].strip()
            if _PUBMED_TAG.fullmatch(annotation):  # "support[tiab]" is PubMed, not a comment
                raise self.error(codes.SYNTAX, f"'[{annotation}]' is a PubMed field tag, not Ovid "
                                 "syntax", token.start_pos, token.end_pos,
                                 fix="write the field as a suffix, e.g. term.ti,ab.")
            kids = kids[:-1]
        if len(kids) > 1 and getattr(kids[-1], "type", None) == "USE_DATABASE":
            use = kids[-1]
            self.note(codes.USE_DATABASE, f"'{' '.join(str(use).split())}' limits this line to one "
                      "database of a multi-file Ovid session; trawl compiles for one database at a "
                      "time and leaves it out", use.start_pos, use.end_pos)
            kids = kids[:-1]
        expr = kids[0]
        return number, expr, annotation

    def r_chain(self, meta, kids):
        if len(kids) == 1:
            return kids[0]
        operands = kids[0::2]
        ops = kids[1::2]
        names = [str(op).lower() for op in ops]
        for op in ops:
            if str(op) != str(op).lower():
                self.note(codes.CAPITALISED, f"operator {str(op)!r} written in capitals (read as "
                          f"{str(op).lower()!r})", op.start_pos, op.end_pos)
        if len(set(names)) > 1:
            first = next(op for op in ops if str(op).lower() != names[0])
            grouped = self._left_to_right_text(operands, names)
            raise self.error(codes.MIXED_OPERATORS,
                             f"'{names[0]}' and '{str(first).lower()}' mixed without parentheses: Ovid "
                             "does not document which binds first", meta.start_pos, meta.end_pos,
                             fix=f"add parentheses, e.g. {grouped}")
        op = names[0]
        span = self.span(meta.start_pos, meta.end_pos)
        if op == "not":  # binary, left to right: a not b not c = (a not b) not c
            node = operands[0]
            for right in operands[1:]:
                end = self.offsets.get(id(right), (0, meta.end_pos))[1]
                node = Bool("not", (node, right), span=self.span(meta.start_pos, end))
            return node
        children: list[Node] = []
        for child in operands:
            if isinstance(child, Bool) and child.op == op:
                children.extend(child.children)
            else:
                children.append(child)
        return Bool(op, tuple(children), span=span)

    def _left_to_right_text(self, operands: list[Node], names: list[str]) -> str:
        """The chain with parentheses added left to right: ``(a or b) and c``."""
        pieces = [self.source.text[slice(*self.offsets[id(o)])] for o in operands]
        out = pieces[0]
        for i, (name, piece) in enumerate(zip(names, pieces[1:], strict=True)):
            out = f"({out}) {name} {piece}" if i else f"{out} {name} {piece}"
        return out

    def r_near(self, meta, kids):
        if len(kids) == 1:
            return kids[0]
        acc: Node = kids[0]
        local = False
        for op, right in zip(kids[1::2], kids[2::2], strict=True):
            word = str(op)
            if word != word.lower():
                self.note(codes.CAPITALISED, f"operator {word!r} written in capitals", op.start_pos,
                          op.end_pos)
            digits = word[3:]
            if digits:
                n = int(digits)
                if not 1 <= n <= 99:
                    raise self.error(codes.BAD_DISTANCE, f"'{word}': Ovid accepts adj1 to adj99",
                                     op.start_pos, op.end_pos, fix="adj" if n == 0 else "adj99")
                distance, ordered = n - 1, False
            else:
                distance, ordered = 0, True
            span = self.span(meta.start_pos, self.offsets.get(id(right), (0, meta.end_pos))[1])
            if local and isinstance(acc, Near) and (acc.distance, acc.ordered) == (distance, ordered):
                acc = Near(acc.operands + (right,), distance, ordered, span=span)
            else:
                acc = Near((acc, right), distance, ordered, span=span)
            local = True
        return acc

    def r_operand(self, meta, kids):
        child = kids[0]
        if len(kids) == 1:
            return child
        fields_tok = kids[1]
        raw = str(fields_tok)
        fields = tuple(f.strip().lower() for f in raw.strip(". \t").split(","))
        if raw.count(".") < 2:
            self.note(codes.MISSING_PERIOD, f"field suffix {raw.strip()!r} has no closing period: read "
                      f"as '{raw.strip()}.'", fields_tok.start_pos, fields_tok.end_pos,
                      fix=raw.strip() + ".")
            self.edits.append((fields_tok.end_pos, fields_tok.end_pos, "."))
        self._check_fields(fields, fields_tok)
        gap = self.source.text[:fields_tok.start_pos]
        if gap.endswith((" ", "\t")) and not gap.rstrip().endswith(")"):
            self.note(codes.SPACE_BEFORE_FIELD, "space before the field suffix ignored",
                      len(gap.rstrip()), fields_tok.start_pos)
            self.edits.append((len(gap.rstrip()), fields_tok.start_pos, ""))
        frequency = None
        if len(kids) > 2:
            frequency = int(re.sub(r"\D", "", str(kids[2])))
        if isinstance(child, LineRange):
            raise self.error(codes.FIELD_ON_REFERENCE, "a field suffix cannot apply to a line "
                             "combination", fields_tok.start_pos, fields_tok.end_pos)
        if isinstance(child, LineRef):  # 2015.yr. searches the number, it is not line 2015
            child = Term(str(child.number), span=child.span)
        span = self.span(meta.start_pos, meta.end_pos)
        return Fielded(fields, child, frequency, span=span)

    def _check_fields(self, fields: tuple[str, ...], token: Token) -> None:
        for code in fields:
            if code not in KNOWN_FIELDS:
                self.note(codes.UNKNOWN_FIELD, f"'.{code}.' is not an Ovid field code trawl knows; "
                          "check it (Ovid rejects unknown codes)", token.start_pos, token.end_pos)
            elif code in NOT_IN_DATABASE.get(self.database, ()):
                self.note(codes.FIELD_NOT_IN_DATABASE, f"'.{code}.' is not a field of "
                          f"{self.database}", token.start_pos, token.end_pos)

    def r_words(self, meta, kids):
        return _Words(list(kids))

    def r_phrase(self, meta, kids):
        return self._phrase(kids[0].tokens, meta)

    def _phrase(self, tokens, meta) -> Node:
        terms = tuple(self._term(tok) for tok in tokens)
        escaped = any(_COMMAND_WORD.fullmatch(t.text) for t in terms)
        if len(terms) == 1 and not escaped:
            return terms[0]
        return Phrase(terms, quoted=escaped, span=self.span(meta.start_pos, meta.end_pos))

    def _term(self, tok) -> Term:
        text = str(tok)
        if _OPERATOR_WORD.fullmatch(text):
            raise self.error(codes.SYNTAX, f"'{text}' is an operator but stands where a term should "
                             "be", tok.start_pos, tok.end_pos,
                             fix=f'to search the word itself, quote it: "{text}"')
        if _HISTORY_NUMBER.fullmatch(text):
            raise self.error(codes.SYNTAX, f"'{text}' is how other databases number searches; Ovid "
                             "refers to a line by its bare number", tok.start_pos, tok.end_pos,
                             fix=text[1:])
        if text[0] in "*$?#:":
            raise self.error(codes.LEFT_TRUNCATION, f"'{text}' starts with a wildcard: Ovid cannot "
                             "truncate on the left", tok.start_pos, tok.end_pos,
                             fix=f"'{text.lstrip('*$?#:')}'")
        if "\ufffd" in text:
            at = tok.start_pos + text.index("\ufffd")
            raise self.error(codes.LOST_CHARACTER, f"U+FFFD (lost character) inside '{text}': the "
                             "original symbol cannot be guessed (a wildcard '?' or '#', or a letter)",
                             at, at + 1)
        return Term(normalise_wildcards(text), span=self.tspan(tok))

    def r_quoted(self, meta, kids):
        tok = kids[0]
        inner = str(tok)[1:-1]
        words = inner.split()
        if not words:
            raise self.error(codes.EMPTY_PHRASE, "empty quoted phrase", tok.start_pos, tok.end_pos)
        terms = []
        offset = tok.start_pos + 1
        for m in re.finditer(r"\S+", inner):
            terms.append(Term(normalise_wildcards(m.group()),
                              span=self.span(offset + m.start(), offset + m.end())))
        return Phrase(tuple(terms), quoted=True, span=self.tspan(tok))

    def r_line_ref(self, meta, kids):
        return LineRef(int(kids[0]), span=self.tspan(kids[0]))

    def r_line_range(self, meta, kids):
        tok = kids[0]
        raw = str(tok)
        op, _, spec = raw.partition("/")
        numbers: list[int] = []
        for part in spec.split(","):
            if "-" in part:
                a, b = (int(x) for x in part.split("-"))
                if b < a:
                    raise self.error(codes.EMPTY_COMBINATION, f"'{part.strip()}' is a reversed range: "
                                     "it names no lines", tok.start_pos, tok.end_pos,
                                     fix=f"{op.lower()}/{b}-{a}")
                numbers.extend(range(a, b + 1))
            else:
                numbers.append(int(part))
        if op != op.lower():
            self.note(codes.CAPITALISED, f"'{op}/' written in capitals", tok.start_pos, tok.end_pos)
        return LineRange(op.lower(), tuple(numbers), span=self.tspan(tok))  # type: ignore[arg-type]

    def r_group(self, meta, kids):
        return kids[1]  # LPAR chain RPAR

    def r_limit_group(self, meta, kids):
        kind, payload, _, _ = kids[1]
        return (kind, payload, meta.start_pos, meta.end_pos)

    def r_heading(self, meta, kids):
        explode = False
        if getattr(kids[0], "type", None) == "EXP":
            explode = True
            if str(kids[0]) != "exp":
                self.note(codes.CAPITALISED, f"{str(kids[0])!r} written in capitals (read as 'exp')",
                          kids[0].start_pos, kids[0].end_pos)
            kids = kids[1:]
        focus = getattr(kids[0], "type", None) == "FOCUS"
        if focus:
            kids = kids[1:]
        label, major = kids[0]
        major = major or focus
        end = kids[1]
        subheadings = tuple(s.strip().lower() for s in str(end)[1:].split(",") if s.strip())
        return Heading(self.vocabulary, label, explode=explode, major=major, subheadings=subheadings,
                       span=self.span(meta.start_pos, meta.end_pos))

    def r_heading_label(self, meta, kids):
        if getattr(kids[0], "type", None) == "QUOTED":
            label = " ".join(str(kids[0])[1:-1].split())
        else:
            label = ", ".join(" ".join(str(t) for t in words.tokens) for words in kids)
        major = label.startswith("*")
        label = label.lstrip("*").strip()
        if not label:
            raise self.error(codes.SYNTAX, "a heading needs a label before '/'", meta.start_pos,
                             meta.end_pos)
        return label, major

    # -- limits --
    def r_limit(self, meta, kids):
        limit_tok, number_tok, _to, spec = kids
        if str(limit_tok) != "limit":
            self.note(codes.CAPITALISED, f"{str(limit_tok)!r} written in capitals", limit_tok.start_pos,
                      limit_tok.end_pos)
        child = LineRef(int(number_tok), span=self.tspan(number_tok))
        parts = spec[1] if spec[0] == "and" else [spec]
        filters = tuple(self._filter(part) for part in parts)
        return Limit(child, filters, span=self.span(meta.start_pos, meta.end_pos))

    def r_limit_or(self, meta, kids):
        items = kids[0::2]
        return ("or", items, meta.start_pos, meta.end_pos)

    def r_limit_and(self, meta, kids):
        flat = []
        for item in kids[0::2]:
            flat.extend(item[1] if item[0] == "and" else [item])
        return ("and", flat, meta.start_pos, meta.end_pos)

    def r_limit_words(self, meta, kids):
        return ("words", " ".join(str(k) for k in kids), meta.start_pos, meta.end_pos)

    def r_limit_quoted(self, meta, kids):
        return ("words", str(kids[0])[1:-1].strip(), kids[0].start_pos, kids[0].end_pos)

    def r_limit_kv(self, meta, kids):
        return ("kv", str(kids[0]), kids[0].start_pos, kids[0].end_pos)

    def _filter(self, part) -> Filter:
        kind_, payload, start, end = part
        raw = self.source.text[start:end]
        span = self.span(start, end)
        if kind_ == "or":
            classified = [self._classify(p) for p in payload]
            kinds = {k for k, _ in classified}
            if len(kinds) > 1:
                raise self.error(codes.BAD_LIMIT, f"limit alternatives of different kinds in {raw!r}",
                                 start, end)
            values = tuple(v for _, vs in classified for v in vs)
            return Filter(kinds.pop(), values, raw, span=span)  # type: ignore[arg-type]
        if kind_ == "and":
            raise self.error(codes.BAD_LIMIT, f"nested 'and' inside a limit alternative: {raw!r}",
                             start, end)
        kind, values = self._classify(part)
        return Filter(kind, values, raw, span=span)  # type: ignore[arg-type]

    def _classify(self, part) -> tuple[str, tuple[str, ...]]:
        kind_, payload, start, end = part
        if kind_ == "kv":
            key, _, value = payload.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"').strip()
            if key in DATE_KEYS:
                bounds = read_range(value)
                if bounds is None:
                    raise self.error(codes.BAD_LIMIT, f"cannot read the range {value!r} (expected "
                                     "e.g. 2000-Current or 19460101-20160830)", start, end)
                return DATE_KEYS[key], bounds
            self.note(codes.OTHER_LIMIT, f"limit {payload!r} kept as written", start, end)
            return "other", (payload,)
        if kind_ in ("or", "and"):
            raise self.error(codes.BAD_LIMIT, "nested limit groups are not supported", start, end)
        text = " ".join(payload.split())
        known = classify_limit(text)
        if known is not None:
            return known
        self.note(codes.OTHER_LIMIT, f"limit {text!r} is not in trawl's table of known limits; kept "
                  "as written", start, end)
        return "other", (text,)

    def r_remove_duplicates(self, meta, kids):
        tok, number = kids
        self.note(codes.SESSION_COMMAND, f"'{' '.join(str(tok).split())} {number}' is an Ovid session "
                  f"command; read as line {number} (in one database it changes nothing)",
                  tok.start_pos, number.end_pos)
        return LineRef(int(number), span=self.tspan(number))


# rule name -> its ``r_<rule>`` method, looked up once rather than on every reduction
_HANDLERS = {name[2:]: method for name, method in vars(Builder).items() if name.startswith("r_")}

_DOLLAR = re.compile(r"\$(\d*)")


def normalise_wildcards(text: str) -> str:
    """Ovid ``$``/``$N``/trailing ``:`` → the canonical ``*``/``*N`` (see ast.py)."""
    text = _DOLLAR.sub(lambda m: "*" + m.group(1), text)
    if text.endswith(":") and len(text) > 1:
        text = text[:-1] + "*"
    return text
