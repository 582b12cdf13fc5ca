"""Keeping secrets out of everything the store writes.

API keys reach trawl only through the environment (``ELSEVIER_API_KEY``, ``NCBI_API_KEY`` ...) and
travel to the APIs in query parameters (``apiKey=``, ``api_key=``) or headers (``X-ELS-APIKey``,
``Authorization``). Two defences keep them out of the store, its WAL and its logs:

* :func:`redact` replaces the *value* of every parameter or header whose *name* says it is a
  secret, in URLs, mappings and lists of pairs, recursively. Connectors call it before logging
  anything; the store calls it on every request, response, event payload and run parameter.
* :func:`scrub` replaces known secret *values* wherever they occur, including inside raw API
  responses: Scopus, for example, echoes the request URL with ``apiKey=...`` in its JSON links.
  The secret values are those found by :func:`redact` plus every environment variable whose name
  says it holds a secret (:func:`environment_secrets`).

A raw payload is therefore stored as received *except* that secret values are replaced by
``REDACTED``; its sha256 is that of the scrubbed bytes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus, urlsplit, urlunsplit

REDACTED = "REDACTED"

# Names are compared lower-cased with everything but letters and digits removed, so
# "X-ELS-APIKey", "api_key" and "apiKey" are all "apikey"/"xelsapikey".
_SECRET_NAMES = frozenset(
    {
        "key",  # Google-style ?key=
        "wskey",  # WorldCat Search API
        "auth",
        "authorization",
        "proxyauthorization",
        "cookie",
        "setcookie",
        "sid",
        "sessionid",
        "signature",
        "sig",
    }
)
# Pagination cursors that merely contain "token" are not secrets, and a harvest needs them logged.
_NOT_SECRET = frozenset(
    {"nexttoken", "pagetoken", "nextpagetoken", "continuationtoken", "resumptiontoken"}
)
_SECRET_PARTS = ("apikey", "token", "secret", "password", "passwd", "credential", "privatekey")
_ENV_SECRET = re.compile(r"(API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|WSKEY)", re.I)
_MIN_SECRET_LEN = 8  # shorter environment values are too likely to occur by chance in a payload


@lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """True when a parameter or header called ``name`` carries a secret."""
    flat = re.sub(r"[^a-z0-9]", "", name.lower())
    if flat in _NOT_SECRET:
        return False
    return flat in _SECRET_NAMES or any(part in flat for part in _SECRET_PARTS)


def redact(value: Any, *, found: set[str] | None = None) -> Any:
    """A copy of a URL, params/headers mapping or list of pairs with secret values replaced.

    Strings that look like URLs lose secret query parameters and any ``user:password@``;
    mappings lose the values of secret-named keys; lists and tuples are redacted item by item
    (a list of ``(name, value)`` pairs is treated like a mapping). Anything else is returned
    unchanged. The secret values removed are added to ``found`` when given.
    """
    if isinstance(value, str):
        return _redact_url(value, found)
    if isinstance(value, bytes):
        return value
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if isinstance(k, str) and is_secret_name(k) and v not in (None, ""):
                _note(v, found)
                out[k] = REDACTED
            else:
                out[k] = redact(v, found=found)
        return out
    if isinstance(value, list | tuple):
        items = []
        for item in value:
            if (
                isinstance(item, list | tuple)
                and len(item) == 2
                and isinstance(item[0], str)
                and is_secret_name(item[0])
            ):
                _note(item[1], found)
                items.append(type(item)((item[0], REDACTED)))
            else:
                items.append(redact(item, found=found))
        return type(value)(items) if isinstance(value, tuple) else items
    return value


def _note(value: Any, found: set[str] | None) -> None:
    if found is not None and isinstance(value, str | bytes) and value:
        found.add(value.decode("utf-8", "replace") if isinstance(value, bytes) else value)


def _redact_url(text: str, found: set[str] | None) -> str:
    if "://" not in text and "?" not in text:
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        if ":" in userinfo:
            _note(userinfo.split(":", 1)[1], found)
        netloc = f"{REDACTED}@{host}"
    query = parts.query
    if query:
        # Rewrite only the secret pieces so the rest of the URL stays byte-for-byte as sent.
        pieces = []
        for piece in query.split("&"):
            name, eq, val = piece.partition("=")
            if eq and val and is_secret_name(unquote_plus(name)):
                _note(unquote_plus(val), found)
                piece = f"{name}={REDACTED}"
            pieces.append(piece)
        query = "&".join(pieces)
    if netloc == parts.netloc and query == parts.query:
        return text
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def environment_secrets(environ: Mapping[str, str] | None = None) -> set[str]:
    """Values of environment variables whose names say they hold a secret (long enough to scrub)."""
    env = os.environ if environ is None else environ
    return {
        v
        for k, v in env.items()
        if _ENV_SECRET.search(k) and v and len(v.strip()) >= _MIN_SECRET_LEN
    }


def _variants(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret)}


def scrub(data: bytes | str, secrets: Iterable[str] = (), *, environment: bool = True):
    """``data`` with every occurrence of a secret value (plain or URL-encoded) replaced.

    The secrets are ``secrets`` plus, unless ``environment=False``, :func:`environment_secrets`.
    """
    values = set(secrets) | (environment_secrets() if environment else set())
    values = {v for v in values if v and len(v) >= 4}
    if not values:
        return data
    for secret in sorted(values, key=len, reverse=True):
        for variant in _variants(secret):
            if isinstance(data, bytes):
                data = data.replace(variant.encode("utf-8"), REDACTED.encode())
            else:
                data = data.replace(variant, REDACTED)
    return data
