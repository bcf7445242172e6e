"""axon.sweep into a results database and axon.query back out of it: the
points, their values against a single axon.run, resume, named queries."""
import pytest

import axon
from conftest import UP, axon_cli


def test_sweep_query_round_trip(files, tmp_path):
    w, t = files
    db = str(tmp_path / "r.db")
    st = axon.sweep(w, t, layer=UP, db=db, jobs=2, clock_mhz=[250, 500],
                    coding=["ternary", "bitwise-signed"], tile="64x64")
    assert st["planned"] == 4 and st["ran"] == 4 and st["failed"] == 0 and st["sweep_id"] >= 1
    rows = axon.query(db, "SELECT layer, clock_mhz, coding, tile, exact, energy_pj, cycles "
                          "FROM v_runs ORDER BY clock_mhz, coding")
    assert [(r["clock_mhz"], r["coding"]) for r in rows] == [
        (250, "bitwise-signed"), (250, "ternary"), (500, "bitwise-signed"), (500, "ternary")]
    assert all(r["layer"] == UP and r["tile"] == "64x64" and r["exact"] == 1 for r in rows)
    # a point of the sweep is the same run as axon.run with its parameters
    one = axon.run(w, t, layer=UP, clock_mhz=250, coding="ternary", tile="64x64")
    assert rows[1]["energy_pj"] == one.report["energy_pj"]
    assert rows[1]["cycles"] == one.report["cycles"]
    # rerun = resume: nothing left to do
    again = axon.sweep(w, t, layer=UP, db=db, clock_mhz=[250, 500],
                       coding=["ternary", "bitwise-signed"], tile="64x64")
    assert again["skipped"] == 4 and again["ran"] == 0
    # named queries, with options
    assert len(axon.query(db, "runs", limit=2)) == 2
    sweeps = axon.query(db, "sweeps")
    assert len(sweeps) == 1
    front = axon.query(db, "pareto", x="energy_pj_per_token", y="latency_ns_per_token")
    assert 1 <= len(front) <= 4
    assert {q["name"] for q in axon.query(db, "list")} >= {"runs", "best", "pareto"}
    # the same rows as the command line's JSON
    import json
    cli = json.loads(axon_cli("query", "--db", db, "--json", "SELECT run_id, energy_pj FROM v_runs"))
    assert axon.query(db, "SELECT run_id, energy_pj FROM v_runs") == cli


def test_sweep_and_query_errors(files, tmp_path):
    w, t = files
    db = str(tmp_path / "e.db")
    with pytest.raises(ValueError, match="did you mean clock_mhz"):
        axon.sweep(w, t, layer=UP, db=db, clock_mhs=[250, 500])
    with pytest.raises(ValueError, match="--clock '-1'"):
        axon.sweep(w, t, layer=UP, db=db, clock_mhz=[250, -1])
    with pytest.raises(axon.AxonError, match="no named query"):
        axon.query(db, "nonsense")
    assert axon.sweep(w, t, layer=UP, db=db, clock_mhz=250)["ran"] == 1  # no axis: one point
    with pytest.raises(axon.AxonError, match="readonly"):  # read-only: no writes through query
        axon.query(db, "DELETE FROM runs")
    assert len(axon.query(db, "SELECT * FROM runs")) == 1


def test_layer_axis(files, tmp_path):
    w, t = files
    db = str(tmp_path / "l.db")
    from conftest import DOWN
    st = axon.sweep(w, t, layer=[UP, DOWN], db=db, k=[2, 3])
    assert st["ran"] == 4
    got = axon.query(db, "SELECT layer, k FROM v_runs ORDER BY layer, k")
    assert [(r["layer"], r["k"]) for r in got] == [(DOWN, 2), (DOWN, 3), (UP, 2), (UP, 3)]
