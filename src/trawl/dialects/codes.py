"""Diagnostic codes the renderers emit.

``DIA0xx`` codes are shared by every target (the diagnostic's ``target`` says which one); a few
rules that belong to one platform get that platform's family prefix. Each code states what was
lost or approximated, so a reader of docs/diagnostics.md knows what to check by hand.
"""

from __future__ import annotations

from trawl.query.diagnostics import register

FIELD_MAPPING = register(
    "DIA001", "info", "Names the target field(s) an Ovid field suffix was rendered as, and where the mapping came from (dialect default or review.toml [fields]).")
FIELD_APPROXIMATED = register(
    "DIA002", "warning", "The target has no field with exactly the Ovid suffix's coverage; the closest field searches more (broader) or less (narrower).")
FIELD_UNKNOWN = register(
    "DIA003", "warning", "An Ovid field suffix has no counterpart on the target; the term is searched in the target's default text fields.")
PROXIMITY_TO_AND = register(
    "DIA004", "warning", "Proximity (adj/adjN) cannot be expressed on the target; the operands are combined with AND, which finds more records.")
PROXIMITY_APPROXIMATED = register(
    "DIA005", "warning", "A phrase or proximity expression could only be approximated on the target (e.g. wildcards or multi-word operands inside it).")
PROXIMITY_EXPANDED = register(
    "DIA006", "info", "Groups inside a phrase or proximity expression were expanded pairwise into an OR of simple expressions (same meaning, longer query).")
LIMITED_TRUNCATION = register(
    "DIA007", "warning", "Ovid limited truncation ($n, at most n characters) has no equivalent; unlimited truncation is used, which finds more records.")
WILDCARD_APPROXIMATED = register(
    "DIA008", "warning", "An Ovid wildcard (? zero-or-one character, # exactly one) has no equivalent; a broader wildcard is used.")
WILDCARD_DROPPED = register(
    "DIA009", "warning", "The target has no truncation or wildcard; the word is searched as written without it, which finds fewer records.")
TRUNCATION_TOO_SHORT = register(
    "DIA010", "warning", "Too few characters before the wildcard for the target's truncation minimum; the stem is searched without truncation.")
HEADING_INEXACT = register(
    "DIA011", "warning", "A subject heading was mapped to a broader or narrower heading of the target's vocabulary (via trawl.vocab).")
HEADING_UNMAPPED = register(
    "DIA012", "warning", "A subject heading has no counterpart in the target's vocabulary; its label and entry terms are searched as free text.")
HEADING_UNSUPPORTED = register(
    "DIA013", "warning", "The target has no subject headings; the heading's label and entry terms are searched as free text (comparison.md: free-text fallback).")
SUBHEADING_CHANGED = register(
    "DIA014", "warning", "Subheadings could not be kept as written (dropped, or split into one heading per subheading).")
EXPLODE_UNAVAILABLE = register(
    "DIA015", "warning", "The heading cannot be exploded on the target (or explosion is unconfirmed); narrower headings are not searched.")
MAJOR_UNAVAILABLE = register(
    "DIA016", "warning", "The target cannot restrict a heading to major/focus topic; the heading is searched as any topic.")
LIMIT_DROPPED = register(
    "DIA017", "warning", "A limit (humans, publication type, clinical query, ...) cannot be expressed on the target and was dropped.")
FILTER_AS_PARAM = register(
    "DIA018", "info", "A language or date filter cannot go in the target's query string; it is sent as the named API parameter (see api_params).")
PUBLICATION_DATE = register(
    "DIA019", "warning", "The target has no entry/load date, so the cutoff uses the publication date; a re-run may not reproduce the same set.")
REVIEW_FILTERS = register(
    "DIA020", "info", "The review's language and date limits (review.toml) were added to the rendered strategy.")
LINES_INLINED = register(
    "DIA021", "info", "The target has no search history; line references are replaced by the lines they refer to, in parentheses.")
SPLIT_FOR_LENGTH = register(
    "DIA022", "warning", "The query is longer than the target accepts; it was split into several queries whose results must be combined (OR).")
TOO_LONG = register(
    "DIA023", "error", "Part of the query is longer than the target accepts even after splitting; it cannot be run as rendered.")
NOT_DROPPED = register(
    "DIA024", "warning", "An exclusion (NOT) cannot be expressed on the target and was dropped; more records are found.")
FREQUENCY_DROPPED = register(
    "DIA025", "warning", "Ovid's /freq=N (term frequency) has no equivalent on the target and was dropped.")
FILTER_UNCONFIRMED = register(
    "DIA026", "info", "The filter syntax used is marked unconfirmed in the dialect reference; check it with a test search.")
LANGUAGE_UNAVAILABLE = register(
    "DIA027", "warning", "The target cannot filter by language; records in other languages must be screened out by hand.")
PARAM_FROM_INNER_LINE = register(
    "DIA028", "warning", "A limit on an intermediate line can only be sent as an API parameter, which applies to the whole query.")
VOCAB_UNAVAILABLE = register(
    "DIA029", "warning", "The heading crosswalk (trawl.vocab) could not be used; headings fall back to free text.")
BAD_FIELD_CONFIG = register(
    "DIA030", "error", "review.toml [fields] is malformed or names a field code the target does not have.")
PLATFORM_BEHAVIOUR = register(
    "DIA031", "info", "A platform behaviour that changes what the rendered query finds (stemming, lemmatization, relevance ranking, result caps).")
NESTING_UNRELIABLE = register(
    "DIA032", "warning", "The target's handling of nested brackets is undocumented or unreliable; check the query's results.")
OPERATOR_IN_PROXIMITY = register(
    "DIA033", "warning", "An AND/NOT group inside a proximity operand is not allowed on the target; the proximity became AND.")
LINE_COMMENT = register(
    "DIA034", "info", "A construct was carried over unchanged although the target documents it only partly.")
TOO_MANY_PIECES = register(
    "DIA035", "warning", "Splitting the query to fit the target's length limit would need too many queries; it is left whole and must be reduced by hand.")
UNKNOWN_TARGET = register("DIA036", "error", "An unknown target name was asked for.")
UNVERIFIED_CROSSWALK = register(
    "DIA037", "info", "The heading crosswalk row used is not marked verified in trawl.vocab's data; check the target term in the target thesaurus.")
DATE_UI_LIMITER = register(
    "DIA038", "warning", "A date limit has no confirmed query syntax on the target, so it is not in the query text; the message names the search-interface limiter (or timespan) to set, and its values.")

PUBMED_SHORT_STEM = register(
    "PUBMED001", "warning", "PubMed needs at least four characters before a wildcard (pubmed.md §4); the stem is searched without truncation.")
PUBMED_NO_EXPLODE = register(
    "PUBMED002", "info", "Ovid `X/` is not exploded while PubMed [mh] is; the heading is rendered [mh:noexp] (and exp X/ as [mh]).")
WOS_OPTIONAL_IN_PHRASE = register(
    "WOS001", "warning", "Web of Science's legacy help says the $ wildcard (zero or one character) cannot be used inside a quoted phrase (wos.md §6; may have changed). The phrase is kept as written: check that it finds records, or write each spelling as its own phrase.")
SCHOLAR_SPLIT = register(
    "GSCHOLAR001", "warning", "Google Scholar reads at most 256 characters; the query was split into several queries to run one by one.")
OPENALEX_SPLIT = register(
    "OPENALEX001", "warning", "The OpenAlex request URL would exceed about 4,094 bytes; the query was split into chunks whose results must be unioned.")
CROSSREF_BAG = register(
    "CROSSREF001", "warning", "Crossref has no Boolean, phrase, truncation or proximity syntax; the strategy became a relevance-ranked bag of words.")
