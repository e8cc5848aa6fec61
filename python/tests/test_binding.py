"""The binding on the seed articles: clean, sketch, compare, verify, errors."""

import pytest

import unspun

BBC_QUOTING = "001_5b3ff33e69876255.txt"
BBC_SCRAPED = "002_4156b6fe17ca2892.txt"


def words(s: str) -> list:
    return "".join(c.lower() if c.isalnum() else " " for c in s).split()


def test_reuse_passages_slice_the_same_sentences_in_both(seeds):
    a, b = seeds[BBC_QUOTING], seeds[BBC_SCRAPED]
    c = unspun.compare(a, b)
    assert c.relation == "reuse"
    assert c.source is None
    assert {"lexical", "containment_a_in_b", "containment_b_in_a", "coverage_a", "coverage_b"} <= set(c.scores)
    assert 0 < c.scores["lexical"] < 0.5
    assert c.passages, "reuse comes with passages"
    ab, bb = a.encode("utf-8"), b.encode("utf-8")
    for p in c.passages:
        # Byte offsets slice the UTF-8 bytes, character offsets the str: same text.
        assert ab[p.a[0] : p.a[1]].decode("utf-8") == p.a_text == a[p.a_chars[0] : p.a_chars[1]]
        assert bb[p.b[0] : p.b[1]].decode("utf-8") == p.b_text == b[p.b_chars[0] : p.b_chars[1]]
        wa, wb = words(p.a_text), words(p.b_text)
        assert len(wa) >= 8
        # The same quoted sentences: they start and end alike on both sides.
        assert wa[:5] == wb[:5] and wa[-5:] == wb[-5:]
    # The seeds use curly quotes: byte and character offsets really differ.
    assert any(p.a != p.a_chars for p in c.passages)


def test_identical_texts_are_duplicates(seeds):
    text = seeds[BBC_SCRAPED]
    c = unspun.compare(text, text)
    assert c.relation == "duplicate"
    assert c.scores["lexical"] == 1.0
    assert c.to_dict()["relation"] == "duplicate"


def test_dates_decide_the_source(seeds):
    text = seeds[BBC_SCRAPED]
    c = unspun.compare(text, text, date_a="2023-03-18", date_b="2023-03-17")
    assert c.source == "b"
    # Read as scan reads dates, not compared as strings: 17 March is earlier
    # than 2023-03-16 as text, later as a date.
    c = unspun.compare(text, text, date_a="17 March 2023", date_b="2023-03-16")
    assert c.source == "b"
    c = unspun.compare(text, text, date_a="03/04/2023", date_b="2023-03-20", date_order="dmy")
    assert c.source == "b"
    with pytest.raises(ValueError, match="date_a: date `03/04/2023` could be day or month first"):
        unspun.compare(text, text, date_a="03/04/2023")
    with pytest.raises(ValueError, match="date_b: date `soon` not understood"):
        unspun.compare_many([{"a": text, "b": text, "date_b": "soon"}])


def test_to_dict_is_the_pair_record_without_ids(seeds):
    d = unspun.compare(seeds[BBC_QUOTING], seeds[BBC_SCRAPED]).to_dict()
    assert list(d) == ["relation", "source", "scores", "passages"]
    assert set(d["passages"][0]) == {"a", "b", "kind"}


def test_compare_many_equals_compare_pair_by_pair(seeds):
    texts = list(seeds.values())
    pairs = [(a, b) for a in texts for b in texts if a is not b]
    one_by_one = [unspun.compare(a, b).to_dict() for a, b in pairs]
    assert [c.to_dict() for c in unspun.compare_many(pairs)] == one_by_one
    # Dicts carry dates, which decide the source as in `compare`.
    dated = [{"a": texts[2], "b": texts[2], "date_a": "2023-03-18", "date_b": "2023-03-17"}]
    assert [c.source for c in unspun.compare_many(dated)] == ["b"]
    assert unspun.compare_many([]) == []
    with pytest.raises(ValueError, match="pair 1"):
        unspun.compare_many([(texts[0], texts[1]), {"a": texts[0]}])


def test_compare_many_with_meaning_equals_compare_pair_by_pair(seeds):
    texts = list(seeds.values())
    pairs = [(a, b) for a in texts for b in texts if a is not b]
    try:
        one_by_one = [unspun.compare(a, b, meaning=True).to_dict() for a, b in pairs]
    except RuntimeError as e:  # the model could not be fetched: no network
        pytest.skip(f"meaning layer unavailable: {e}")
    batched = [c.to_dict() for c in unspun.compare_many(pairs, meaning=True)]
    assert batched == one_by_one
    assert {"paraphrase", "same_story", "reuse"} <= {c["relation"] for c in batched}


def test_clean_sets_aside_the_scrapers_chrome(seeds):
    text = seeds[BBC_SCRAPED]
    c = unspun.clean(text)
    assert c.title == "China’s Xi to meet Putin in Moscow next week"
    assert text[c.title_span[0] : c.title_span[1]] != c.title  # bytes, not chars
    assert text.encode()[c.title_span[0] : c.title_span[1]].decode() == c.title
    removed = " ".join(text[s:e] for s, e in c.removed_chars)
    assert removed, "the aggregator's teasers are boilerplate"
    kept = [text[s:e] for s, e in c.kept_chars]
    assert c.content == "\n".join(kept)
    assert not any(r in c.content for r in (text[s:e] for s, e in c.removed_chars) if len(r) > 40)
    assert c.tokens > 100


def test_sketch_and_the_spark_keys_agree(seeds):
    text = seeds[BBC_QUOTING]
    s = unspun.sketch(text)
    assert len(s.signature) == 128
    assert len(s.band_keys) == s.bands and s.bands * s.rows <= 128
    assert s.anchors == sorted(set(s.anchors))
    keys, anchors, tokens = unspun.signature_and_keys(text)
    assert [k & (2**64 - 1) for k in keys] == s.band_keys  # signed longs, same bits
    assert anchors == s.anchors and tokens == s.tokens
    assert s.jaccard(unspun.sketch(text)) == 1.0
    assert unspun.sketch(seeds[BBC_SCRAPED]).jaccard(s) < 0.5


def test_verify_with_scan_spans_equals_compare(seeds):
    a, b = seeds[BBC_QUOTING], seeds[BBC_SCRAPED]
    ka = unspun.scan_sketch(a)[3]
    kb = unspun.scan_sketch(b)[3]
    assert unspun.verify(a, b, None, None, ka, kb) == unspun.compare(a, b).to_dict() == unspun.verify(a, b)


def test_errors_are_python_exceptions_with_the_cli_messages(seeds):
    with pytest.raises(ValueError, match=r"--threshold must be in \(0, 1\], got 1.5"):
        unspun.sketch("some text", threshold=1.5)
    with pytest.raises(ValueError, match=r"field `text` is missing \(the record has `id`, `body`\); --text-field names"):
        unspun.scan([{"id": "x", "body": "the text under another name"}])
    with pytest.raises(ValueError, match="field `text` is a number, not a string"):
        unspun.Index().add({"id": "x", "text": 3})
    with pytest.raises(ValueError, match="field `text` is empty"):
        unspun.document({"text": "  "}, fallback_id="f:1")
    with pytest.raises(ValueError, match="not a range of whole characters"):
        unspun.verify("ü", "u", kept_a=[0, 1])
    with pytest.raises(TypeError):
        unspun.compare("a", None)


def test_rows_follow_the_jsonl_rules():
    d = unspun.document({"id": 42, "text": "t", "url": "https://www.bbc.co.uk/news", "date": "2023-03-17T08:00:00Z"}, fallback_id="f:1")
    assert d == {"id": "42", "text": "t", "title": None, "url": "https://www.bbc.co.uk/news", "date": "2023-03-17", "site": "bbc.co.uk"}
    assert unspun.document({"text": "t", "id": ""}, fallback_id="f:9")["id"] == "f:9"
    # A news-please row: every part under its own name, as scan --*-field maps it.
    row = {"id": 1, "maintext": "t", "title": "not this", "headline": "h", "date_publish": "2023-03-17 08:00:00", "source_domain": "reuters.com", "link": "https://www.bbc.co.uk/x"}
    names = dict(text_field="maintext", title_field="headline", url_field="link", date_field="date_publish", site_field="source_domain")
    d = unspun.document(row, fallback_id="f:1", **names)
    assert d == {"id": "1", "text": "t", "title": "h", "url": "https://www.bbc.co.uk/x", "date": "2023-03-17", "site": "reuters.com"}
    assert [doc["date"] for doc in unspun.scan([row], **names).documents] == ["2023-03-17"]
    # A NewsAPI article: the outlet nested under `source`.
    row = {"source": {"id": "bbc-news", "name": "BBC News"}, "content": "t", "publishedAt": "2023-03-20T09:00:00Z"}
    d = unspun.document(row, fallback_id="f:1", text_field="content", date_field="publishedAt", site_field="source.name")
    assert (d["site"], d["date"]) == ("BBC News", "2023-03-20")
    assert unspun.family_id("d0").startswith("f-") and len(unspun.family_id("d0")) == 14
