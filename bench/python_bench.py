#!/usr/bin/env python3
"""Python-side benchmarks: the `unspun` binding against datasketch and rensa,
and the Spark job against the single-machine `unspun scan`.

Part 1 (binding): on a corpus from ../shared/bench/make_corpus.py, in one run,
datasketch and rensa (../shared/bench/peers.py, one thread, timed after the
corpus is loaded) and the binding: `unspun.scan(rows)` (batch) and
`unspun.Index().add(row)` per document (streaming, the peers' query-then-insert
pattern), each in its own process at 1 and 2 threads. Prints docs/s and the
adjusted Rand index of copy families against the gold `family`, with unspun's
speed as a ratio of each peer's.

Part 2 (Spark, with --spark SIZES): for each size, `unspun scan --no-meaning`
(2 threads) and `python -m unspun.spark scan` in a local[2] session on the same
corpus: docs/s, their ratio, and seconds per Spark stage.

Usage: bench/python_bench.py [--docs 20000] [--seed 7] [--spark 10000,30000]
Needs: the binding installed (scripts/test-python.sh sets up target/pyenv),
datasketch and rensa (pip), pyspark and Java for part 2. Run it with the
interpreter that has them, e.g. target/pyenv/bin/python bench/python_bench.py.
"""

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "bench")
WORK = os.path.join(ROOT, "target", "pybench")


def corpus(docs: int, seed: int) -> str:
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, f"corpus_{docs}_{seed}.jsonl")
    if not os.path.exists(path):
        with open(path + ".tmp", "w") as f:
            subprocess.run([sys.executable, os.path.join(SHARED, "make_corpus.py"), "--docs", str(docs), "--seed", str(seed)], stdout=f, check=True)
        os.replace(path + ".tmp", path)
    return path


def load(path: str) -> list:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def peers_module():
    sys.path.insert(0, SHARED)
    import peers  # noqa: E402  (../shared/bench/peers.py)

    return peers


def measure_binding(path: str, mode: str) -> dict:
    """One measurement, in this process (called in a child with its thread count)."""
    import unspun

    rows = load(path)
    gold = [r["family"] for r in rows]
    docs = [{"id": r["id"], "text": r["text"]} for r in rows]
    start = time.perf_counter()
    if mode == "scan":
        result = unspun.scan(docs)
        family = {d["id"]: d["family"] for d in result.documents}
    else:
        index = unspun.Index()
        for d in docs:
            index.add(d)
        family = {m: f["id"] for f in index.families() for m in f["members"]}
    seconds = time.perf_counter() - start
    pred = [family.get(d["id"]) or d["id"] for d in docs]
    out = {"docs": len(docs), "seconds": round(seconds, 3), "docs_per_s": round(len(docs) / seconds, 1)}
    out.update(peers_module().scores(pred, gold))
    return out


def child(path: str, mode: str, threads: int) -> dict:
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    done = subprocess.run([sys.executable, __file__, "--child", mode, path], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def part_binding(docs: int, seed: int) -> None:
    path = corpus(docs, seed)
    rows = []
    out = subprocess.run([sys.executable, os.path.join(SHARED, "peers.py"), path], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        r = json.loads(line)
        rows.append({"tool": r["peer"], "threads": 1, **{k: r[k] for k in ("docs_per_s", "ari", "pair_precision", "pair_recall")}})
    for mode in ("scan", "index"):
        for threads in (1, 2):
            r = child(path, mode, threads)
            rows.append({"tool": f"unspun.{'scan' if mode == 'scan' else 'Index.add'}", "threads": threads, **{k: r[k] for k in ("docs_per_s", "ari", "pair_precision", "pair_recall")}})
    peers = {r["tool"]: r["docs_per_s"] for r in rows if r["tool"] in ("datasketch", "rensa")}
    print(f"\n## Binding vs peers: {docs} documents (make_corpus.py --seed {seed}), one run\n")
    print("| tool | threads | docs/s | ARI | pair precision | pair recall | x datasketch | x rensa |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratios = [f"{r['docs_per_s'] / peers[p]:.1f}" if p in peers else "-" for p in ("datasketch", "rensa")]
        print(f"| {r['tool']} | {r['threads']} | {r['docs_per_s']:.0f} | {r['ari']} | {r['pair_precision']} | {r['pair_recall']} | {ratios[0]} | {ratios[1]} |")


def part_spark(sizes: list, seed: int) -> None:
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "unspun-cli"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "unspun")
    print("\n## Spark local[2] vs single-machine scan (2 threads), same corpus\n")
    print("| docs | unspun scan s | docs/s | Spark s | docs/s | Spark / scan | Spark seconds per stage |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        path = corpus(n, seed)
        start = time.perf_counter()
        subprocess.run([exe, "scan", path, "--out", os.path.join(WORK, f"cli_{n}"), "--threads", "2", "--quiet", "--no-meaning"], check=True, stdout=subprocess.DEVNULL)
        cli_s = time.perf_counter() - start
        out = os.path.join(WORK, f"spark_{n}")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "unspun.spark", "scan", path, "--out", out, "--master", "local[2]"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        spark_s = time.perf_counter() - start  # includes starting the JVM
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
        stages = ", ".join(f"{k} {v:.1f}" for k, v in summary["seconds"].items())
        print(f"| {n} | {cli_s:.2f} | {n / cli_s:.0f} | {spark_s:.1f} | {n / spark_s:.0f} | {spark_s / cli_s:.0f}x slower | {stages} |", flush=True)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(measure_binding(sys.argv[3], sys.argv[2])))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20000, help="corpus size for the binding benchmark (0: skip)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--spark", default="", help="comma-separated corpus sizes for the Spark benchmark")
    a = ap.parse_args()
    if not os.path.isdir(SHARED):
        sys.exit(f"skipped: {SHARED} not found (the shared data folder must sit beside the repo)")
    if a.docs:
        part_binding(a.docs, a.seed)
    if a.spark:
        part_spark([int(x) for x in a.spark.split(",")], a.seed)


if __name__ == "__main__":
    main()
