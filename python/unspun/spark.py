"""``unspun scan`` on Apache Spark: the same pipeline, distributed.

    python -m unspun.spark scan INPUT --out OUT [--master local[2]]

INPUT is JSON Lines (one file, as ``unspun scan`` reads it) or Parquet (a
file or directory with a ``text`` column, ``id`` and the optional ``title``,
``url``, ``date``, ``site``). OUT gets four Parquet datasets, ``documents``,
``pairs``, ``families`` and ``stories``, with the fields of scan's JSON Lines files, and a
``summary.json`` with counts and seconds per stage.

Stages, every per-document or per-pair decision made by the Rust engine
through the ``unspun`` binding (not re-implemented here):

1. **read**: rows become documents by the CLI's JSONL rules
   (``unspun.document``); each keeps its input position (line index), which
   orders output as the CLI does; repeated ids become ``id#2``, ...
2. **lines**: every document's short-line keys are counted over the corpus
   (the boilerplate statistics ``scan`` gathers in its read pass); each
   document gets back the counts of its own repeated lines.
3. **sketch**: per partition, ``scan_sketch`` cleans each text with those
   counts and returns its LSH band keys, anchors and content spans.
4. **candidates**: band keys and anchors are exploded and grouped; pairs in a
   bucket (chained when over ``max_bucket``) and pairs sharing anchors that
   pass the anchor criteria of ``scan_params`` become candidates.
5. **verify**: texts are joined back to each candidate and
   ``Provenance.verify`` compares them exactly and, for pairs that share
   text, weighs the clues of which side was derived from the other (dates,
   containment, chrome, attribution to the corpus's outlets, spin);
   unrelated pairs are dropped.
6. **families**: copy relations are grouped by distributed connected
   components (``unspun.spark_cc``); no edge is collected to the driver.
   Each family then gets, from the derivation edges into its members
   (``family_provenance``), its ``original`` and ``edges`` as ``scan``
   decides them.

7. **stories**: related pairs are grouped into connected components (stories
   never cross them) and each component is clustered by the engine's
   average linkage (``story_groups``); documents get their ``story``.
   ``stories`` holds ``id``, ``size``, ``members``, ``first_date``,
   ``last_date`` and ``cohesion``; the single-machine report's title,
   derivation edges and claim matrix per story are not computed here.

8. **dedup** (``--dedup``): within each copy family (the rule follows copy
   relations only, which never leave one), the engine's ``dedup_group``
   decides as ``unspun dedup`` does which documents to keep; ``dropped``
   lists the others with ``id``, ``kept``, ``of``, ``relation``,
   ``lexical`` and ``containment``, as ``unspun dedup --dropped`` does.

The job is lexical (``unspun scan --no-meaning``): paraphrase and same-story
pairs need the meaning layer, which it does not run.
"""

import argparse
import json
import os
import sys
import time
from typing import Optional

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.window import Window

from unspun.spark_cc import connected_components

COPY_RELATIONS = ["duplicate", "near_duplicate", "containment"]

DOC_SCHEMA = T.StructType(
    [
        T.StructField("pos", T.LongType(), False),
        T.StructField("id", T.StringType(), True),
        T.StructField("path", T.StringType(), True),
        T.StructField("text", T.StringType(), True),
        T.StructField("title", T.StringType(), True),
        T.StructField("url", T.StringType(), True),
        T.StructField("date", T.StringType(), True),
        T.StructField("site", T.StringType(), True),
        # Set, with the CLI's message, for a row that is not a document.
        T.StructField("problem", T.StringType(), True),
    ]
)

SPAN = T.ArrayType(T.LongType(), False)

SKETCH_SCHEMA = T.StructType(
    [
        T.StructField("pos", T.LongType(), False),
        T.StructField("band_keys", T.ArrayType(T.LongType(), False), False),
        T.StructField("anchors", T.ArrayType(T.LongType(), False), False),
        T.StructField("tokens", T.LongType(), False),
        T.StructField("kept", T.ArrayType(T.LongType(), False), False),
        T.StructField("removed", T.ArrayType(SPAN, False), False),
        T.StructField("clean_title", T.StringType(), True),
    ]
)


EVIDENCE = T.StructType(
    [T.StructField("kind", T.StringType(), False), T.StructField("weight", T.DoubleType(), False), T.StructField("detail", T.StringType(), False)]
)
# A line of a family's `edges`, as the CLI writes it.
EDGE = T.StructType(
    [
        T.StructField("from", T.StringType(), False),
        T.StructField("to", T.StringType(), False),
        T.StructField("relation", T.StringType(), False),
        T.StructField("confidence", T.DoubleType(), False),
        T.StructField("evidence", T.ArrayType(EVIDENCE, False), False),
    ]
)
# Which side of a verified pair was derived from the other, if the clues say.
DERIVATION = T.StructType(
    [
        T.StructField("from_pos", T.LongType(), False),
        T.StructField("to_pos", T.LongType(), False),
        T.StructField("confidence", T.DoubleType(), False),
        T.StructField("edge", EDGE, False),
    ]
)


def _pair_schema():
    """The pairs schema, from the fields the engine itself writes: scores
    and passages gain fields (the meaning layer's) without a change here."""
    import unspun

    sample = unspun.verify("one two three four five six seven eight nine", "one two three four five six seven eight nine")
    scores = T.StructType([T.StructField(name, T.DoubleType(), True) for name in sample["scores"]])
    fields = []
    for name, value in sample["passages"][0].items():
        kind = SPAN if isinstance(value, list) else T.StringType() if isinstance(value, str) else T.DoubleType()
        fields.append(T.StructField(name, kind, True))
    return T.StructType(
        [
            T.StructField("a_pos", T.LongType(), False),
            T.StructField("b_pos", T.LongType(), False),
            T.StructField("relation", T.StringType(), False),
            T.StructField("source", T.StringType(), True),
            T.StructField("scores", scores, False),
            T.StructField("passages", T.ArrayType(T.StructType(fields), False), False),
            T.StructField("derivation", DERIVATION, True),
        ]
    )


def local_session(master: str = "local[2]", app: str = "unspun-scan", **conf) -> SparkSession:
    """A local Spark session bound to 127.0.0.1 (no outside network), whose
    Python workers run this interpreter (and so this ``unspun``)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    # Spark resolves the machine's own address before reading any setting;
    # this keeps that, too, on the loopback.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", "4g")
    )
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --- 1. read -------------------------------------------------------------


def _rows_to_docs(label, id_base, fields, date_order=None):
    """Partition function: (row dict or JSON line, index) -> document rows.
    ``fields`` maps ``text_field``... to the names the rows use."""

    def run(items):
        import unspun

        for row, index in items:
            line_no = index + 1
            if isinstance(row, str):
                line = row.lstrip("\ufeff") if index == 0 else row
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError as e:
                    yield (index, None, None, None, None, None, None, None, f"{label}:{line_no}: malformed_json: {e}")
                    continue
            try:
                d = unspun.document(
                    row,
                    fallback_id=f"{id_base}:{line_no}",
                    date_order=date_order,
                    **fields,
                )
            except ValueError as e:
                yield (index, None, None, None, None, None, None, None, f"{label}:{line_no}: {e}")
                continue
            yield (index, d["id"], f"{label}:{line_no}", d["text"], d["title"], d["url"], d["date"], d["site"], None)

    return run


FIELDS = ("text", "id", "title", "url", "date", "site")


def read_documents(
    spark: SparkSession, path: str, fmt: str, fields: Optional[dict] = None, date_order: Optional[str] = None
) -> DataFrame:
    """Documents with their input position; problem rows carry a message.
    ``fields`` names the row fields that differ from the default
    (``{"text": "maintext"}``), as ``unspun scan --text-field`` does."""
    fields = {f"{k}_field": v for k, v in (fields or {}).items()}
    if fmt == "auto":
        fmt = "parquet" if path.rstrip("/").endswith(".parquet") or os.path.isdir(path) else "jsonl"
    parse = _rows_to_docs(path, path, fields, date_order)
    if fmt == "jsonl":
        # Line index in file order: the CLI's line number minus one.
        rows = spark.sparkContext.textFile(path).zipWithIndex()
    elif fmt == "parquet":
        rows = spark.read.parquet(path).rdd.map(lambda r: r.asDict()).zipWithIndex()
    else:
        raise ValueError(f"unknown input format {fmt!r} (jsonl, parquet or auto)")
    docs = spark.createDataFrame(rows.mapPartitions(parse), DOC_SCHEMA)
    # Later duplicates of an id are renamed id#2, id#3, ... as the CLI does.
    nth = F.row_number().over(Window.partitionBy("id").orderBy("pos"))
    return docs.withColumn("nth", F.when(F.col("problem").isNull(), nth)).withColumn(
        "id", F.when(F.col("nth") > 1, F.concat("id", F.lit("#"), F.col("nth").cast("string"))).otherwise(F.col("id"))
    ).drop("nth")


# --- 2. line statistics --------------------------------------------------


def _line_keys(items):
    import unspun

    for pos, text, site in items:
        keys, site_keys = unspun.line_keys(text, site)
        for k in keys:
            yield (pos, 0, k)
        for k in site_keys:
            yield (pos, 1, k)


def line_counts(docs: DataFrame) -> DataFrame:
    """Per document, the corpus counts of its repeated short lines:
    `(pos, global_counts, site_counts)`, lists of `(key, documents)`."""
    schema = "pos long, kind byte, key long"
    lines = docs.sparkSession.createDataFrame(docs.select("pos", "text", "site").rdd.map(tuple).mapPartitions(_line_keys), schema)
    # A line in one document only is never repeated; dropping those keeps
    # the join small without knowing the cleaner's thresholds.
    counts = lines.groupBy("kind", "key").agg(F.count("*").alias("n")).where(F.col("n") >= 2)
    pair = F.struct("key", "n")
    return (
        lines.join(counts, ["kind", "key"])
        .groupBy("pos")
        .agg(
            F.collect_list(F.when(F.col("kind") == 0, pair)).alias("global_counts"),
            F.collect_list(F.when(F.col("kind") == 1, pair)).alias("site_counts"),
        )
    )


# --- 3. sketch -----------------------------------------------------------


def _sketcher(threshold):
    def run(items):
        import unspun

        for pos, text, site, g, s in items:
            counts = ([(r[0], r[1]) for r in g or []], [(r[0], r[1]) for r in s or []])
            keys, anchors, tokens, kept, removed, title = unspun.scan_sketch(text, site=site, line_counts=counts, threshold=threshold)
            yield (pos, keys, anchors, tokens, kept, removed, title)

    return run


def sketch(docs: DataFrame, counts: DataFrame, threshold: float) -> DataFrame:
    joined = docs.join(counts, "pos", "left").select("pos", "text", "site", "global_counts", "site_counts")
    rdd = joined.rdd.map(tuple).mapPartitions(_sketcher(threshold))
    return docs.sparkSession.createDataFrame(rdd, SKETCH_SCHEMA)


# --- 4. candidates -------------------------------------------------------


def _pairs_of(col: str, chain_over=None):
    """SQL for the sorted position list `col` -> array of (a, b) structs:
    all pairs, or consecutive ones when the list is longer than `chain_over`."""
    all_pairs = (
        f"flatten(transform(sequence(0, size({col}) - 2), i -> "
        f"transform(slice({col}, i + 2, size({col}) - i - 1), x -> named_struct('a', {col}[i], 'b', x))))"
    )
    if chain_over is None:
        return F.expr(all_pairs)
    chain = f"transform(sequence(0, size({col}) - 2), i -> named_struct('a', {col}[i], 'b', {col}[i + 1]))"
    return F.expr(f"CASE WHEN size({col}) > {int(chain_over)} THEN {chain} ELSE {all_pairs} END")


def lsh_candidates(sk: DataFrame, params: dict) -> DataFrame:
    """Pairs sharing a band key; buckets over `max_bucket` are chained."""
    keys = sk.select("pos", F.posexplode("band_keys").alias("band", "key"))
    buckets = keys.groupBy("band", "key").agg(F.sort_array(F.collect_list("pos")).alias("ps")).where(F.size("ps") > 1)
    return buckets.select(F.explode(_pairs_of("ps", params["max_bucket"])).alias("p")).select(
        F.col("p.a").alias("a"), F.col("p.b").alias("b")
    )


def anchor_candidates(sk: DataFrame, params: dict) -> DataFrame:
    """Pairs whose shared anchors pass scan's containment criteria."""
    anchors = sk.select("pos", F.explode("anchors").alias("anchor"))
    postings = (
        anchors.groupBy("anchor")
        .agg(F.sort_array(F.collect_list("pos")).alias("ps"))
        # Anchors in too many documents are stock phrases, not evidence.
        .where((F.size("ps") > 1) & (F.size("ps") <= params["anchor_max_posting"]))
    )
    shared = (
        postings.select(F.explode(_pairs_of("ps")).alias("p"))
        .groupBy(F.col("p.a").alias("a"), F.col("p.b").alias("b"))
        .agg(F.count("*").alias("shared"))
    )
    # Anchor counts capped as the batch finder stores them (16 bits).
    sizes = sk.select("pos", F.least(F.size("anchors"), F.lit(65535)).alias("n"))
    with_sizes = shared.join(sizes.toDF("a", "na"), "a").join(sizes.toDF("b", "nb"), "b")
    smaller = F.greatest(F.least("na", "nb"), F.lit(1)).cast("float")
    # Same float32 arithmetic as the Rust criterion.
    contained = F.col("shared").cast("float") >= F.lit(params["anchor_min_containment"]).cast("float") * smaller
    keep = (F.col("shared") >= params["anchor_min_shared"]) & (contained | (F.col("shared") >= params["anchor_min_shared_reuse"]))
    return with_sizes.where(keep).select("a", "b")


# --- 5. verify -----------------------------------------------------------


def _verifier(sites):
    def run(items):
        import unspun

        provenance = unspun.Provenance(sites)
        for a, b, side_a, side_b in items:
            r, edge = provenance.verify(side_a, side_b)
            if r["relation"] == "unrelated":
                continue
            derivation = None
            if edge is not None:
                record, confidence, from_is_a = edge
                from_pos, to_pos = (a, b) if from_is_a else (b, a)
                derivation = (from_pos, to_pos, confidence, record)
            # Dicts map onto the struct fields by name.
            yield (a, b, r["relation"], r["source"], r["scores"], r["passages"], derivation)

    return run


def _removed_bytes():
    """Bytes a document set aside as boilerplate (the sum of `removed`)."""
    return F.aggregate("removed", F.lit(0).cast("long"), lambda acc, r: acc + r[1] - r[0])


def verify(candidates: DataFrame, sketched: DataFrame) -> DataFrame:
    """Verified pairs, each with its derivation edge (or null)."""
    # Outlets named in attributions: the sites of the whole corpus (a small,
    # distinct list), as the single-machine scan gathers them.
    site = F.coalesce("site", "url")
    sites = sorted(r.s for r in sketched.select(site.alias("s")).where(F.col("s").isNotNull()).distinct().collect())
    side = sketched.select("pos", F.struct("id", "text", "kept", "date", site.alias("site"), _removed_bytes().alias("removed_bytes")).alias("side"))
    joined = candidates.join(side.toDF("a", "sa"), "a").join(side.toDF("b", "sb"), "b").select("a", "b", "sa", "sb")
    rdd = joined.rdd.map(lambda r: (r.a, r.b, tuple(r.sa), tuple(r.sb))).mapPartitions(_verifier(sites))
    return candidates.sparkSession.createDataFrame(rdd, _pair_schema())


# --- 6. families and output ----------------------------------------------


def families(pairs: DataFrame, ids: DataFrame):
    """`(labels, families)`: document -> family root, and one row per family
    (`root` = its first member's position) with scan's family fields."""
    import unspun

    copies = pairs.where(F.col("relation").isin(COPY_RELATIONS))
    labels = connected_components(copies.select(F.col("a_pos").alias("src"), F.col("b_pos").alias("dst")))
    labels = labels.withColumnRenamed("node", "pos").localCheckpoint()
    members = labels.join(ids, "pos").groupBy("root").agg(
        F.count("*").alias("size"),
        F.min("id").alias("first_id"),
        F.sort_array(F.collect_list(F.struct("pos", "id"))).alias("ms"),
    )
    family_id = F.udf(unspun.family_id, T.StringType())
    # Provenance per family: every derivation edge into a member (a common
    # parent outside the family can explain what two members share).
    derivations = pairs.where(F.col("derivation").isNotNull()).select(
        "derivation.*", F.col("a_pos").alias("pair_a"), F.col("passages.a").alias("spans_a"), F.col("passages.b").alias("spans_b")
    )
    into = derivations.join(labels.toDF("to_pos", "root"), "to_pos").groupBy("root").agg(
        F.collect_list(F.struct("from_pos", "to_pos", "confidence", "edge", "pair_a", "spans_a", "spans_b")).alias("into")
    )
    grouped = members.join(into, "root", "left").select("root", "first_id", "size", "ms", "into")
    rows = grouped.rdd.map(lambda r: (r.root, r.first_id, r.size, r.ms, r.into)).mapPartitions(_family_rows)
    schema = T.StructType(
        [
            T.StructField("root", T.LongType(), False),
            T.StructField("first_id", T.StringType(), False),
            T.StructField("size", T.LongType(), False),
            T.StructField("members", T.ArrayType(T.StringType(), False), False),
            T.StructField("original", T.StringType(), True),
            T.StructField("edges", T.ArrayType(EDGE, False), False),
        ]
    )
    fams = pairs.sparkSession.createDataFrame(rows, schema).select(
        "root", family_id("first_id").alias("id"), "size", "members", "original", "edges"
    )
    return labels, fams


def _story_rows(items):
    """Partition function: one component of related pairs -> `(pos, story,
    size, members, first_date, last_date, cohesion)` for each document in a
    story, by the engine's average linkage (``story_groups``)."""
    import unspun

    for _root, docs, links in items:
        docs = sorted(docs, key=lambda d: d.pos)
        local = {d.pos: k for k, d in enumerate(docs)}
        found = unspun.story_groups(
            [d.id for d in docs],
            [d.date for d in docs],
            [(local[l.a_pos], local[l.b_pos], l.relation, l.story) for l in links],
        )
        for members, story_id, cohesion in found:
            ids = [docs[m].id for m in members]
            dates = [docs[m].date for m in members if docs[m].date is not None]
            first, last = (min(dates), max(dates)) if dates else (None, None)
            for m in members:
                yield (docs[m].pos, story_id, docs[members[0]].pos, len(members), ids, first, last, cohesion)


def stories(pairs: DataFrame, sketched: DataFrame) -> DataFrame:
    """Per document in a story: `(pos, story, first_pos, size, members,
    first_date, last_date, cohesion)`. Stories never cross connected
    components of related pairs, so each component is clustered on its own."""
    story = F.col("scores.story") if "story" in pairs.schema["scores"].dataType.names else F.lit(None).cast("double")
    links = pairs.select("a_pos", "b_pos", "relation", story.alias("story"))
    labels = connected_components(links.select(F.col("a_pos").alias("src"), F.col("b_pos").alias("dst")))
    labels = labels.withColumnRenamed("node", "pos")
    docs = labels.join(sketched.select("pos", "id", "date"), "pos").groupBy("root").agg(
        F.collect_list(F.struct("pos", "id", "date")).alias("docs")
    )
    by_root = links.join(labels.toDF("a_pos", "root"), "a_pos").groupBy("root").agg(
        F.collect_list(F.struct("a_pos", "b_pos", "relation", "story")).alias("links")
    )
    rows = docs.join(by_root, "root").rdd.map(lambda r: (r.root, r.docs, r.links)).mapPartitions(_story_rows)
    schema = T.StructType(
        [
            T.StructField("pos", T.LongType(), False),
            T.StructField("story", T.StringType(), False),
            T.StructField("first_pos", T.LongType(), False),
            T.StructField("size", T.LongType(), False),
            T.StructField("members", T.ArrayType(T.StringType(), False), False),
            T.StructField("first_date", T.StringType(), True),
            T.StructField("last_date", T.StringType(), True),
            T.StructField("cohesion", T.DoubleType(), False),
        ]
    )
    return pairs.sparkSession.createDataFrame(rows, schema)


def _family_rows(items):
    """Partition function: a family's members and the derivation edges into
    them -> the family row with its original and its own edges."""
    import unspun

    def flat(spans):
        return [x for span in spans for x in span]

    for root, first_id, size, ms, into in items:
        members = sorted((m.pos, m.id) for m in ms)
        into = sorted(into or [], key=lambda e: (e.from_pos, e.to_pos))
        edges = []
        for e in into:
            from_is_a = e.from_pos == e.pair_a
            from_spans, to_spans = (e.spans_a, e.spans_b) if from_is_a else (e.spans_b, e.spans_a)
            edges.append((e.from_pos, e.to_pos, e.confidence, flat(from_spans), flat(to_spans)))
        original, kept = unspun.family_provenance([p for p, _ in members], edges)
        names = dict(members)
        yield (root, first_id, size, [i for _, i in members], names.get(original), [into[k].edge.asDict(recursive=True) for k in kept])


def _dedup_rows(keep, keep_contained):
    """Partition function: a family's members and copy pairs -> `(pos, id,
    kept, of, relation, lexical, containment)` for each member to drop."""

    def run(items):
        import unspun

        for _root, docs, links in items:
            docs = sorted(docs, key=lambda d: d.pos)
            local = {d.pos: k for k, d in enumerate(docs)}
            links = sorted(links, key=lambda l: (l.a_pos, l.b_pos))
            found = unspun.dedup_group(
                [d.date for d in docs],
                [d.content_bytes for d in docs],
                [(local[l.a_pos], local[l.b_pos], l.relation, l.a_in_b, l.b_in_a) for l in links],
                keep=keep,
                keep_contained=keep_contained,
            )
            for k, why in enumerate(found):
                if why is None:
                    continue
                kept, of, relation, pair = why
                link = links[pair]
                containment = link.a_in_b if link.a_pos == docs[k].pos else link.b_in_a
                yield (docs[k].pos, docs[k].id, docs[kept].id, docs[of].id, relation, link.lexical, containment)

    return run


def dedup(
    pairs: DataFrame, labels: DataFrame, sketched: DataFrame, keep: str = "earliest", keep_contained: bool = False
) -> DataFrame:
    """The documents `unspun dedup` drops, one row each, in no order."""
    content = F.expr("octet_length(text)").cast("long") - _removed_bytes()
    docs = labels.join(sketched.select("pos", "id", "date", content.alias("content_bytes")), "pos").groupBy("root").agg(
        F.collect_list(F.struct("pos", "id", "date", "content_bytes")).alias("docs")
    )
    copies = pairs.where(F.col("relation").isin(COPY_RELATIONS)).select(
        "a_pos",
        "b_pos",
        "relation",
        F.col("scores.lexical").alias("lexical"),
        F.col("scores.containment_a_in_b").alias("a_in_b"),
        F.col("scores.containment_b_in_a").alias("b_in_a"),
    )
    links = copies.join(labels.toDF("a_pos", "root"), "a_pos").groupBy("root").agg(
        F.collect_list(F.struct("a_pos", "b_pos", "relation", "lexical", "a_in_b", "b_in_a")).alias("links")
    )
    rows = docs.join(links, "root").rdd.map(lambda r: (r.root, r.docs, r.links)).mapPartitions(_dedup_rows(keep, keep_contained))
    schema = T.StructType(
        [
            T.StructField("pos", T.LongType(), False),
            T.StructField("id", T.StringType(), False),
            T.StructField("kept", T.StringType(), False),
            T.StructField("of", T.StringType(), False),
            T.StructField("relation", T.StringType(), False),
            T.StructField("lexical", T.DoubleType(), False),
            T.StructField("containment", T.DoubleType(), False),
        ]
    )
    return pairs.sparkSession.createDataFrame(rows, schema)


def _timed(timings: dict, name: str, df: DataFrame) -> DataFrame:
    """Materializes a stage (so that its time is its own) and records it."""
    start = time.perf_counter()
    df = df.persist()
    df.count()
    timings[name] = round(time.perf_counter() - start, 3)
    return df


def scan(
    spark: SparkSession,
    input_path: str,
    out: str,
    *,
    threshold: float = 0.5,
    fmt: str = "auto",
    fields: Optional[dict] = None,
    partitions: int = 0,
    date_order: Optional[str] = None,
    dedup_copies: bool = False,
    keep: str = "earliest",
    keep_contained: bool = False,
) -> dict:
    """Runs the distributed scan; writes OUT/{documents,pairs,families,
    stories} as Parquet and OUT/summary.json (with `dedup_copies`, also
    OUT/dropped: the documents `unspun dedup` drops). Returns the summary."""
    import unspun

    params = unspun.scan_params(threshold=threshold)
    timings: dict = {}
    started = time.perf_counter()
    parts = partitions or max(4, 2 * spark.sparkContext.defaultParallelism)

    read = _timed(timings, "read", read_documents(spark, input_path, fmt, fields, date_order))
    problems = read.where(F.col("problem").isNotNull()).select("problem")
    n_skipped = problems.count()
    problem_list = [r.problem for r in problems.limit(100).collect()]
    docs = _timed(timings, "spread", read.where(F.col("problem").isNull()).drop("problem").repartition(parts, "pos"))
    read.unpersist()
    counts = _timed(timings, "lines", line_counts(docs))
    sk = _timed(timings, "sketch", sketch(docs, counts, threshold))
    counts.unpersist()
    sketched = _timed(timings, "join_sketch", docs.join(sk, "pos"))
    docs.unpersist()
    sk.unpersist()

    lsh = _timed(timings, "candidates_lsh", lsh_candidates(sketched, params).distinct())
    anchor = _timed(timings, "candidates_anchors", anchor_candidates(sketched, params))
    candidates = _timed(timings, "candidates", lsh.unionByName(anchor).distinct().repartition(parts))
    n_lsh, n_anchor, n_candidates = lsh.count(), anchor.count(), candidates.count()
    lsh.unpersist()
    anchor.unpersist()

    pairs = _timed(timings, "verify", verify(candidates, sketched))
    candidates.unpersist()

    start = time.perf_counter()
    ids = sketched.select("pos", "id")
    labels, fams = families(pairs, ids)
    fams = fams.persist()
    n_families = fams.count()
    timings["families"] = round(time.perf_counter() - start, 3)

    story_of = _timed(timings, "stories", stories(pairs, sketched))
    n_stories = story_of.select("story").distinct().count()

    start = time.perf_counter()
    documents = (
        sketched.join(labels, "pos", "left")
        .join(fams.select("root", F.col("id").alias("family")), "root", "left")
        .join(story_of.select("pos", "story"), "pos", "left")
        .orderBy("pos")
        .select(
            "id",
            "path",
            F.coalesce("title", "clean_title").alias("title"),
            "url",
            "date",
            "site",
            "removed",
            "family",
            "story",
            "tokens",
            F.expr("octet_length(text)").cast("long").alias("bytes"),
        )
    )
    documents.write.mode("overwrite").parquet(os.path.join(out, "documents"))
    named = pairs.join(ids.toDF("a_pos", "a"), "a_pos").join(ids.toDF("b_pos", "b"), "b_pos")
    named.orderBy("a_pos", "b_pos").select("a", "b", "relation", "source", "scores", "passages").write.mode(
        "overwrite"
    ).parquet(os.path.join(out, "pairs"))
    fams.orderBy("root").drop("root").write.mode("overwrite").parquet(os.path.join(out, "families"))
    story_rows = (
        story_of.where(F.col("pos") == F.col("first_pos"))
        .select(F.col("story").alias("id"), "first_pos", "size", "members", "first_date", "last_date", F.round("cohesion", 4).alias("cohesion"))
    )
    story_rows.orderBy("first_pos").drop("first_pos").write.mode("overwrite").parquet(os.path.join(out, "stories"))
    timings["write"] = round(time.perf_counter() - start, 3)

    n_dropped = None
    if dedup_copies:
        dropped = _timed(timings, "dedup", dedup(pairs, labels, sketched, keep, keep_contained))
        n_dropped = dropped.count()
        dropped.orderBy("pos").drop("pos").write.mode("overwrite").parquet(os.path.join(out, "dropped"))
        dropped.unpersist()

    by_relation = {r["relation"]: r["count"] for r in pairs.groupBy("relation").count().collect()}
    summary = {
        "documents": sketched.count(),
        "skipped": n_skipped,
        "problems": problem_list,
        "pairs": sum(by_relation.values()),
        "pairs_by_relation": dict(sorted(by_relation.items())),
        "families": n_families,
        "documents_in_families": labels.count(),
        "stories": n_stories,
        **({"dropped": n_dropped} if n_dropped is not None else {}),
        "candidates": {"lsh": n_lsh, "anchors": n_anchor, "total": n_candidates},
        "seconds": timings,
        "total_seconds": round(time.perf_counter() - started, 3),
        "partitions": parts,
        "params": params,
    }
    _write_summary(spark, out, summary)
    for df in (sketched, pairs, fams):
        df.unpersist()
    return summary


def _write_summary(spark: SparkSession, out: str, summary: dict) -> None:
    """summary.json beside the datasets: a local file when OUT is local, else
    (s3a://, hdfs://, ...) a one-part text dataset written through Spark."""
    text = json.dumps(summary, indent=2) + "\n"
    if "://" in out and not out.startswith("file://"):
        spark.sparkContext.parallelize([text], 1).saveAsTextFile(out.rstrip("/") + "/summary.json")
        return
    local = out[len("file://") :] if out.startswith("file://") else out
    os.makedirs(local, exist_ok=True)
    with open(os.path.join(local, "summary.json"), "w") as f:
        f.write(text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m unspun.spark", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("scan", help="find related pairs and copy families in a corpus, on Spark")
    s.add_argument("input", help="JSON Lines file, or Parquet file/directory")
    s.add_argument("--out", required=True, help="output directory (Parquet datasets + summary.json)")
    s.add_argument("--format", default="auto", choices=["auto", "jsonl", "parquet"], help="input format (auto: by name)")
    s.add_argument("--threshold", type=float, default=0.5, help="Jaccard similarity LSH is tuned to (as unspun scan)")
    for field in FIELDS:
        s.add_argument(f"--{field}-field", default=field, help=f"row field holding the {field} (as unspun scan)")
    s.add_argument("--date-order", choices=["dmy", "mdy"], help="day or month first in dates like 03/04/2023 (as unspun scan)")
    s.add_argument("--partitions", type=int, default=0, help="document partitions (default: 2 x cores, at least 4)")
    s.add_argument("--dedup", action="store_true", help="also write OUT/dropped: the documents unspun dedup drops")
    s.add_argument("--keep", default="earliest", choices=["earliest", "longest", "first"], help="with --dedup: which copy stays")
    s.add_argument("--keep-contained", action="store_true", help="with --dedup: drop only duplicates and near-duplicates")
    s.add_argument(
        "--master",
        default=None,
        help="Spark master, e.g. local[2] (bound to 127.0.0.1); default: from spark-submit, else local[*]",
    )
    a = ap.parse_args(argv)
    if not (0.0 < a.threshold <= 1.0):
        ap.error(f"--threshold must be in (0, 1], got {a.threshold}")
    if a.master is not None and a.master.startswith("local"):
        spark = local_session(a.master)
    else:
        builder = SparkSession.builder.appName("unspun-scan")
        if a.master:
            builder = builder.master(a.master)
        spark = builder.getOrCreate()
    try:
        summary = scan(
            spark,
            a.input,
            a.out,
            threshold=a.threshold,
            fmt=a.format,
            fields={f: getattr(a, f"{f}_field") for f in FIELDS},
            partitions=a.partitions,
            date_order=a.date_order,
            dedup_copies=a.dedup,
            keep=a.keep,
            keep_contained=a.keep_contained,
        )
    finally:
        spark.stop()
    rate = summary["documents"] / summary["total_seconds"] if summary["total_seconds"] else 0.0
    print(
        f"Scanned {summary['documents']} documents in {summary['total_seconds']:.2f}s ({rate:.0f} docs/s): "
        f"{summary['pairs']} related pairs, {summary['families']} copy families."
    )
    if "dropped" in summary:
        print(f"Dedup: kept {summary['documents'] - summary['dropped']}, dropped {summary['dropped']} (OUT/dropped).")
    print(f"Wrote documents, pairs, families, stories (Parquet) and summary.json to {a.out}")
    return 1 if summary["skipped"] else 0


if __name__ == "__main__":
    sys.exit(main())
