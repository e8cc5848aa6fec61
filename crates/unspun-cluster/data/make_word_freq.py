#!/usr/bin/env python3
"""Regenerates word_freq.txt, the English word frequencies behind the spin
direction of provenance (crates/unspun-cluster/src/spin.rs).

Counts words in the shared dev data: the MSRP, STS-B and SemEval-2022 pair
texts and the PAN 2013 source documents. Left out on purpose: the Clough &
Stevenson pairs (provenance is measured on them) and the seed articles (the
tests check them). Words are lowercased runs of letters and digits, close to
unspun's tokenizer (NFKC, case folded, punctuation splits words).

Output: a `# tokens N` line, then `word count` for every word seen at least
twice, most frequent first (ties by word), so that the file is stable.

Usage: make_word_freq.py [SHARED_DIR] > crates/unspun-cluster/data/word_freq.txt
"""
import collections, glob, json, os, re, sys, unicodedata

shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared")
data = os.path.join(shared, "data")
WORD = re.compile(r"[^\W_]+")


def words(text):
    return WORD.findall(unicodedata.normalize("NFKC", text).lower())


counts = collections.Counter()
for name in ("msrp_train", "stsb_train", "stsb_dev", "semeval22_en_dev"):
    with open(os.path.join(data, "pairs", name + ".jsonl"), encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            counts.update(words(row["a"]))
            counts.update(words(row["b"]))
for path in sorted(glob.glob(os.path.join(data, "alignment", "pan13_dev", "docs", "*.txt"))):
    with open(path, encoding="utf-8", errors="replace") as f:
        counts.update(words(f.read()))

print(f"# tokens {sum(counts.values())}")
for word, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
    if n >= 2:
        print(word, n)
