"""Shared fixtures: the seed articles, the repository, the CLI."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seeds() -> dict:
    """The five seed articles, by file name (the ids `unspun scan` gives them)."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def cli_scan():
    """Runs the CLI's `scan` (built by cargo in release) into a directory;
    extra options (e.g. `--no-meaning`) follow."""

    def run(inputs, out, *options):
        cmd = ["cargo", "run", "--release", "-q", "-p", "unspun-cli", "--", "scan", *map(str, inputs), "--out", str(out), "--quiet", *options]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode in (0, 1), done.stderr
        return pathlib.Path(out)

    return run


def read_jsonl(path) -> list:
    import json

    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def shared_or_skip() -> pathlib.Path:
    if not (SHARED / "bench" / "make_corpus.py").exists():
        pytest.skip(f"{SHARED} not found: the shared data folder must sit beside the repository")
    return SHARED


def make_corpus(docs: int, seed: int, dest: pathlib.Path) -> pathlib.Path:
    """A bench corpus from ../shared/bench/make_corpus.py, cached under target/."""
    shared = shared_or_skip()
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"corpus_{docs}_{seed}.jsonl"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w") as f:
            subprocess.run(["python3", str(shared / "bench" / "make_corpus.py"), "--docs", str(docs), "--seed", str(seed)], stdout=f, check=True)
        os.replace(tmp, path)
    return path
