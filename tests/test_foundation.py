"""The package's foundation: the CLI starts, the diagnostic registry and Record behave."""

from __future__ import annotations

import subprocess
import sys

import pytest

from trawl.query.diagnostics import CODES, Diagnostic, TrawlError
from trawl.store.record import Record, normalise_doi


def test_python_dash_m_trawl_runs():
    out = subprocess.run([sys.executable, "-m", "trawl", "version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout.strip() == __import__("trawl").__version__


@pytest.mark.parametrize(
    "raw, doi",
    [
        ("https://doi.org/10.1371/journal.pone.0248558", "10.1371/journal.pone.0248558"),
        ("doi: 10.1000/ABC.", "10.1000/abc"),
        ("not a doi", None),
        ("", None),
    ],
)
def test_doi_normalisation(raw, doi):
    assert normalise_doi(raw) == doi


def test_invalid_record_names_record_and_field():
    with pytest.raises(TrawlError) as err:
        Record.build("record 7 of cinahl.ris", source="cinahl", pmid="12a")
    assert "record 7 of cinahl.ris" in str(err.value)
    assert "'pmid'" in str(err.value)
    assert err.value.diagnostic.code in CODES


def test_diagnostic_json_contract():
    d = Diagnostic.of("STORE001", "bad", line=2, column=5)
    assert d.to_json() == {
        "code": "STORE001", "severity": "error", "message": "bad", "line": 2, "column": 5,
    }
