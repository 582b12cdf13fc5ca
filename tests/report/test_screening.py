"""The protocol's screening plan: a reproducible 20% sample, and agreement between reviewers."""

import pytest

from trawl.query.diagnostics import TrawlError
from trawl.report.screening import SampleRow, agreement, draw_sample, read_decisions

ROWS = [SampleRow(f"trawl-{i}", f"title {i}", "2020", "Lee", "BMJ", "") for i in range(1, 101)]


def test_sample_is_reproducible_and_the_right_size():
    a = draw_sample(ROWS, 0.2, seed=42)
    assert len(a) == 20 and a == draw_sample(list(reversed(ROWS)), 0.2, seed=42)
    assert a != draw_sample(ROWS, 0.2, seed=43)
    assert len(draw_sample(ROWS[:7], 0.2, seed=1)) == 2  # ceil: at least the fraction asked for
    with pytest.raises(TrawlError, match="fraction"):
        draw_sample(ROWS, 1.5, seed=1)


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_percent_agreement_and_cohens_kappa(tmp_path):
    # 10 records: both include 3, both exclude 5, disagree on 2 -> po = 0.8;
    # A includes 4, B includes 4 -> pe = 0.4*0.4 + 0.6*0.6 = 0.52 -> kappa = 0.28/0.48.
    a_labels = ["include"] * 3 + ["exclude"] * 5 + ["include", "exclude"]
    b_labels = ["Included"] * 3 + ["no"] * 5 + ["exclude", "yes"]
    a = _write(tmp_path / "a.csv", "key,label\n" + "".join(f"trawl-{i},{x}\n" for i, x in enumerate(a_labels)))
    b = _write(tmp_path / "b.csv", "id,decision\n" + "".join(f"trawl-{i},{x}\n" for i, x in enumerate(b_labels)))
    r = agreement(read_decisions(a), read_decisions(b))
    assert r.n == 10 and r.agreed == 8 and r.percent == pytest.approx(80.0)
    assert r.kappa == pytest.approx(0.28 / 0.48)
    assert r.matrix["include"]["exclude"] == 1 and r.matrix["exclude"]["include"] == 1


def test_rayyan_export_notes_are_read(tmp_path):
    a = _write(tmp_path / "rayyan.csv",
               'key,title,notes\n'
               'trawl-1,T,"RAYYAN-INCLUSION: {""Kari""=>""Included""}"\n'
               'trawl-2,T,"RAYYAN-INCLUSION: {""Kari""=>""Excluded""} | RAYYAN-LABELS: x"\n')
    assert read_decisions(a) == {"trawl-1": "include", "trawl-2": "exclude"}


def test_clear_errors_for_mismatched_files(tmp_path):
    a = _write(tmp_path / "a.csv", "key,label\ntrawl-1,include\ntrawl-2,exclude\n")
    b = _write(tmp_path / "b.csv", "key,label\ntrawl-1,include\ntrawl-3,exclude\n")
    with pytest.raises(TrawlError, match=r"only in a.csv: trawl-2; only in b.csv: trawl-3"):
        agreement(read_decisions(a), read_decisions(b), names=("a.csv", "b.csv"))
    c = _write(tmp_path / "c.csv", "key,label\ntrawl-1,relevant\ntrawl-2,irrelevant\n")
    with pytest.raises(TrawlError, match="no decision label in common"):
        agreement(read_decisions(a), read_decisions(c))
    with pytest.raises(TrawlError, match=r"line 3: .*d\.csv: record 'trawl-1' appears twice"):
        read_decisions(_write(tmp_path / "d.csv", "key,label\ntrawl-1,include\ntrawl-1,exclude\n"))
    with pytest.raises(TrawlError, match=r"line 2: .*e\.csv: record 'trawl-1' has no decision"):
        read_decisions(_write(tmp_path / "e.csv", "key,label\ntrawl-1,\n"))
    with pytest.raises(TrawlError, match="needs a record column"):
        read_decisions(_write(tmp_path / "f.csv", "title,label\nx,include\n"))


def test_kappa_is_undefined_when_everyone_says_the_same():
    r = agreement({"1": "include", "2": "include"}, {"1": "include", "2": "include"})
    assert r.percent == 100.0 and r.kappa is None and r.notes
