"""The diagnostic codes of the compiler front end, registered once, in one place.

Three families, each stable once published (retire a code rather than reuse it):

- ``CLEAN0xx`` — repairs the paste cleaner (and the parser's tolerant corners) made to text as
  people paste it. Informational by default; ``strict=True`` turns every one into an error.
- ``OVID0xx`` — errors: the statement cannot be parsed, or a reference cannot be resolved.
  ``OVID1xx`` — notes about Ovid syntax that was understood but deserves a look.
- ``PRESS0xx`` — search-quality warnings in the spirit of the PRESS 2015 checklist
  (McGowan et al.): wrong line numbers, truncation, field suffixes, ``not``, duplication.
"""

from __future__ import annotations

from trawl.query.diagnostics import Severity, register

_I, _W, _E = Severity.INFO, Severity.WARNING, Severity.ERROR

# ---- repairs ------------------------------------------------------------------------------
LOST_TRUNCATION = register("CLEAN001", _I, "U+FFFD (a character lost in copying) at the end of a word read as the truncation symbol '*'")
SMART_QUOTE = register("CLEAN002", _I, "typographic quote replaced by a straight quote")
UNICODE_DASH = register("CLEAN003", _I, "Unicode hyphen or dash replaced by '-'")
ODD_SPACE = register("CLEAN004", _I, "non-breaking or other Unicode space replaced by a plain space")
LIGATURE = register("CLEAN005", _I, "typographic ligature (e.g. 'ﬁ') spelled out")
INVISIBLE = register("CLEAN006", _I, "invisible character (zero-width space, soft hyphen, byte-order mark) removed")
LINE_SEPARATOR = register("CLEAN007", _I, "Unicode line/paragraph separator read as a line break")
WRAPPED = register("CLEAN008", _I, "statement wrapped over several lines joined into one")
NUMBER_ALONE = register("CLEAN009", _I, "statement number alone on its line joined with the statement that follows")
HIT_COUNT = register("CLEAN010", _I, "trailing hit count removed")
HEADER = register("CLEAN011", _I, "search-history header or banner line removed")
FOOTER = register("CLEAN012", _I, "page footer, figure caption or URL line removed")
LEADING_SPACE = register("CLEAN013", _I, "leading whitespace removed")
LEGEND = register("CLEAN014", _I, "field-abbreviation key ('key: mp = ...') removed")
MISSING_PERIOD = register("CLEAN015", _I, "field suffix without its closing period ('.ti,ab') read as '.ti,ab.'")
STRAY_TEXT = register("CLEAN016", _I, "text before the first numbered statement ignored")
SPACE_BEFORE_FIELD = register("CLEAN019", _I, "space between a term and its field suffix ignored")
WRAPPED_UNNUMBERED = register("CLEAN020", _W, "in a paste without statement numbers, a line read as the continuation of the one before (later position numbers depend on it)")

# ---- errors -------------------------------------------------------------------------------
SYNTAX = register("OVID001", _E, "the statement is not valid Ovid syntax")
UNMATCHED_CLOSE = register("OVID002", _E, "a closing parenthesis has no opening one")
UNCLOSED_OPEN = register("OVID003", _E, "an opening parenthesis is never closed")
UNCLOSED_QUOTE = register("OVID004", _E, "a quotation mark is never closed")
MIXED_OPERATORS = register("OVID005", _E, "different Boolean operators without parentheses (Ovid's precedence is undocumented)")
MISSING_LINE = register("OVID006", _E, "reference to a line that does not exist")
FORWARD_REFERENCE = register("OVID007", _E, "reference to a later line (Ovid numbers sets in order)")
CYCLE = register("OVID008", _E, "lines refer to each other in a cycle")
EMPTY_COMBINATION = register("OVID009", _E, "a combination with no lines (e.g. a reversed range 'or/9-3')")
DUPLICATE_NUMBER = register("OVID010", _E, "two statements carry the same number")
LEFT_TRUNCATION = register("OVID011", _E, "a wildcard at the start of a word (Ovid has no left truncation)")
LOST_CHARACTER = register("OVID012", _E, "U+FFFD (a character lost in copying) where no repair is obvious")
FIELD_ON_REFERENCE = register("OVID013", _E, "a field suffix on a line combination")
BAD_DISTANCE = register("OVID014", _E, "adjacency distance out of range (adj1..adj99)")
BAD_LIMIT = register("OVID015", _E, "a limit whose value cannot be read")
NOT_OVID = register("OVID016", _E, "the text is not Ovid syntax (e.g. Cochrane Library CENTRAL '#1 MeSH descriptor')")
EMPTY_STRATEGY = register("OVID017", _E, "no search statements found")
EMPTY_PHRASE = register("OVID018", _E, "empty quoted phrase")
NOT_UTF8 = register("OVID019", _E, "the strategy file is not UTF-8 text")

# ---- notes on understood syntax -----------------------------------------------------------
SESSION_COMMAND = register("OVID101", _I, "Ovid session command 'remove duplicates from N' read as line N")
OTHER_LIMIT = register("OVID102", _W, "limit not in trawl's table of known limits; kept as written")
UNNUMBERED = register("OVID103", _I, "statements carry no numbers: they are numbered by position")
NUMBER_GAP = register("OVID104", _W, "statement numbers are not consecutive")
USE_DATABASE = register("OVID105", _W, "'use <database>' of a multi-file Ovid session left out")
UNKNOWN_FIELD = register("OVID106", _W, "a field code trawl does not know as an Ovid field (a typo?)")
FIELD_NOT_IN_DATABASE = register("OVID107", _W, "a field code the strategy's Ovid database does not have")

# ---- search-quality warnings (PRESS) -------------------------------------------------------
SHORT_STEM = register("PRESS001", _W, "truncation stem too short to be meaningful (e.g. 'co*')")
NUMBER_IN_TERM = register("PRESS002", _W, "a bare number inside a term: Ovid reads it as a line reference; quote the phrase")
DUPLICATE_LINE = register("PRESS004", _W, "a line repeats an earlier line")
NOT_FREE_TEXT = register("PRESS005", _W, "'not' excludes by free text: relevant records that merely mention the term are lost")
ORPHAN = register("PRESS006", _W, "orphan line: no later line uses it, so it does not reach the final result")
SUFFIX_ON_LAST = register("PRESS007", _W, "the field suffix applies only to the last operand; the others are searched in .mp.")
NO_SUFFIX = register("PRESS008", _I, "free text without a field suffix: Ovid searches the multi-purpose fields (.mp.)")
SHORT_WILDCARD_WORD = register("PRESS009", _W, "a wildcard in a word of one or two letters (e.g. 'V?Q') matches many unrelated words")
CAPITALISED = register("PRESS010", _I, "operator or command written in capitals")
REPEATED_WORD = register("PRESS011", _W, "the same word twice in a row (copy-and-paste slip?)")
THIN_COMBINATION = register("PRESS012", _W, "a combination that names one line only, or the same line twice")
REPEATED_OPERAND = register("PRESS013", _W, "the same term twice in one 'or'/'and' list")
LOST_HEADING_SLASH = register("PRESS015", _W, "a line that is exactly a subject heading's name, without '/' or a field suffix, in a strategy that suffixes all its other free text: the '/' was probably lost")
FOREIGN_REFERENCE = register("PRESS016", _W, "a term like 'S1' looks like an EBSCOhost search reference; Ovid reads it as a word")
REDUNDANT_REFERENCE = register("PRESS017", _W, "a combination names a line that another line it names already includes")
UNORDERED_COMBINATION = register("PRESS014", _I, "a combination lists its lines out of order (harder to check)")
