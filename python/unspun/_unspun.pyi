"""Type stubs of the compiled module ``unspun._unspun`` (re-exported by ``unspun``).

Offsets: ``(start, end)`` pairs are half-open. Names without ``chars`` are
**byte** offsets into the UTF-8 encoding of the text (what ``scan`` writes to
JSON); names with ``_chars`` are **character** offsets for slicing ``str``.
"""

from os import PathLike
from typing import Any, Iterable, Literal, Mapping, Optional, Sequence, Union

__version__: str

Span = tuple[int, int]
Row = Mapping[str, Any]
"""A document: ``id``, ``text``, optional ``title``, ``url``, ``date``, ``site``."""
PairRecord = dict[str, Any]
"""``a``, ``b``, ``relation``, ``source``, ``scores``, ``passages`` (pairs.jsonl fields)."""
LineCounts = tuple[Sequence[tuple[int, int]], Sequence[tuple[int, int]]]

class Cleaned:
    """Content and boilerplate of a text."""

    kept: list[Span]
    """Content lines, byte offsets."""
    removed: list[Span]
    """Boilerplate set aside (chrome, teasers, captions), byte offsets."""
    kept_chars: list[Span]
    """``kept`` in character offsets."""
    removed_chars: list[Span]
    """``removed`` in character offsets."""
    title: Optional[str]
    """The headline line, if one was recognized."""
    title_span: Optional[Span]
    """Its byte offsets."""
    tokens: int
    """Content tokens."""
    content: str
    """The content lines joined with newlines."""

class Sketch:
    """MinHash signature, LSH band keys and containment anchors of a text."""

    signature: list[int]
    """One unsigned 32-bit value per bin; empty for a text without words."""
    band_keys: list[int]
    """One unsigned 64-bit key per LSH band."""
    anchors: list[int]
    """Sorted distinct unsigned 32-bit anchors (sampled shingles)."""
    tokens: int
    shingles: int
    bands: int
    rows: int
    def jaccard(self, other: Sketch) -> float:
        """Estimated Jaccard similarity (share of equal bins)."""

class Passage:
    """A passage both texts share."""

    a: Span
    """Byte offsets in text ``a``."""
    b: Span
    """Byte offsets in text ``b``."""
    a_chars: Span
    """Character offsets in text ``a``: ``text_a[a_chars[0]:a_chars[1]] == a_text``."""
    b_chars: Span
    """Character offsets in text ``b``."""
    kind: str
    """``"verbatim"`` or, with the meaning layer, ``"paraphrase"``."""
    a_text: str
    b_text: str

class Comparison:
    """How two texts relate."""

    relation: str
    """``duplicate``, ``near_duplicate``, ``containment``, ``reuse``, ``unrelated``, and with
    the meaning layer ``paraphrase`` or ``same_story``."""
    source: Optional[Literal["a", "b"]]
    """The side the other was copied from, where the evidence says."""
    scores: dict[str, Optional[float]]
    """``lexical``, ``containment_a_in_b``, ``containment_b_in_a``, ``coverage_a``, ``coverage_b``;
    with the meaning layer ``semantic`` and ``story`` (``None`` where it did not run) and
    ``rewrite`` where the rewrite tier measured the pair."""
    passages: list[Passage]
    note: Optional[Literal["not_english", "empty"]]
    """``"not_english"`` when a text is not English prose, so the meaning layer was not applied;
    ``"empty"`` when a text has no words once boilerplate is set aside."""
    def to_dict(self) -> dict[str, Any]:
        """The pairs.jsonl record without ``a``/``b`` (byte offsets)."""

class ScanResult:
    """What ``scan`` found; records carry the fields of the CLI's JSON Lines."""

    @property
    def documents(self) -> list[dict[str, Any]]:
        """``id``, ``path``, ``title``, ``url``, ``date``, ``site``, ``removed``, ``family``, ``story``, ``tokens``, ``bytes``."""
    @property
    def pairs(self) -> list[PairRecord]: ...
    @property
    def families(self) -> list[dict[str, Any]]:
        """``id``, ``size``, ``members``, ``original``, ``edges`` (derivations with evidence)."""
    @property
    def stories(self) -> list[dict[str, Any]]:
        """``id``, ``size``, ``members``, ``title``, ``first_date``, ``last_date``, ``cohesion``,
        ``families``, ``original``, ``edges``, ``claims`` (stories.jsonl)."""
    @property
    def summary(self) -> dict[str, Any]: ...
    def dedup(self, *, keep: str = "earliest", keep_contained: bool = False) -> dict[str, Any]:
        """``{"kept": [ids], "dropped": [{"id", "kept", "of", "relation", "lexical", "containment"}]}``:
        one copy of each text, as ``unspun dedup`` decides."""
    def write(self, directory: Union[str, PathLike[str]]) -> None:
        """Writes documents.jsonl, pairs.jsonl, families.jsonl, summary.json."""

class Index:
    """In-memory streaming index: add documents, query texts."""

    def __init__(self, *, threshold: float = 0.5, bins: int = 128) -> None: ...
    def add(self, document: Row) -> list[PairRecord]:
        """Adds a document; returns its related pairs with earlier ones (``a`` earlier)."""
    def extend(self, documents: Iterable[Row]) -> list[PairRecord]: ...
    def query(
        self, text: str, *, id: Optional[str] = None, date: Optional[str] = None, site: Optional[str] = None
    ) -> list[PairRecord]:
        """Related indexed documents (``a``) of ``text`` (``b``), without adding it."""
    def families(self) -> list[dict[str, Any]]: ...
    def ids(self) -> list[str]: ...
    def params(self) -> dict[str, Any]: ...
    def __len__(self) -> int: ...
    def __contains__(self, id: str) -> bool: ...

def clean(text: str, *, site: Optional[str] = None) -> Cleaned:
    """Splits a text into content and boilerplate."""

def sketch(
    text: str, *, site: Optional[str] = None, threshold: float = 0.5, bins: int = 128, boilerplate: bool = True
) -> Sketch:
    """Sketches a text as ``scan`` does."""

Meaning = Union[bool, None, str, PathLike[str]]
"""``False``/``None``: lexical only (``--no-meaning``); ``True``: the embedding
model from the cache, fetched on first use (the CLI's default); a path: a model folder."""

def compare(
    a: str,
    b: str,
    *,
    date_a: Optional[str] = None,
    date_b: Optional[str] = None,
    boilerplate: bool = True,
    meaning: Meaning = None,
    date_order: Optional[Literal["dmy", "mdy"]] = None,
) -> Comparison:
    """Compares two texts as ``unspun compare`` does. Dates are read as
    ``scan`` reads them (``ValueError`` for one that is no date); when they
    differ, the earlier text is the source."""

def compare_many(
    pairs: Iterable[Union[tuple[str, str], Mapping[str, Optional[str]]]],
    *,
    boilerplate: bool = True,
    meaning: Meaning = None,
    date_order: Optional[Literal["dmy", "mdy"]] = None,
) -> list[Comparison]:
    """Compares many pairs as ``unspun compare --pairs`` does, in their order:
    ``(a, b)`` tuples or dicts with ``a``, ``b`` and optionally ``date_a``,
    ``date_b``. On all threads, the model batched across pairs."""

def verify(
    text_a: str,
    text_b: str,
    date_a: Optional[str] = None,
    date_b: Optional[str] = None,
    kept_a: Optional[Sequence[int]] = None,
    kept_b: Optional[Sequence[int]] = None,
) -> dict[str, Any]:
    """Verifies one candidate pair; ``relation`` may be ``"unrelated"``."""

def scan(
    documents: Union[Iterable[Row], str, PathLike[str], Sequence[Union[str, PathLike[str]]]],
    *,
    threshold: float = 0.5,
    text_field: str = "text",
    id_field: str = "id",
    title_field: str = "title",
    url_field: str = "url",
    date_field: str = "date",
    site_field: str = "site",
    errors: Literal["raise", "skip"] = "raise",
    meaning: Meaning = None,
    lead_tier: bool = False,
    date_order: Optional[Literal["dmy", "mdy"]] = None,
) -> ScanResult:
    """Scans rows as ``unspun scan`` scans a JSON Lines file of them; a path,
    or a list of paths, scans those files and folders as ``unspun scan PATH...``.

    ``lead_tier=True`` is ``--lead-tier`` (the story's lead tier, as
    ``compare`` runs it; many times slower on a large corpus).
    ``date_order`` says whether ``03/04/2023`` is day or month first (``--date-order``)."""

def line_keys(text: str, site: Optional[str] = None) -> tuple[list[int], list[int]]:
    """Distinct short-line keys, and the same combined with the site (signed 64-bit)."""

def signature_and_keys(
    text: str,
    *,
    site: Optional[str] = None,
    line_counts: Optional[LineCounts] = None,
    threshold: float = 0.5,
    bins: int = 128,
) -> tuple[list[int], list[int], int]:
    """``(band_keys as signed 64-bit, anchors, n_tokens)`` of one document."""

def scan_sketch(
    text: str,
    *,
    site: Optional[str] = None,
    line_counts: Optional[LineCounts] = None,
    threshold: float = 0.5,
    bins: int = 128,
) -> tuple[list[int], list[int], int, list[int], list[list[int]], Optional[str]]:
    """``(band_keys, anchors, n_tokens, kept_flat, removed, title)``: scan's sketch pass."""

def scan_params(*, threshold: float = 0.5, bins: int = 128) -> dict[str, Any]:
    """LSH shape and anchor criteria of a scan."""

def document(
    row: Row,
    *,
    fallback_id: str,
    text_field: str = "text",
    id_field: str = "id",
    title_field: str = "title",
    url_field: str = "url",
    date_field: str = "date",
    site_field: str = "site",
    date_order: Optional[Literal["dmy", "mdy"]] = None,
) -> dict[str, Optional[str]]:
    """A row read by the JSON Lines rules; ``ValueError`` for a row that is not a document."""

def family_id(doc_id: str) -> str:
    """Family id named after its smallest member id."""

# (id, text, kept flat offsets, date, site or url, removed bytes)
SideIn = tuple[str, str, Sequence[int], Optional[str], Optional[str], int]

class Provenance:
    """Derivation clues for pairs of one corpus; build it from every document's site or URL."""

    def __init__(self, sites: Sequence[str]) -> None: ...
    def verify(self, a: SideIn, b: SideIn) -> tuple[dict[str, Any], Optional[tuple[dict[str, Any], float, bool]]]:
        """``(pair record, edge)``; ``edge`` is ``(edge dict, confidence, from_is_a)`` or None."""

def family_provenance(
    members: Sequence[int], edges: Sequence[tuple[int, int, float, Sequence[int], Sequence[int]]]
) -> tuple[Optional[int], list[int]]:
    """A family's original position and the indices of the edges it keeps."""

def story_groups(
    ids: Sequence[str], dates: Sequence[Optional[str]], links: Sequence[tuple[int, int, str, Optional[float]]]
) -> list[tuple[list[int], str, float]]:
    """Stories of one component: ``(members, story_id, cohesion)``."""

def dedup_group(
    dates: Sequence[Optional[str]],
    content_bytes: Sequence[int],
    pairs: Sequence[tuple[int, int, str, float, float]],
    *,
    keep: str = "earliest",
    keep_contained: bool = False,
) -> list[Optional[tuple[int, int, str, int]]]:
    """``unspun dedup``'s rule on one group: per document, None (kept) or ``(kept, of, relation, pair)``."""
