"""Replay a cassette from ``cassettes/`` through ``httpx.MockTransport``, in recorded order.

Every request must match the next interaction's method and path; the requests actually sent are
kept (``sent``) so tests can check parameters (the cursor sent is the one the last page gave ...).
Running past the end of a cassette is a test failure, never a network call.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"


class Cassette:
    def __init__(self, name: str):
        self.path = CASSETTES / f"{name}.json"
        self.data = json.loads(self.path.read_text(encoding="utf-8"))
        self.interactions = self.data["interactions"]
        self.sent: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        i = len(self.sent)
        self.sent.append(request)
        assert i < len(self.interactions), (
            f"{self.path.name}: request {i + 1} ({request.method} {request.url}) past the end")
        recorded = self.interactions[i]
        want = recorded["request"]
        assert request.method == want["method"], (request.method, want["method"])
        assert request.url.path.endswith(want["path"].rsplit("/", 1)[-1]), (
            f"{self.path.name}: request {i + 1} went to {request.url.path}, "
            f"recorded {want['path']}")
        resp = recorded["response"]
        return httpx.Response(resp["status"], content=resp["body"].encode("utf-8"),
                              headers={"content-type": resp["content_type"]})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    @property
    def exhausted(self) -> bool:
        return len(self.sent) == len(self.interactions)
