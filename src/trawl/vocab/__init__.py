"""Subject-heading crosswalks (MeSH → Emtree, CINAHL Headings, APA Thesaurus) and MeSH entry terms.

The mappings live in reviewable data files in ``data/``; see each file's header for how to
review and extend it. Public API::

    lookup("Peer Group", target="emtree")     -> Mapping(target_label="peer group", relation="exact", ...)
    entry_terms("State Medicine")             -> ["Socialized Medicine", "Medicine, Socialized", ...]
    free_text_terms("State Medicine")         -> ["State Medicine", "Socialized Medicine"]
    crosswalk_table("cinahl")                 -> [Mapping, ...]
"""

from trawl.vocab.crosswalk import (
    RELATIONS,
    TARGET_VOCABULARIES,
    Mapping,
    crosswalk_table,
    entry_terms,
    free_text_terms,
    lookup,
)

__all__ = [
    "RELATIONS",
    "TARGET_VOCABULARIES",
    "Mapping",
    "crosswalk_table",
    "entry_terms",
    "free_text_terms",
    "lookup",
]
