"""unspun: find where news text came from.

A Python face on the Rust engine of the ``unspun`` command: the same cleaning,
sketches, candidates, verification, passages and copy families, not a second
implementation.

>>> import unspun
>>> c = unspun.compare(text_a, text_b)          # doctest: +SKIP
>>> c.relation, c.scores["coverage_a"], c.passages[0].a_text  # doctest: +SKIP
>>> result = unspun.scan({"id": i, "text": t} for i, t in articles)  # doctest: +SKIP
>>> result.pairs[0]["relation"]                 # doctest: +SKIP

Offsets: ``Passage.a``/``.b`` and every range in ``scan`` records are **byte**
offsets into the UTF-8 text (as in the CLI's JSON output); ``Passage.a_chars``/
``.b_chars`` and ``Cleaned.kept_chars``/``.removed_chars`` are **character**
offsets for slicing the Python ``str``.

``unspun.spark`` runs ``scan`` on Apache Spark (``python -m unspun.spark``).
"""

from ._unspun import (
    Cleaned,
    Comparison,
    Index,
    Passage,
    Provenance,
    ScanResult,
    Sketch,
    __version__,
    clean,
    compare,
    compare_many,
    dedup_group,
    document,
    family_id,
    family_provenance,
    line_keys,
    scan,
    scan_params,
    scan_sketch,
    signature_and_keys,
    sketch,
    story_groups,
    verify,
)

RELATIONS = ("duplicate", "near_duplicate", "containment", "reuse", "paraphrase", "same_story", "unrelated")
"""Every relation name, strongest first."""

COPY_RELATIONS = ("duplicate", "near_duplicate", "containment")
"""Relations that make two documents members of one copy family."""

__all__ = [
    "COPY_RELATIONS",
    "RELATIONS",
    "Cleaned",
    "Comparison",
    "Index",
    "Passage",
    "Provenance",
    "ScanResult",
    "Sketch",
    "__version__",
    "clean",
    "compare",
    "compare_many",
    "dedup_group",
    "document",
    "family_id",
    "family_provenance",
    "line_keys",
    "scan",
    "scan_params",
    "scan_sketch",
    "signature_and_keys",
    "sketch",
    "story_groups",
    "verify",
]
