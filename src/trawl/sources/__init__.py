"""Where records come from: harvesting through APIs, and (``imports/``) export files.

Harvesting, in reading order:

``cards``      connector cards (``connectors/<source>.toml``) → `Source`; base-URL and rate overrides
``http``       the one HTTP client per run: rate limiter per source, tenacity retries, secrets kept out
``base``       what API clients share: `Limits`, `Page`, `ApiClient.pages` (the one paging loop)
``eutils``     PubMed/MEDLINE (ESearch + History server + EFetch MEDLINE, split by date past 9,999)
``scopus`` ``wos`` ``openalex`` ``europepmc`` ``crossref`` ``semantic_scholar`` ``worldcat``
``primo`` ``ebsco_eds``   one small client per API: build the request, parse the answer into Records
``harvest``    the loop: render, prepare limits, store page by page with checkpoints, resume
``schedule``   which sources are due until the cutoff; ``counts`` per-line hit counts
``progress``   rich progress bars for a terminal
"""
