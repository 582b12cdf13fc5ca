"""The one place where trawl talks HTTP: a client per run, a rate limiter per source, retries.

API clients (one module per API) only say which request to send next and how to read the answer;
everything that makes a harvest survive the real world lives here:

* one ``httpx.Client`` per run (connection reuse, one timeout policy, one User-Agent);
* a `RateLimiter` per source, paced from its connector card (NCBI 3/s or 10/s with a key,
  Crossref's pool, OpenAlex's ...) and slowed further when the server announces a lower limit
  (``x-rate-limit-limit`` / ``x-rate-limit-interval``);
* tenacity retries on 429, 5xx, timeouts, connection errors and unreadable bodies (a truncated or
  malformed page is re-requested, never half-stored), honouring ``Retry-After``;
* no retry on 401/403: the error names the environment variable that is missing or was refused.

Secrets never leave this module: request descriptions given to the provenance log carry no
headers and have secret parameters replaced by ``<redacted>``.
"""

from __future__ import annotations

import email.utils
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx
import tenacity

from trawl.query.diagnostics import Diagnostic, TrawlError, register

AUTH_REFUSED = register(
    "HARVEST003", "error",
    "A source refused the request's credentials (HTTP 401/403); the message names the variable.",
)
HARVEST_STOPPED = register(
    "HARVEST004", "error",
    "A harvest stopped on an error it could not retry past; `trawl harvest --resume` continues it.",
)

T = TypeVar("T")

SECRET_PARAMS = frozenset({"api_key", "apikey", "apiKey", "key", "token", "insttoken",
                           "access_token", "client_secret", "password", "Password"})
REDACTED = "<redacted>"


def is_secret_name(name: str) -> bool:
    """Whether an environment variable holds a credential (its value must never be written)."""
    return any(part in name.upper() for part in ("KEY", "SECRET", "TOKEN", "PASSWORD", "_USER"))


class BadPayload(ValueError):
    """A 200 answer whose body cannot be read (truncated, malformed): retried like a 5xx."""


class InBandError(ValueError):
    """The API reported an error inside a successful answer (E-utilities ``<ERROR>`` ...)."""


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class AuthError(TrawlError):
    pass


class HarvestError(TrawlError):
    """Stopped, resumable: what was committed stays; ``--resume`` continues from the checkpoint."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Tests and benchmarks shrink the waits (``TRAWL_RETRY_SCALE=0.001``)."""

    attempts: int = 7
    initial: float = 1.0  # first back-off, seconds
    maximum: float = 60.0  # longest back-off
    retry_after_cap: float = 300.0  # longest Retry-After we agree to wait

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RetryPolicy:
        env = os.environ if env is None else env
        scale = float(env.get("TRAWL_RETRY_SCALE", "1") or 1)
        attempts = int(env.get("TRAWL_RETRY_ATTEMPTS", "7") or 7)
        return cls(attempts=attempts, initial=1.0 * scale, maximum=60.0 * scale,
                   retry_after_cap=300.0 * scale)

    def scaled_retry_after(self, seconds: float) -> float:
        return min(seconds * (self.initial / 1.0), self.retry_after_cap)


class RateLimiter:
    """Evenly spaced requests: at most ``per_second`` starts per second (thread-safe).

    Spacing rather than a burst bucket: APIs such as NCBI count requests per rolling second, and a
    burst of three at the start of each second looks like a violation to them.
    """

    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.per_second = per_second
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + 1.0 / self.per_second
        if start > now:
            self._sleep(start - now)

    def observe(self, headers: httpx.Headers) -> None:
        """Slow down when the server announces a lower limit than the card (Crossref does)."""
        limit, interval = headers.get("x-rate-limit-limit"), headers.get("x-rate-limit-interval")
        if not limit or not interval:
            return
        try:
            seconds = float(interval.rstrip("s") or 1)
            announced = float(limit) / seconds
        except ValueError:
            return
        if 0 < announced < self.per_second:
            self.per_second = announced


@dataclass(frozen=True)
class Req:
    """One request an API client wants sent."""

    method: str
    url: str
    params: Mapping[str, Any] | list[tuple[str, Any]] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    data: Mapping[str, Any] | None = None
    auth: tuple[str, str] | None = None  # HTTP Basic (OAuth client credentials)

    def describe(self, secrets: Iterable[str] = ()) -> dict:
        """What the provenance log records: method, URL, parameters — never a secret."""
        secret_values = {s for s in secrets if s}

        def clean(key: str, value: Any) -> Any:
            if key in SECRET_PARAMS or (isinstance(value, str) and value in secret_values):
                return REDACTED
            return value

        items = self.params.items() if isinstance(self.params, Mapping) else (self.params or [])
        params: dict[str, Any] = {}
        for key, value in items:
            value = clean(key, value)
            if key in params:
                prev = params[key]
                params[key] = (prev if isinstance(prev, list) else [prev]) + [value]
            else:
                params[key] = value
        out: dict[str, Any] = {"method": self.method, "url": self.url, "params": params}
        body = self.json if self.json is not None else self.data
        if body is not None:
            out["body"] = _redact_body(body, secret_values)
        return out


def _redact_body(body: Any, secret_values: set[str]) -> Any:
    if isinstance(body, Mapping):
        return {k: (REDACTED if k in SECRET_PARAMS or k in ("UserId",) else
                    _redact_body(v, secret_values)) for k, v in body.items()}
    if isinstance(body, list):
        return [_redact_body(v, secret_values) for v in body]
    if isinstance(body, str) and body in secret_values:
        return REDACTED
    return body


@dataclass(frozen=True)
class Fetched(Generic[T]):
    """An answer that was read successfully: the raw bytes, what they parsed to, and provenance."""

    body: bytes
    media_type: str
    value: T
    request: dict
    response: dict
    headers: httpx.Headers


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class Http:
    """One per run. ``call`` sends a request paced, retried, parsed; raises a clear TrawlError."""

    def __init__(self, *, retry: RetryPolicy | None = None, timeout: float = 60.0,
                 transport: httpx.BaseTransport | None = None, user_agent: str | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 env: Mapping[str, str] | None = None):
        from trawl import __version__

        self.retry = retry or RetryPolicy.from_env(env)
        self._sleep = sleep
        self.env = os.environ if env is None else env
        self.client = httpx.Client(
            timeout=timeout, transport=transport, follow_redirects=True,
            headers={"User-Agent": user_agent or f"trawl/{__version__} (systematic-review harvester)"},
        )
        self._limiters: dict[str, RateLimiter] = {}
        self.requests_sent = 0
        self.retries = 0

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def limiter(self, source: str, per_second: float) -> RateLimiter:
        if source not in self._limiters:
            self._limiters[source] = RateLimiter(per_second, sleep=self._sleep)
        return self._limiters[source]

    def call(self, source: str, req: Req, parse: Callable[[httpx.Response], T], *,
             per_second: float = 1.0, auth_env: Iterable[str] = (),
             throttle_statuses: Iterable[int] = ()) -> Fetched[T]:
        """Send ``req`` for ``source``; return the parsed answer or raise AuthError/HarvestError."""
        limiter = self.limiter(source, per_second)
        auth_env = list(auth_env)
        throttles = set(throttle_statuses)
        secrets = [self.env.get(name, "") for name in auth_env if is_secret_name(name)]
        described = req.describe(secrets)

        def attempt() -> Fetched[T]:
            limiter.acquire()
            self.requests_sent += 1
            try:
                response = self.client.request(
                    req.method, req.url, params=req.params, headers=dict(req.headers),
                    json=req.json, data=req.data, auth=req.auth)
            except httpx.TimeoutException as exc:
                raise _Retryable(f"timed out ({type(exc).__name__})") from exc
            except httpx.TransportError as exc:
                raise _Retryable(f"connection failed ({type(exc).__name__}: {exc})") from exc
            limiter.observe(response.headers)
            status = response.status_code
            if status == 429 or status >= 500 or status in throttles:
                raise _Retryable(f"HTTP {status}",
                                 parse_retry_after(response.headers.get("Retry-After")))
            if status in (401, 403):
                raise AuthError(Diagnostic.of(AUTH_REFUSED, auth_message(
                    source, status, auth_env, self.env, _snippet(response, secrets))))
            if status >= 400:
                raise HarvestError(Diagnostic.of(HARVEST_STOPPED, _redact(
                    f"{source}: HTTP {status} from {req.url}: {_snippet(response, secrets)}",
                    secrets)))
            try:
                value = parse(response)
            except BadPayload as exc:
                raise _Retryable(f"unreadable answer: {exc}") from exc
            except InBandError as exc:
                raise HarvestError(Diagnostic.of(HARVEST_STOPPED, _redact(
                    f"{source}: the API reported an error: {exc}", secrets))) from None
            media = response.headers.get("content-type", "application/octet-stream").split(";")[0]
            return Fetched(body=response.content, media_type=media, value=value,
                           request=described,
                           response={"status": status, "media_type": media,
                                     "bytes": len(response.content)},
                           headers=response.headers)

        policy = self.retry

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Retryable) and exc.retry_after is not None:
                return policy.scaled_retry_after(exc.retry_after)
            backoff = policy.initial * 2 ** (state.attempt_number - 1)
            return min(policy.maximum, backoff) * (0.5 + random.random() / 2)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            self.retries += 1

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(policy.attempts), wait=wait,
            retry=tenacity.retry_if_exception_type(_Retryable), sleep=self._sleep,
            before_sleep=before_sleep, reraise=True)
        try:
            return retrying(attempt)
        except _Retryable as exc:
            raise HarvestError(Diagnostic.of(HARVEST_STOPPED, _redact(
                f"{source}: gave up after {policy.attempts} attempts ({exc}) on {req.url}",
                secrets))) from None


def _snippet(response: httpx.Response, secrets: Iterable[str]) -> str:
    text = response.text[:300].replace("\n", " ").strip()
    return _redact(text or "(empty body)", secrets)


def _redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


def auth_message(source: str, status: int, auth_env: list[str], env: Mapping[str, str],
                  detail: str) -> str:
    unset = [name for name in auth_env if not env.get(name)]
    if unset:
        hint = "set " + ", ".join(unset) + " in the environment"
    elif auth_env:
        hint = "the server refused " + ", ".join(auth_env) + "; check the value and its entitlement"
    else:
        hint = "this source needs institutional access (IP range or proxy)"
    return f"{source}: HTTP {status} — credentials missing or refused: {hint}. Server said: {detail}"
