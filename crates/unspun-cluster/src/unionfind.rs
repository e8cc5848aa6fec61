/// Disjoint sets with path halving and union by smaller index, so the root of
/// a set is always its first member: deterministic whatever the edge order.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }
}

/// `pairs` (over documents `0..n`, ends given by `ends`) ordered so that
/// the pairs of one connected group of documents are together, then by
/// pair: a block of them holds fewer documents, each in several of its
/// pairs, so a pass that reads and prepares a block's documents does so
/// less often. (In a group of thousands the pairs of one block still reach
/// most of it: a breadth-first order did no better there.)
pub fn connected_order<T: Send>(
    pairs: Vec<T>,
    n: usize,
    ends: impl Fn(&T) -> (u32, u32),
) -> Vec<T> {
    use rayon::prelude::*;
    let mut groups = UnionFind::new(n);
    for p in &pairs {
        let (a, b) = ends(p);
        groups.union(a, b);
    }
    let mut keyed: Vec<((u32, u32, u32), T)> = pairs
        .into_iter()
        .map(|p| {
            let (a, b) = ends(&p);
            ((groups.find(a), a, b), p)
        })
        .collect();
    keyed.par_sort_unstable_by_key(|(key, _)| *key);
    keyed.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_the_first_member() {
        let mut uf = UnionFind::new(5);
        uf.union(4, 3);
        uf.union(3, 1);
        assert_eq!(uf.find(4), 1);
        assert_eq!(uf.find(0), 0);
    }
}
