"""The Spark job against the single-machine scan, in a local[2] session."""

import json
import os
import shutil
import subprocess

import pytest

import unspun
from conftest import ROOT, make_corpus, read_jsonl

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (scripts/test-python.sh installs it)")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime: Spark needs one (Java 17)", allow_module_level=True)

from unspun import spark as uspark  # noqa: E402
from unspun.spark_cc import connected_components  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    session = uspark.local_session("local[2]", app="unspun-tests")
    yield session
    session.stop()


def parquet_rows(path):
    import pyarrow.parquet as pq

    return pq.read_table(str(path)).to_pylist()


def test_spark_scan_equals_the_single_machine_scan(spark, cli_scan):
    """The Spark job is lexical: it equals `unspun scan --no-meaning`."""
    corpus = make_corpus(2000, 5, ROOT / "target" / "pybench")
    work = ROOT / "target" / "pytest-spark"
    cli = cli_scan([corpus], work / "cli", "--no-meaning")
    summary = uspark.scan(spark, str(corpus), str(work / "spark"))

    cli_pairs = read_jsonl(cli / "pairs.jsonl")
    spark_pairs = parquet_rows(work / "spark" / "pairs")
    assert len(cli_pairs) > 1000
    # Same pairs, same relations, and the very same scores and passages.
    assert {(p["a"], p["b"]): p["relation"] for p in spark_pairs} == {(p["a"], p["b"]): p["relation"] for p in cli_pairs}
    assert spark_pairs == cli_pairs
    # Same family partition, ids and originals.
    assert parquet_rows(work / "spark" / "families") == read_jsonl(cli / "families.jsonl")
    assert parquet_rows(work / "spark" / "documents") == read_jsonl(cli / "documents.jsonl")
    # Stories: the same partition, ids and cohesion (the CLI adds a title,
    # derivation edges and claims the distributed job does not compute).
    shared = ("id", "size", "members", "first_date", "last_date", "cohesion")
    spark_stories = parquet_rows(work / "spark" / "stories")
    assert len(spark_stories) > 10
    assert spark_stories == [{k: s[k] for k in shared} for s in read_jsonl(cli / "stories.jsonl")]
    cli_summary = json.loads((cli / "summary.json").read_text())
    assert {k: cli_summary["candidates"][k] for k in ("lsh", "anchors", "total")} == summary["candidates"]
    assert summary["pairs_by_relation"] == cli_summary["pairs_by_relation"]

    # Dedup, per family on the executors, drops what `unspun dedup` drops.
    dedup_summary = uspark.scan(spark, str(corpus), str(work / "spark-dedup"), dedup_copies=True)
    cmd = ["cargo", "run", "--release", "-q", "-p", "unspun-cli", "--", "dedup", str(corpus), "--ids-only", "-q",
           "--dropped", str(work / "cli-dropped.jsonl")]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    cli_dropped = read_jsonl(work / "cli-dropped.jsonl")
    assert len(cli_dropped) > 200
    assert parquet_rows(work / "spark-dedup" / "dropped") == cli_dropped
    assert dedup_summary["dropped"] == len(cli_dropped)
    assert dedup_summary["documents"] - dedup_summary["dropped"] == len(done.stdout.split())


def test_spark_reads_parquet_like_rows(spark, seeds, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # 03/04/2023 is 4 March by --date-order mdy; the text is in `body`.
    rows = [{"id": n, "body": t, "date": "03/04/2023"} for n, t in seeds.items()]
    rows += [{"id": "copy", "body": seeds["001_5b3ff33e69876255.txt"]}, {"id": "bad", "body": None}]
    pq.write_table(pa.Table.from_pylist(rows), str(tmp_path / "in.parquet"))
    summary = uspark.scan(spark, str(tmp_path / "in.parquet"), str(tmp_path / "out"), date_order="mdy", fields={"text": "body"})
    expected = unspun.scan(rows, errors="skip", date_order="mdy", text_field="body")
    dates = [d["date"] for d in parquet_rows(tmp_path / "out" / "documents")]
    assert dates == [d["date"] for d in expected.documents]
    assert dates[:2] == ["2023-03-04", "2023-03-04"]
    assert parquet_rows(tmp_path / "out" / "pairs") == expected.pairs
    assert parquet_rows(tmp_path / "out" / "families") == expected.families
    assert summary["skipped"] == 1 and "field `body` is null" in summary["problems"][0]


def test_connected_components_on_long_chains(spark):
    # A path of 300 nodes (diameter 299), a star, a pair, in shuffled order.
    edges = [(i, i + 1) for i in range(1000, 1299)] + [(5, k) for k in (6, 7, 8, 9)] + [(42, 41)]
    edges = edges[::-1]
    df = spark.createDataFrame(edges, "src long, dst long")
    labels = {r["node"]: r["root"] for r in connected_components(df).collect()}
    assert len(labels) == 300 + 5 + 2
    assert {labels[n] for n in range(1000, 1300)} == {1000}
    assert {labels[n] for n in (5, 6, 7, 8, 9)} == {5}
    assert labels[41] == labels[42] == 41
