"""python/examples/demo_table.py reproduces the table of `make demo`: one
layer of the shipped trace, compared with the demo's own SELECT over a
database written by `axon run --db` for that layer, with and without
--row-reuse, and with --tech base-45nm."""
import json
import os
import re
import subprocess
import sys

from conftest import ROOT, axon_cli

SCRIPT = os.path.join(ROOT, "python", "examples", "demo_table.py")
W = os.path.join(ROOT, "traces", "ppocr", "ppocr-rec.weights.safetensors")
T = os.path.join(ROOT, "traces", "ppocr", "ppocr-rec.trace.safetensors")


def demo_sql():
    text = open(os.path.join(ROOT, "mk", "demo.sh")).read()
    return re.search(r'"(SELECT layer,.*?ORDER BY run_id)"', text, re.S).group(1)


def test_demo_table_one_layer(tmp_path):
    env = dict(os.environ)
    out = subprocess.run([sys.executable, SCRIPT, "--layers", "1"], env=env, check=True,
                         capture_output=True, text=True).stdout
    rows = json.loads(subprocess.run([sys.executable, SCRIPT, "--layers", "1", "--json"], env=env,
                                     check=True, capture_output=True, text=True).stdout)
    assert len(rows) == 1
    layer = rows[0]["layer"]
    db = tmp_path / "demo.db"
    axon_cli("run", "--weights", W, "--trace", T, "--layer", layer, "--db", db)
    axon_cli("run", "--weights", W, "--trace", T, "--layer", layer, "--tech", "base-45nm", "--db", db)
    axon_cli("run", "--weights", W, "--trace", T, "--layer", layer, "--row-reuse", "--db", db)
    table = axon_cli("query", "--db", db, demo_sql())
    assert out == table  # the same text, cell for cell
    ref = json.loads(axon_cli("query", "--db", db, "--json", demo_sql()))
    assert rows == ref
