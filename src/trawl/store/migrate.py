"""Schema migrations: numbered SQL files applied in order and recorded in the database.

Files are ``trawl/store/migrations/NNNN_name.sql``. Number ranges belong to the parts of trawl:
0001-0099 the store itself, 0100+ dedup, 0200+ harvest, 0300+ report. Each file is applied once,
in its own transaction, and recorded in ``schema_migrations`` with its sha256, so a store says
which schema it has and a later trawl knows what is left to apply. A file is never edited after
it has shipped: change the schema with a new file.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

from trawl.store.canonical import sha256_hex, utc_now

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

_BOOTSTRAP = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def sha256(self) -> str:
        return sha256_hex(self.sql)


def shipped() -> list[Migration]:
    """Every migration file that ships with trawl, in version order."""
    found = []
    for entry in resources.files("trawl.store").joinpath("migrations").iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append(Migration(int(m[1]), m[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda mig: mig.version)
    versions = [mig.version for mig in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migration files share a number: {versions}")
    return found


def applied(conn: sqlite3.Connection) -> dict[int, str]:
    """Version -> sha256 of every migration recorded in the database."""
    conn.execute(_BOOTSTRAP)
    return dict(conn.execute("SELECT version, sha256 FROM schema_migrations"))


def unknown(conn: sqlite3.Connection) -> list[str]:
    """Migrations recorded in the database that this trawl does not ship (a newer trawl's).

    Read without writing (an audit may open a read-only file); a database without the table
    has none.
    """
    try:
        rows = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
    except sqlite3.OperationalError:
        return []
    known = {mig.version for mig in shipped()}
    return [f"{version:04d}_{name}" for version, name in rows if version not in known]


def upgrade(conn: sqlite3.Connection, after_each=None) -> list[Migration]:
    """Apply every shipped migration the database lacks; returns those applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``). ``after_each(conn, migration)``
    runs inside each migration's transaction (the store logs a provenance event there).
    """
    done = applied(conn)
    todo = [m for m in shipped() if m.version not in done]
    for mig in todo:
        # executescript would commit a transaction we opened with execute(); opening it inside
        # the script keeps the migration, its record and its event in one transaction.
        try:
            conn.executescript("BEGIN IMMEDIATE;\n" + mig.sql)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, sha256, applied_at) "
                "VALUES (?, ?, ?, ?)",
                (mig.version, mig.name, mig.sha256, utc_now()),
            )
            if after_each is not None:
                after_each(conn, mig)
            # user_version mirrors the newest migration, for tools that only read the header.
            conn.execute(f"PRAGMA user_version = {max(mig.version, *applied(conn))}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return todo
