"""How far a cross-encoder made from all-MiniLM-L6-v2 gets on MSRP.

The MSRP target of issue #3 (accuracy >= 0.80) is out of reach of the
bi-encoder features (docs/calibration.md). This experiment asks whether
fine-tuning the same model to read both sentences together would reach it:
MiniLM with a linear head on the mean of its last hidden states, trained
with binary cross-entropy on MSRP train, measured on held-out folds of a
5-fold split (stratified, seed 0). It is not part of unspun: training needs
PyTorch, which the product does not.

Set-up (about 5.4 GB, with PyTorch's CUDA libraries):
    python3 -m venv /tmp/xenc && /tmp/xenc/bin/pip install torch transformers scikit-learn
    unspun model fetch
Run:
    /tmp/xenc/bin/python scripts/experiments/msrp_cross_encoder.py --epochs 3 --folds 0
"""
import argparse
import json
import math
import os
import random
import time
from pathlib import Path

import torch
from sklearn.model_selection import StratifiedKFold
from transformers import BertModel, BertTokenizerFast

HIDDEN = 384


def default_model_dir() -> Path:
    cache = os.environ.get("UNSPUN_CACHE_DIR") or Path.home() / ".cache" / "unspun"
    return Path(cache) / "all-MiniLM-L6-v2"


class CrossEncoder(torch.nn.Module):
    def __init__(self, model_dir: Path):
        super().__init__()
        self.bert = BertModel.from_pretrained(str(model_dir), add_pooling_layer=False)
        self.head = torch.nn.Linear(HIDDEN, 1)

    def forward(self, enc):
        hidden = self.bert(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        return self.head(pooled).squeeze(-1)


def batches(rows, indices, tokenizer, size, rng=None):
    indices = list(indices)
    if rng is not None:
        rng.shuffle(indices)
    for start in range(0, len(indices), size):
        batch = [rows[i] for i in indices[start : start + size]]
        enc = tokenizer(
            [r["a"] for r in batch],
            [r["b"] for r in batch],
            padding=True,
            truncation=True,
            max_length=128,
            return_tensors="pt",
        )
        labels = torch.tensor([float(r["label"]) for r in batch])
        yield enc, labels


def accuracy(model, rows, indices, tokenizer, size):
    model.eval()
    correct = 0
    with torch.no_grad():
        for enc, labels in batches(rows, indices, tokenizer, size):
            correct += ((model(enc) > 0).float() == labels).sum().item()
    return correct / len(indices)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/pairs/msrp_train.jsonl")
    parser.add_argument("--model", type=Path, default=default_model_dir())
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--folds", default="0,1,2,3,4", help="which of the five folds to hold out")
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch", type=int, default=16)
    args = parser.parse_args()

    torch.manual_seed(0)
    rng = random.Random(0)
    rows = [json.loads(line) for line in open(args.data, encoding="utf-8")]
    tokenizer = BertTokenizerFast(tokenizer_file=str(args.model / "tokenizer.json"))
    labels = [r["label"] for r in rows]
    wanted = {int(f) for f in args.folds.split(",")}
    split = StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(rows, labels)
    results = []
    for fold, (train, held_out) in enumerate(split):
        if fold not in wanted:
            continue
        model = CrossEncoder(args.model)
        optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
        steps = args.epochs * math.ceil(len(train) / args.batch)
        # Linear warm-up over the first tenth, then linear decay to zero.
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer,
            lambda s: min((s + 1) / (0.1 * steps), max(0.0, (steps - s) / (0.9 * steps))),
        )
        started = time.time()
        for epoch in range(1, args.epochs + 1):
            model.train()
            for enc, target in batches(rows, train, tokenizer, args.batch, rng):
                loss = torch.nn.functional.binary_cross_entropy_with_logits(model(enc), target)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                schedule.step()
            acc = accuracy(model, rows, held_out, tokenizer, 64)
            print(f"fold {fold} epoch {epoch}: held-out accuracy {acc:.4f} "
                  f"({time.time() - started:.0f} s)", flush=True)
        results.append(acc)
    print(f"held-out accuracy per fold {[round(a, 4) for a in results]}, "
          f"mean {sum(results) / len(results):.4f}")


if __name__ == "__main__":
    main()
