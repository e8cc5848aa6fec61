"""`unspun.scan` and `unspun.Index` against the CLI."""

import pytest

import unspun

from conftest import SEEDS, read_jsonl


def test_scan_of_the_seeds_equals_the_cli(seeds, cli_scan, tmp_path):
    out = cli_scan([SEEDS], tmp_path / "cli", "--no-meaning")
    result = unspun.scan({"id": name, "text": text} for name, text in seeds.items())
    assert result.pairs == read_jsonl(out / "pairs.jsonl")
    assert result.families == read_jsonl(out / "families.jsonl")
    cli_docs = read_jsonl(out / "documents.jsonl")
    # Text files carry a path and a date line the rows here do not give.
    same = ("id", "title", "removed", "family", "tokens", "bytes")
    assert [{k: d[k] for k in same} for d in result.documents] == [{k: d[k] for k in same} for d in cli_docs]
    assert {p["relation"] for p in result.pairs} == {"reuse"}
    assert result.summary["documents"] == 5


def test_scan_of_paths_writes_what_the_cli_writes(cli_scan, tmp_path):
    # A folder, as a str and as a pathlib.Path, and a list of files.
    out = cli_scan([SEEDS], tmp_path / "cli", "--no-meaning")
    for documents in (str(SEEDS), SEEDS):
        unspun.scan(documents).write(tmp_path / "py")
        for name in ("documents.jsonl", "pairs.jsonl", "families.jsonl", "stories.jsonl"):
            assert (tmp_path / "py" / name).read_bytes() == (out / name).read_bytes(), name
    files = sorted(SEEDS.glob("*.txt"))[:3]
    assert [d["path"] for d in unspun.scan([str(f) for f in files]).documents] == [str(f) for f in files]


def test_scan_of_paths_raises_on_a_skipped_input_unless_told_to_skip(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    text = (SEEDS / "002_4156b6fe17ca2892.txt").read_text(encoding="utf-8")
    (tmp_path / "report.txt").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"empty\.txt: empty \(skipped\)"):
        unspun.scan(tmp_path)
    result = unspun.scan([tmp_path / "empty.txt", tmp_path / "report.txt"], errors="skip")
    assert [d["id"] for d in result.documents] == [str(tmp_path / "report.txt")]
    assert result.summary["skipped"] == 1
    assert result.summary["problems"][0]["kind"] == "empty"


def test_scan_with_meaning_equals_the_cli_default(seeds, cli_scan, tmp_path):
    try:
        result = unspun.scan(({"id": n, "text": t} for n, t in seeds.items()), meaning=True)
    except RuntimeError as e:  # the model could not be fetched: no network
        pytest.skip(f"meaning layer unavailable: {e}")
    assert result.pairs == read_jsonl(cli_scan([SEEDS], tmp_path / "cli") / "pairs.jsonl")
    relations = {(p["a"][:3], p["b"][:3]): p["relation"] for p in result.pairs}
    assert relations[("000", "002")] == "paraphrase"  # the spun rewrite of the BBC report
    assert "same_story" in relations.values()
    c = unspun.compare(seeds["000_44968c05fa5774c8.txt"], seeds["002_4156b6fe17ca2892.txt"], meaning=True)
    assert c.relation == "paraphrase" and c.scores["semantic"] > 0.5
    assert c.note is None


def test_the_lead_tier_runs_only_when_asked_as_in_the_cli(cli_scan, tmp_path):
    # Two reports of a rail strike: an uncertain story, which the lead tier
    # decides against.
    folder = SEEDS.parent / "rail_strike"
    rows = [{"id": p.name, "text": p.read_text(encoding="utf-8")} for p in sorted(folder.glob("*.txt"))]
    try:
        plain = unspun.scan(rows, meaning=True)
    except RuntimeError as e:  # the model could not be fetched: no network
        pytest.skip(f"meaning layer unavailable: {e}")
    assert [p["relation"] for p in plain.pairs] == ["same_story"]
    assert plain.pairs == read_jsonl(cli_scan([folder], tmp_path / "cli") / "pairs.jsonl")
    assert unspun.scan(rows, meaning=True, lead_tier=True).pairs == []
    assert read_jsonl(cli_scan([folder], tmp_path / "lead", "--lead-tier") / "pairs.jsonl") == []


STORM_CS = (
    "Včera večer se nad Prahou přehnala silná bouřka. Meteorologové varovali před přívalovými "
    "dešti už od rána. V několika ulicích spadly stromy na zaparkovaná auta. Hasiči vyjížděli "
    "k více než stovce událostí. Na Vltavě stoupla hladina o půl metru."
)
FOOTBALL_CS = (
    "Fotbalisté Slavie porazili v sobotu Plzeň dva k jedné. Rozhodující gól vstřelil útočník "
    "v poslední minutě zápasu. Trenér po utkání ocenil bojovnost svých hráčů. Stadion byl "
    "vyprodaný už týden předem. Fanoušci oslavovali vítězství až do pozdních nočních hodin."
)


def test_texts_that_are_not_english_carry_a_note_and_no_meaning_scores():
    try:
        c = unspun.compare(STORM_CS, FOOTBALL_CS, meaning=True)
    except RuntimeError as e:  # the model could not be fetched: no network
        pytest.skip(f"meaning layer unavailable: {e}")
    assert c.relation == "unrelated"
    assert c.note == "not_english"
    assert c.to_dict()["note"] == "not_english"
    assert c.scores["semantic"] is None and c.scores["story"] is None


def test_scan_writes_the_cli_files(seeds, tmp_path):
    result = unspun.scan([{"id": n, "text": t} for n, t in seeds.items()])
    result.write(tmp_path)
    assert read_jsonl(tmp_path / "pairs.jsonl") == result.pairs
    assert (tmp_path / "summary.json").exists()


def test_scan_stories_word_each_claim_by_its_first_sentence(seeds, tmp_path):
    result = unspun.scan([{"id": n, "text": t} for n, t in seeds.items()])
    result.write(tmp_path)
    assert result.stories == read_jsonl(tmp_path / "stories.jsonl")
    claims = [c for s in result.stories for c in (s["claims"] or [])]
    assert len(claims) > 5
    for c in claims:
        first = c["sentences"][0]
        start, end = first["span"]
        assert seeds[first["doc"]].encode("utf-8")[start:end].decode("utf-8") == c["text"]
        assert c["documents"] == len(c["sentences"])


def test_dedup_keeps_one_copy_as_the_cli_does(seeds, tmp_path):
    import json
    import subprocess

    from conftest import ROOT

    bbc = seeds["002_4156b6fe17ca2892.txt"]
    lead = bbc[: len(bbc) // 4]  # the headline and first paragraphs
    rows = [{"id": n, "text": t} for n, t in seeds.items()]
    rows += [
        {"id": "mirror", "text": bbc, "date": "2023-03-16"},  # dated: kept before the undated seed
        {"id": "lead", "text": lead},
    ]
    result = unspun.scan(rows)
    deduped = result.dedup()
    assert deduped["kept"] == [n for n in seeds if not n.startswith("002")] + ["mirror"]
    assert [(d["id"], d["kept"], d["relation"]) for d in deduped["dropped"]] == [
        ("002_4156b6fe17ca2892.txt", "mirror", "duplicate"),
        ("lead", "mirror", "containment"),
    ]
    assert "lead" in result.dedup(keep_contained=True)["kept"]
    first = result.dedup(keep="first")
    assert [(d["id"], d["kept"]) for d in first["dropped"]] == [("mirror", "002_4156b6fe17ca2892.txt"), ("lead", "002_4156b6fe17ca2892.txt")]
    with pytest.raises(ValueError, match="expected earliest, longest or first"):
        result.dedup(keep="latest")

    corpus = tmp_path / "rows.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    cmd = ["cargo", "run", "--release", "-q", "-p", "unspun-cli", "--", "dedup", str(corpus), "--ids-only", "-q",
           "--dropped", str(tmp_path / "dropped.jsonl")]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == deduped["kept"]
    assert read_jsonl(tmp_path / "dropped.jsonl") == deduped["dropped"]


def test_scan_of_a_jsonl_file_equals_scan_of_its_rows(tmp_path, cli_scan, seeds):
    import json

    # Dates as text, as Unix seconds, not understood (a warning), or none.
    dates = {"003": "17 March 2023", "004": 1679011200, "000": "some day"}
    rows = [{"id": n, "text": t, "date": dates.get(n[:3])} for n, t in seeds.items()]
    rows.append({"id": "copy", "text": seeds["000_44968c05fa5774c8.txt"]})
    rows.append({"id": "copy", "text": "no words at all? yes, a few words"})
    rows.append({"id": "blank", "text": " "})
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = cli_scan([path], tmp_path / "cli", "--no-meaning")
    result = unspun.scan(rows, errors="skip")
    assert result.pairs == read_jsonl(out / "pairs.jsonl")
    assert result.families == read_jsonl(out / "families.jsonl")
    cli_docs = read_jsonl(out / "documents.jsonl")
    assert [d["id"] for d in result.documents] == [d["id"] for d in cli_docs] == [*seeds, "copy", "copy#2"]
    assert [d["date"] for d in result.documents] == [d["date"] for d in cli_docs]
    assert [d["date"] for d in cli_docs][3:5] == ["2023-03-17", "2023-03-17"]
    cli_summary = json.loads((out / "summary.json").read_text())
    assert result.summary["warnings"] == cli_summary["warnings"] == 2  # the date, the id copy#2
    assert result.summary["skipped"] == 1 and result.summary["pairs_by_relation"]["duplicate"] == 1


def test_date_order_reads_slash_dates_as_the_cli_does(tmp_path, cli_scan, seeds):
    import json

    # 03/04/2023 is ambiguous; 03/17/2023 can only be month first.
    dates = {"000": "03/04/2023", "004": "03/17/2023 09:00"}
    rows = [{"id": n, "text": t, "date": dates.get(n[:3])} for n, t in seeds.items()]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    for order, first in [(None, None), ("mdy", "2023-03-04"), ("dmy", "2023-04-03")]:
        options = ["--no-meaning"] + (["--date-order", order] if order else [])
        out = cli_scan([path], tmp_path / f"cli-{order}", *options)
        result = unspun.scan(rows, date_order=order)
        cli_dates = [d["date"] for d in read_jsonl(out / "documents.jsonl")]
        assert [d["date"] for d in result.documents] == cli_dates
        assert cli_dates[0] == first
        assert cli_dates[4] == (None if order == "dmy" else "2023-03-17")
        assert unspun.document(rows[0], fallback_id="x", date_order=order)["date"] == first
    with pytest.raises(ValueError, match="dmy or mdy"):
        unspun.scan(rows, date_order="ymd")


def test_index_finds_what_scan_finds(seeds):
    index = unspun.Index()
    found = []
    for name, text in seeds.items():
        found += index.add({"id": name, "text": text})
    scanned = unspun.scan({"id": n, "text": t} for n, t in seeds.items()).pairs
    key = lambda p: (p["a"], p["b"], p["relation"])
    assert sorted(map(key, found)) == sorted(map(key, scanned))
    assert len(index) == 5 and "003_3f34881810dbdd74.txt" in index


def test_index_query_and_families(seeds):
    index = unspun.Index()
    text = seeds["002_4156b6fe17ca2892.txt"]
    index.add({"id": "bbc", "text": text, "date": "2023-03-17"})
    hits = index.query(text, id="again", date="2023-03-18")
    assert [(h["a"], h["b"], h["relation"], h["source"]) for h in hits] == [("bbc", "again", "duplicate", "a")]
    assert index.query("A text about something else entirely, with no words in common.") == []
    index.add({"id": "bbc", "text": text})
    assert index.ids() == ["bbc", "bbc#2"]
    assert index.families() == [{"id": unspun.family_id("bbc"), "size": 2, "members": ["bbc", "bbc#2"], "original": None}]
    assert index.params()["anchor_min_shared"] == 3


def test_an_empty_text_is_unrelated_with_a_note():
    c = unspun.compare("   \n", STORM_CS)
    assert (c.relation, c.note) == ("unrelated", "empty")
    assert c.to_dict()["note"] == "empty"
