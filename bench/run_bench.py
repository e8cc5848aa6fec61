#!/usr/bin/env python3
"""Whole-tool benchmark: unspun scan against datasketch and rensa, one run, same corpus.

Generates a bench corpus with ../shared/bench/make_corpus.py (gold `family` per
document), runs the peers with ../shared/bench/peers.py, then `unspun scan` on
1 and 2 threads, and prints docs/s, peak RSS and the adjusted Rand index of copy
families for each, with unspun's speed as a ratio of each peer's.

With --meaning it also times a 2-thread scan with the meaning layer on (the
sentence-embedding tiers; the model is fetched on first use): the row
"unspun+meaning".

Usage: bench/run_bench.py [--docs 100000] [--seed 7] [--peers datasketch,rensa] [--skip-peers] [--meaning]
Needs: cargo; pip installs datasketch and rensa when the peers run.
"""
import argparse, json, os, subprocess, sys, time
from collections import Counter
from math import comb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "bench")
WORK = os.path.join(ROOT, "target", "bench")


def ari(pred, gold):
    cont = Counter(zip(pred, gold))
    both = sum(comb(c, 2) for c in cont.values())
    sp = sum(comb(c, 2) for c in Counter(pred).values())
    sg = sum(comb(c, 2) for c in Counter(gold).values())
    total = comb(len(pred), 2)
    expected = sp * sg / total if total else 0
    maximum = (sp + sg) / 2
    return {"ari": round((both - expected) / (maximum - expected), 4) if maximum != expected else 1.0,
            "pair_precision": round(both / sp, 4) if sp else 1.0,
            "pair_recall": round(both / sg, 4) if sg else 1.0}


def run_measured(cmd):
    """Runs cmd; returns (seconds, peak RSS in MiB, stdout)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"failed: {' '.join(cmd)}")
    return seconds, usage.ru_maxrss / 1024, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--peers", default="datasketch,rensa")
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--meaning", action="store_true", help="also time a 2-thread scan with the meaning layer")
    a = ap.parse_args()
    if not os.path.isdir(SHARED):
        sys.exit(f"skipped: {SHARED} not found (the shared data folder must sit beside the repo)")
    os.makedirs(WORK, exist_ok=True)
    corpus = os.path.join(WORK, f"corpus_{a.docs}_{a.seed}.jsonl")
    if not os.path.exists(corpus):
        with open(corpus, "w") as f:
            subprocess.run([sys.executable, os.path.join(SHARED, "make_corpus.py"), "--docs", str(a.docs), "--seed", str(a.seed)], stdout=f, check=True)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "unspun-cli"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "unspun")
    gold = {}
    with open(corpus) as f:
        for line in f:
            r = json.loads(line)
            gold[r["id"]] = r["family"]

    rows = []
    if not a.skip_peers:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "datasketch", "rensa"], check=True)
        _, rss, out = run_measured([sys.executable, os.path.join(SHARED, "peers.py"), corpus, "--peers", a.peers])
        for line in out.splitlines():
            r = json.loads(line)
            rows.append({"tool": r["peer"], "threads": 1, "docs_per_s": r["docs_per_s"], "rss_mib": None,
                         "ari": r.get("ari"), "pair_precision": r.get("pair_precision"), "pair_recall": r.get("pair_recall")})
    runs = [("unspun", 1, ["--no-meaning"]), ("unspun", 2, ["--no-meaning"])]
    if a.meaning:
        runs.append(("unspun+meaning", 2, []))
    for tool, threads, flags in runs:
        out_dir = os.path.join(WORK, f"out_{tool}_{threads}")
        seconds, rss, _ = run_measured([exe, "scan", corpus, "--out", out_dir, "--threads", str(threads), "--quiet", *flags])
        pred, g = [], []
        with open(os.path.join(out_dir, "documents.jsonl")) as f:
            for line in f:
                r = json.loads(line)
                pred.append(r["family"] or "single:" + r["id"])
                g.append(gold[r["id"]])
        rows.append({"tool": tool, "threads": threads, "docs_per_s": round(len(pred) / seconds, 1),
                     "rss_mib": round(rss, 1), **ari(pred, g)})

    print(f"corpus: {corpus} ({len(gold)} docs)")
    print(f"{'tool':<12}{'threads':>8}{'docs/s':>12}{'peak RSS MiB':>14}{'ARI':>8}{'P':>8}{'R':>8}")
    for r in rows:
        rss = f"{r['rss_mib']:.0f}" if r["rss_mib"] else "-"
        print(f"{r['tool']:<12}{r['threads']:>8}{r['docs_per_s']:>12.0f}{rss:>14}{r['ari']:>8}{r['pair_precision']:>8}{r['pair_recall']:>8}")
    ours = {r["threads"]: r["docs_per_s"] for r in rows if r["tool"] == "unspun"}
    print(f"unspun 2 threads / 1 thread: {ours[2] / ours[1]:.2f}x")
    for r in rows:
        if not r["tool"].startswith("unspun"):
            print(f"unspun (1 thread) / {r['tool']}: {ours[1] / r['docs_per_s']:.1f}x docs/s")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
