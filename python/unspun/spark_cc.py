"""Connected components of a large graph with Spark DataFrames.

The alternating large-star / small-star method (Kiveris et al., "Connected
Components in MapReduce and Beyond", SoCC 2014): each round links every node
to the smallest node of its neighbourhood, and the graph contracts into one
star per component, centred on the component's smallest node, in
O(log^2 n) rounds. Nothing but counts reaches the driver: edges stay in the
cluster, so the method works for edge sets far larger than one machine.

Nodes are non-negative 64-bit integers (here: input positions of documents,
so a component's label is its first document in input order).
"""

from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def _normalized(edges: DataFrame) -> DataFrame:
    """Edges as distinct (src, dst) with src > dst; self-loops dropped."""
    return (
        edges.select(F.greatest("src", "dst").alias("src"), F.least("src", "dst").alias("dst"))
        .where(F.col("src") != F.col("dst"))
        .distinct()
    )


def _large_star(edges: DataFrame) -> DataFrame:
    """Links each node's larger neighbours to the minimum of its neighbourhood."""
    both = edges.select(F.col("src").alias("u"), F.col("dst").alias("v")).unionByName(
        edges.select(F.col("dst").alias("u"), F.col("src").alias("v"))
    )
    low = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return _normalized(both.join(low, "u").where(F.col("v") > F.col("u")).select(F.col("v").alias("src"), F.col("m").alias("dst")))


def _small_star(edges: DataFrame) -> DataFrame:
    """Links each node and its smaller neighbours to the smallest of them."""
    low = edges.groupBy("src").agg(F.min("dst").alias("m"))
    linked = edges.join(low, "src").select(F.col("dst").alias("src"), F.col("m").alias("dst"))
    own = low.select("src", F.col("m").alias("dst"))
    return _normalized(linked.unionByName(own))


def _is_star_forest(edges: DataFrame) -> bool:
    """True when every node has at most one edge to a smaller node and that
    node has none: each component is then a star around its smallest node."""
    total = edges.count()
    if total == 0:
        return True
    if edges.select("src").distinct().count() != total:
        return False
    centres = edges.select(F.col("src").alias("dst")).distinct()
    return edges.join(centres, "dst").limit(1).count() == 0


def connected_components(edges: DataFrame, max_rounds: int = 64) -> DataFrame:
    """Component labels of the nodes of `edges` (columns `src`, `dst`).

    Returns `(node, root)` for every node that has an edge, `root` the
    smallest node of its component. Nodes without edges are not listed.
    """
    current = _normalized(edges).localCheckpoint()
    for _ in range(max_rounds):
        if _is_star_forest(current):
            break
        # Each round's edges are checkpointed so that the plan (and lineage)
        # does not grow with the number of rounds.
        current = _small_star(_large_star(current)).localCheckpoint()
    else:
        raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")
    leaves = current.select(F.col("src").alias("node"), F.col("dst").alias("root"))
    roots = current.select(F.col("dst").alias("node"), F.col("dst").alias("root")).distinct()
    return leaves.unionByName(roots)
