//! Copy families: connected groups of copy relations.

use crate::unionfind::UnionFind;

/// A family of two or more documents (indices into the corpus, ascending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// Stable id: a hash of the smallest member id, so it does not depend on
    /// input order or on thread scheduling.
    pub id: String,
    pub members: Vec<u32>,
}

/// Families from copy edges. `ids[i]` is document i's id. Families come out
/// ordered by their first member; singletons belong to no family.
pub fn families(ids: &[&str], copy_edges: impl IntoIterator<Item = (u32, u32)>) -> Vec<Family> {
    let mut uf = UnionFind::new(ids.len());
    for (a, b) in copy_edges {
        uf.union(a, b);
    }
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
    for i in 0..ids.len() as u32 {
        let root = uf.find(i);
        groups[root as usize].push(i);
    }
    groups
        .into_iter()
        .filter(|g| g.len() > 1)
        .map(|members| {
            let first = members
                .iter()
                .map(|&m| ids[m as usize])
                .min()
                .unwrap_or_default();
            Family {
                id: family_id(first),
                members,
            }
        })
        .collect()
}

/// `f-` and 12 hex digits of the hash of a document id.
pub fn family_id(doc_id: &str) -> String {
    group_id("f", doc_id)
}

/// `{prefix}-` and 12 hex digits of the hash of a document id: the id of a
/// group named after its smallest member.
pub fn group_id(prefix: &str, doc_id: &str) -> String {
    format!(
        "{prefix}-{:012x}",
        xxhash_rust::xxh3::xxh3_64(doc_id.as_bytes()) >> 16
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_connected_components_with_stable_ids() {
        let ids = ["d0", "d1", "d2", "d3", "d4"];
        let f = families(&ids, [(3, 1), (4, 3)]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].members, vec![1, 3, 4]);
        assert_eq!(f[0].id, family_id("d1"));
        let again = families(&ids, [(4, 3), (1, 3)]);
        assert_eq!(f, again);
    }
}
