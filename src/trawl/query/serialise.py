"""The AST as plain JSON-ready data (``trawl parse --format json``).

Each node becomes ``{"type": "<class name>", <its fields>..., "span": [line, column, end_line,
end_column]}``; spans point into the text the user gave. `from_json` reads it back, so tools in
other languages can hand trawl an AST too.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from trawl.query import ast

_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (ast.Term, ast.Phrase, ast.Near, ast.Bool, ast.Fielded, ast.Heading, ast.LineRef,
                ast.LineRange, ast.Filter, ast.Limit, ast.Statement)
}


def to_json(value: Any) -> Any:
    """A node, statement or strategy as JSON-ready data."""
    if isinstance(value, ast.Strategy):
        return {"type": "Strategy", "database": value.database,
                "statements": [to_json(s) for s in value.statements]}
    if isinstance(value, ast.Span):
        return [value.line, value.column, value.end_line, value.end_column]
    if isinstance(value, tuple):
        return [to_json(v) for v in value]
    if type(value).__name__ in _TYPES:
        out: dict[str, Any] = {"type": type(value).__name__}
        for f in fields(value):
            out[f.name] = to_json(getattr(value, f.name))
        return out
    return value


def from_json(data: Any) -> Any:
    """The inverse of `to_json`."""
    if isinstance(data, list):
        return tuple(from_json(v) for v in data)
    if not isinstance(data, dict):
        return data
    kind = data.get("type")
    if kind == "Strategy":
        return ast.Strategy(tuple(from_json(s) for s in data["statements"]), data["database"])
    cls = _TYPES[kind]
    kwargs = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        raw = data[f.name]
        kwargs[f.name] = ast.Span(*raw) if f.name == "span" else from_json(raw)
    return cls(**kwargs)
