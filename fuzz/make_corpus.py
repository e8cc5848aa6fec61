#!/usr/bin/env python3
"""Writes starting inputs for the fuzz targets to fuzz/corpus/<target>/ from
the demo seeds: the texts alone, the five as one corpus (0x1E between
documents), and each as JSONL, HTML, WARC and WARC.gz (the first byte of an
ingest input picks the format, see fuzz_targets/ingest.rs)."""
import gzip
import json
import pathlib

root = pathlib.Path(__file__).resolve().parent
seeds = sorted((root.parent / "demo" / "seeds").glob("*.txt"))
texts = [p.read_text(encoding="utf-8") for p in seeds]
out = {t: root / "corpus" / t for t in ("text", "ingest", "scan")}
for d in out.values():
    d.mkdir(parents=True, exist_ok=True)

def html(text):
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return ('<html><head><title>T</title><meta property="article:published_time" '
            'content="2024-05-01T10:00:00Z"></head><body><nav>Home | News</nav>'
            f"<article>{paras}</article></body></html>")

def warc(body):
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)
    head = (b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.com/a\r\n"
            b"WARC-Date: 2024-05-01T10:00:00Z\r\nContent-Length: "
            + str(len(http)).encode() + b"\r\n\r\n")
    return head + http + b"\r\n\r\n"

for i, text in enumerate(texts):
    (out["text"] / f"seed{i}").write_text(text, encoding="utf-8")
    (out["text"] / f"seed{i}.html").write_text(html(text), encoding="utf-8")
    row = json.dumps({"id": f"s{i}", "text": text, "date": "2024-05-01", "url": "https://example.com/a"})
    # Formats by first byte: 0 jsonl, 1 warc, 2 warc.gz, 3 html, 4 txt, 5 md.
    (out["ingest"] / f"jsonl{i}").write_bytes(b"\x00" + (row + "\n{bad\n").encode())
    w = warc(html(text).encode())
    (out["ingest"] / f"warc{i}").write_bytes(b"\x01" + w)
    (out["ingest"] / f"warcgz{i}").write_bytes(b"\x02" + gzip.compress(w, mtime=0))
    (out["ingest"] / f"html{i}").write_bytes(b"\x03" + html(text).encode())
    (out["ingest"] / f"txt{i}").write_bytes(b"\x04" + text.encode())
    # 6 csv, 7 tsv (the text quoted, as spreadsheets write it).
    quoted = '"' + text.replace('"', '""') + '"'
    (out["ingest"] / f"csv{i}").write_bytes(b"\x06" + f"id,date,text\r\ns{i},20.03.2023,{quoted}\r\n".encode())
    (out["ingest"] / f"tsv{i}").write_bytes(b"\x07" + f"id\ttext\ts{i}\t{quoted}\n".encode())
(out["scan"] / "seeds").write_text("\x1e".join(texts), encoding="utf-8")
(out["scan"] / "copy").write_text(texts[1] + "\x1e" + texts[1][: len(texts[1]) // 2] + "\x1e" + texts[2], encoding="utf-8")
