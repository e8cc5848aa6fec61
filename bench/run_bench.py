#!/usr/bin/env python3
"""Whole-tool benchmark: unspun scan against datasketch and rensa, one run, same corpus.

Generates a bench corpus with ../shared/bench/make_corpus.py (gold `family` per
document), runs the peers with ../shared/bench/peers.py, then `unspun scan` on
1 and 2 threads, and prints docs/s, peak RSS and the adjusted Rand index of copy
families for each, with unspun's speed as a ratio of each peer's.

With --meaning it also times a 2-thread scan with the meaning layer on (the
sentence-embedding tiers; the model is fetched on first use): the row
"unspun+meaning".

It also times `unspun dedup` (one copy of each text kept, no stories) on 1 and
2 threads: its groups (each kept document with those dropped for it) are scored
as a clustering too. Documents that only share passages are not dropped, so its
ARI sits below the families'.

With --repeat N every tool runs N times, the runs interleaved (peers, unspun on
1 thread, on 2 threads, then again), and each row gives the median docs/s with
the range: on a shared or virtual machine one run can be off by a third.

Usage: bench/run_bench.py [--docs 100000] [--seed 7] [--peers datasketch,rensa] [--skip-peers] [--meaning] [--repeat 1]
Needs: cargo; pip installs datasketch and rensa when the peers run.
"""
import argparse, json, os, statistics, subprocess, sys, time
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


def run_dedup(exe, corpus, out_dir, threads, gold):
    """`unspun dedup`, its groups (each kept document with the ones dropped
    for it) scored as a clustering: documents that only share passages stay
    apart by design, so its ARI sits below scan's families."""
    os.makedirs(out_dir, exist_ok=True)
    dropped_path = os.path.join(out_dir, "dropped.jsonl")
    seconds, rss, out = run_measured([exe, "dedup", corpus, "--ids-only", "--dropped", dropped_path,
                                      "--threads", str(threads), "--quiet"])
    kept_for = {}
    with open(dropped_path) as f:
        for line in f:
            r = json.loads(line)
            kept_for[r["id"]] = r["kept"]
    ids = out.splitlines() + list(kept_for)
    pred = [kept_for.get(i, i) for i in ids]
    return seconds, rss, pred, [gold[i] for i in ids]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--peers", default="datasketch,rensa")
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--meaning", action="store_true", help="also time a 2-thread scan with the meaning layer")
    ap.add_argument("--repeat", type=int, default=1, help="runs of every tool, interleaved; rows give the median")
    a = ap.parse_args()
    if a.repeat < 1:
        sys.exit("--repeat must be at least 1")
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

    # One list of docs/s per row, in order of first appearance.
    rows = {}

    def record(tool, threads, docs_per_s, rss, quality):
        key = (tool, threads)
        if key not in rows:
            rows[key] = {"tool": tool, "threads": threads, "runs": [], "rss_mib": rss, **quality}
        rows[key]["runs"].append(docs_per_s)
        if rss is not None:
            rows[key]["rss_mib"] = max(rows[key]["rss_mib"], rss)

    if not a.skip_peers:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "datasketch", "rensa"], check=True)
    runs = [("unspun", 1, ["--no-meaning"]), ("unspun", 2, ["--no-meaning"])]
    if a.meaning:
        runs.append(("unspun+meaning", 2, []))
    runs += [("unspun dedup", 1, []), ("unspun dedup", 2, [])]
    for _ in range(a.repeat):
        if not a.skip_peers:
            _, rss, out = run_measured([sys.executable, os.path.join(SHARED, "peers.py"), corpus, "--peers", a.peers])
            for line in out.splitlines():
                r = json.loads(line)
                record(r["peer"], 1, r["docs_per_s"], None, {"ari": r.get("ari"), "pair_precision": r.get("pair_precision"),
                                                            "pair_recall": r.get("pair_recall")})
        for tool, threads, flags in runs:
            out_dir = os.path.join(WORK, f"out_{tool.replace(' ', '_')}_{threads}")
            if tool == "unspun dedup":
                seconds, rss, pred, g = run_dedup(exe, corpus, out_dir, threads, gold)
            else:
                seconds, rss, _ = run_measured([exe, "scan", corpus, "--out", out_dir, "--threads", str(threads), "--quiet", *flags])
                pred, g = [], []
                with open(os.path.join(out_dir, "documents.jsonl")) as f:
                    for line in f:
                        r = json.loads(line)
                        pred.append(r["family"] or "single:" + r["id"])
                        g.append(gold[r["id"]])
            record(tool, threads, round(len(pred) / seconds, 1), round(rss, 1), ari(pred, g))
    rows = list(rows.values())
    for r in rows:
        r["docs_per_s"] = round(statistics.median(r["runs"]), 1)

    print(f"corpus: {corpus} ({len(gold)} docs)")
    median = "median docs/s" if a.repeat > 1 else "docs/s"
    print(f"{'tool':<15}{'threads':>8}{median:>15}{'range':>16}{'peak RSS MiB':>14}{'ARI':>8}{'P':>8}{'R':>8}")
    for r in rows:
        rss = f"{r['rss_mib']:.0f}" if r["rss_mib"] else "-"
        spread = f"{min(r['runs']):.0f}-{max(r['runs']):.0f}" if len(r["runs"]) > 1 else "-"
        print(f"{r['tool']:<15}{r['threads']:>8}{r['docs_per_s']:>15.0f}{spread:>16}{rss:>14}{r['ari']:>8}{r['pair_precision']:>8}{r['pair_recall']:>8}")
    # Ratios within each round (its runs were minutes apart), then the median.
    ours = {r["threads"]: r["runs"] for r in rows if r["tool"] == "unspun"}
    dedup = {r["threads"]: r["runs"] for r in rows if r["tool"] == "unspun dedup"}

    def ratio(xs, ys, digits):
        per_round = [x / y for x, y in zip(xs, ys)]
        spread = f" (rounds {min(per_round):.{digits}f}-{max(per_round):.{digits}f})" if len(per_round) > 1 else ""
        return f"{statistics.median(per_round):.{digits}f}x{spread}"

    print(f"unspun 2 threads / 1 thread: {ratio(ours[2], ours[1], 2)}")
    print(f"unspun dedup 2 threads / 1 thread: {ratio(dedup[2], dedup[1], 2)}")
    for r in rows:
        if not r["tool"].startswith("unspun"):
            print(f"unspun (1 thread) / {r['tool']}, docs/s: {ratio(ours[1], r['runs'], 1)}")
            print(f"unspun dedup (1 thread) / {r['tool']}, docs/s: {ratio(dedup[1], r['runs'], 1)}")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
