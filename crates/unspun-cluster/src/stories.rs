//! Stories: groups of documents that report one event.
//!
//! Plain transitive closure over story links chains: one weak link between
//! two stories would merge them, and every later link grows the chain.
//! Stories are instead built by average linkage: groups merge, strongest
//! first, while the mean link weight over *all* pairs across them (a missing
//! link counts zero) stays at or above [`StoryParams::min_linkage`]. A
//! document joins a group only by linking to a real share of it, and two
//! groups merge only through many links, never through one.
//!
//! Merges are taken in a total order (weight, then smallest member indices),
//! so the result does not depend on edge order or thread scheduling.

use crate::families::group_id;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use unspun_compare::Relation;

/// Unrelated pairs whose story probability is at least this still count,
/// at their weight, toward stories: the story score of two reports of one
/// event often falls just short of one half, and average linkage needs to
/// know that they are close, not only that they are not a pair.
pub const NEAR_MISS_STORY: f64 = 0.3;

/// The weight a pair gives to "same story": 1 for a copy, at least 0.95
/// for a paraphrase, 0.9 for reuse, 0.5 for same_story, else its story
/// probability.
pub fn story_weight(relation: Relation, story: Option<f64>) -> f64 {
    let story = story.unwrap_or(0.0);
    match relation {
        r if r.is_copy() => 1.0,
        Relation::Paraphrase => story.max(0.95),
        Relation::Reuse => story.max(0.9),
        Relation::SameStory => story.max(0.5),
        _ => story,
    }
}

/// A link between two documents, weight in (0, 1]: 1 for a copy, the story
/// probability for two reports of one event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoryEdge {
    pub a: u32,
    pub b: u32,
    pub weight: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoryParams {
    /// Least mean link weight across two groups for them to merge.
    pub min_linkage: f64,
    /// Longest span, in days, between the publication dates inside a story
    /// (documents without a date are not restricted).
    pub window_days: i64,
}

impl Default for StoryParams {
    fn default() -> Self {
        StoryParams {
            // A document joins a pair through one link of weight 0.8 or
            // more, a group of three only through two links: chains stop.
            min_linkage: 0.4,
            window_days: 7,
        }
    }
}

/// Days since 0000-03-01 of a `YYYY-MM-DD` date (civil calendar).
pub fn day_number(date: &str) -> Option<i64> {
    let y: i64 = date.get(0..4)?.parse().ok()?;
    let m: i64 = date.get(5..7)?.parse().ok()?;
    let d: i64 = date.get(8..10)?.parse().ok()?;
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    Some(365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d)
}

/// A story of two or more documents.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    /// `s-` and a hash of the smallest member id, like family ids.
    pub id: String,
    /// Document indices, ascending.
    pub members: Vec<u32>,
    /// Mean link weight over all member pairs (missing links count zero).
    pub cohesion: f64,
}

/// A possible merge in the queue, valid while both groups are unchanged.
#[derive(Debug, Clone, Copy)]
struct Merge {
    linkage: f64,
    a: u32,
    b: u32,
    version_a: u32,
    version_b: u32,
}

impl PartialEq for Merge {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Merge {}
impl PartialOrd for Merge {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Merge {
    /// Strongest first; among equals, the smallest groups' ids first.
    fn cmp(&self, other: &Self) -> Ordering {
        self.linkage
            .total_cmp(&other.linkage)
            .then_with(|| (other.a, other.b).cmp(&(self.a, self.b)))
    }
}

/// Summed link weights to neighbouring groups, ordered by group. Sorted
/// vectors, not maps: a million documents have millions of links, and a map
/// per document costs several times the links themselves.
type Links = Vec<(u32, f64)>;

fn link_weight(links: &Links, c: u32) -> Option<f64> {
    let k = links.binary_search_by_key(&c, |l| l.0).ok()?;
    Some(links[k].1)
}

fn unlink(links: &mut Links, c: u32) -> Option<f64> {
    let k = links.binary_search_by_key(&c, |l| l.0).ok()?;
    Some(links.remove(k).1)
}

fn add_link(links: &mut Links, c: u32, w: f64) {
    match links.binary_search_by_key(&c, |l| l.0) {
        Ok(k) => links[k].1 += w,
        Err(k) => links.insert(k, (c, w)),
    }
}

/// Groups under agglomeration; a group is named by its smallest member.
struct Groups {
    size: Vec<u32>,
    links: Vec<Links>,
    /// Summed link weight inside the group.
    inner: Vec<f64>,
    days: Vec<Option<(i64, i64)>>,
    /// Members of merged groups (empty for a group of one: itself).
    members: Vec<Vec<u32>>,
    version: Vec<u32>,
    alive: Vec<bool>,
}

impl Groups {
    fn linkage(&self, a: u32, b: u32) -> f64 {
        let w = link_weight(&self.links[a as usize], b).unwrap_or(0.0);
        w / (self.size[a as usize] as f64 * self.size[b as usize] as f64)
    }

    fn merge_entry(&self, a: u32, b: u32) -> Merge {
        let (a, b) = (a.min(b), a.max(b));
        Merge {
            linkage: self.linkage(a, b),
            a,
            b,
            version_a: self.version[a as usize],
            version_b: self.version[b as usize],
        }
    }

    fn joined_days(&self, a: u32, b: u32) -> Option<(i64, i64)> {
        match (self.days[a as usize], self.days[b as usize]) {
            (Some(x), Some(y)) => Some((x.0.min(y.0), x.1.max(y.1))),
            (x, y) => x.or(y),
        }
    }

    /// Merges `gone` into `keep` (the smaller index) and returns the new
    /// merges to consider.
    fn merge(&mut self, keep: u32, gone: u32) -> Vec<Merge> {
        let (k, g) = (keep as usize, gone as usize);
        self.days[k] = self.joined_days(keep, gone);
        self.size[k] += self.size[g];
        let between = unlink(&mut self.links[k], gone).unwrap_or(0.0);
        self.inner[k] += self.inner[g] + between;
        let moved = std::mem::take(&mut self.links[g]);
        // Both lists are ordered: one merge pass joins them.
        let mine = std::mem::take(&mut self.links[k]);
        let mut joined = Vec::with_capacity(mine.len() + moved.len());
        let (mut i, mut j) = (0, 0);
        loop {
            let next = match (mine.get(i), moved.get(j)) {
                (Some(&(c, w)), Some(&(d, v))) if c == d => {
                    i += 1;
                    j += 1;
                    (c, w + v)
                }
                (Some(&(c, w)), Some(&(d, _))) if c < d => {
                    i += 1;
                    (c, w)
                }
                (Some(&(c, w)), None) => {
                    i += 1;
                    (c, w)
                }
                (_, Some(&(d, v))) => {
                    j += 1;
                    (d, v)
                }
                (None, None) => break,
            };
            if next.0 != keep {
                joined.push(next);
            }
        }
        self.links[k] = joined;
        for &(c, w) in &moved {
            if c == keep {
                continue;
            }
            let theirs = &mut self.links[c as usize];
            unlink(theirs, gone);
            add_link(theirs, keep, w);
        }
        let mut members = std::mem::take(&mut self.members[g]);
        if members.is_empty() {
            members.push(gone);
        }
        if self.members[k].is_empty() {
            self.members[k].push(keep);
        }
        self.members[k].extend(members);
        self.alive[g] = false;
        self.version[k] += 1;
        self.links[k]
            .iter()
            .map(|&(c, _)| self.merge_entry(keep, c))
            .collect()
    }
}

/// Stories of two or more documents, ordered by first member. `ids[i]` is
/// document i's id, `days[i]` its publication day number if known.
pub fn stories(
    ids: &[&str],
    days: &[Option<i64>],
    edges: &[StoryEdge],
    params: &StoryParams,
) -> Vec<Story> {
    let n = ids.len();
    let day = |i: u32| days.get(i as usize).copied().flatten();
    // One weight per pair (the strongest), and none across the window.
    let mut weights: Vec<((u32, u32), f64)> = Vec::with_capacity(edges.len());
    for e in edges {
        let (a, b) = (e.a.min(e.b), e.a.max(e.b));
        let usable = a != b && (b as usize) < n && e.weight.is_finite() && e.weight > 0.0;
        let in_window = match (day(a), day(b)) {
            (Some(x), Some(y)) => (x - y).abs() <= params.window_days,
            _ => true,
        };
        if usable && in_window {
            weights.push(((a, b), e.weight.min(1.0)));
        }
    }
    weights.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)));
    weights.dedup_by_key(|w| w.0);
    let mut g = Groups {
        size: vec![1; n],
        links: vec![Vec::new(); n],
        inner: vec![0.0; n],
        days: (0..n as u32).map(|i| day(i).map(|d| (d, d))).collect(),
        members: vec![Vec::new(); n],
        version: vec![0; n],
        alive: vec![true; n],
    };
    // `weights` is ordered by (a, b), so pushing builds every list in
    // order: first the neighbours below each document, then those above.
    for &((a, b), w) in &weights {
        g.links[b as usize].push((a, w));
    }
    for &((a, b), w) in &weights {
        g.links[a as usize].push((b, w));
    }
    let mut queue: BinaryHeap<Merge> = weights
        .iter()
        .map(|&((a, b), _)| g.merge_entry(a, b))
        .collect();
    while let Some(m) = queue.pop() {
        let (a, b) = (m.a as usize, m.b as usize);
        let current =
            g.alive[a] && g.alive[b] && g.version[a] == m.version_a && g.version[b] == m.version_b;
        if !current {
            continue;
        }
        if m.linkage < params.min_linkage {
            break;
        }
        // Spans only grow: a merge the window forbids now stays forbidden.
        if let Some((first, last)) = g.joined_days(m.a, m.b) {
            if last - first > params.window_days {
                continue;
            }
        }
        queue.extend(g.merge(m.a, m.b));
    }
    let mut out: Vec<Story> = (0..n)
        .filter(|&i| g.alive[i] && g.size[i] > 1)
        .map(|i| {
            let mut members = std::mem::take(&mut g.members[i]);
            members.sort_unstable();
            let first = members
                .iter()
                .filter_map(|&m| ids.get(m as usize))
                .min()
                .copied()
                .unwrap_or_default();
            let k = members.len() as f64;
            Story {
                id: group_id("s", first),
                cohesion: g.inner[i] / (k * (k - 1.0) / 2.0),
                members,
            }
        })
        .collect();
    out.sort_by_key(|s| s.members[0]);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn e(a: u32, b: u32, weight: f64) -> StoryEdge {
        StoryEdge { a, b, weight }
    }

    const IDS: [&str; 8] = ["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"];

    #[test]
    fn one_weak_link_does_not_merge_two_stories() {
        // Two tight stories {0,1,2} and {3,4,5}, one same-story link across.
        let edges = [
            e(0, 1, 1.0),
            e(1, 2, 0.9),
            e(0, 2, 0.8),
            e(3, 4, 1.0),
            e(4, 5, 0.9),
            e(3, 5, 0.7),
            e(2, 3, 0.9),
        ];
        let s = stories(&IDS, &[None; 8], &edges, &StoryParams::default());
        let members: Vec<Vec<u32>> = s.iter().map(|s| s.members.clone()).collect();
        assert_eq!(members, vec![vec![0, 1, 2], vec![3, 4, 5]]);
        assert_eq!(s[0].id, group_id("s", "d0"));
        assert!((s[0].cohesion - 0.9).abs() < 1e-9);
    }

    #[test]
    fn merged_groups_sum_their_links_to_shared_neighbours() {
        // {0,1} and {2,3} form first; they join at (0.9 + 0.9) / 4 = 0.45.
        // Document 4 is linked to one member of each: its links to the
        // joined group add up, (0.8 + w) / 4, and it joins only when that
        // reaches 0.4.
        let edges = |w: f64| {
            [
                e(0, 1, 1.0),
                e(2, 3, 1.0),
                e(0, 2, 0.9),
                e(1, 3, 0.9),
                e(4, 1, 0.8),
                e(4, 3, w),
            ]
        };
        let params = StoryParams::default();
        let s = stories(&IDS[..5], &[None; 5], &edges(0.8), &params);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].members, vec![0, 1, 2, 3, 4]);
        assert!(
            (s[0].cohesion - 5.4 / 10.0).abs() < 1e-12,
            "{}",
            s[0].cohesion
        );
        let s = stories(&IDS[..5], &[None; 5], &edges(0.7), &params);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].members, vec![0, 1, 2, 3]);
        assert!(
            (s[0].cohesion - 3.8 / 6.0).abs() < 1e-12,
            "{}",
            s[0].cohesion
        );
    }

    #[test]
    fn a_chain_of_single_links_stops() {
        let edges: Vec<StoryEdge> = (0..7).map(|i| e(i, i + 1, 1.0)).collect();
        let s = stories(&IDS, &[None; 8], &edges, &StoryParams::default());
        assert!(s.iter().all(|s| s.members.len() <= 3), "{s:?}");
    }

    #[test]
    fn a_document_linked_to_most_of_a_group_joins_it() {
        let edges = [
            e(0, 1, 1.0),
            e(0, 2, 0.9),
            e(1, 2, 0.9),
            e(3, 0, 0.6),
            e(3, 1, 0.6),
            e(3, 2, 0.5),
        ];
        let s = stories(&IDS[..4], &[None; 4], &edges, &StoryParams::default());
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].members, vec![0, 1, 2, 3]);
    }

    #[test]
    fn the_time_window_splits_a_story() {
        let edges = [e(0, 1, 1.0), e(1, 2, 1.0), e(0, 2, 1.0)];
        let days = [Some(100), Some(103), Some(120)];
        let s = stories(&IDS[..3], &days, &edges, &StoryParams::default());
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].members, vec![0, 1]);
    }

    #[test]
    fn edge_order_does_not_matter() {
        let mut edges = vec![
            e(0, 1, 0.7),
            e(1, 2, 0.7),
            e(2, 3, 0.7),
            e(0, 3, 0.7),
            e(4, 5, 0.9),
            e(5, 6, 0.45),
        ];
        let p = StoryParams::default();
        let first = stories(&IDS[..7], &[None; 7], &edges, &p);
        edges.reverse();
        for x in &mut edges {
            std::mem::swap(&mut x.a, &mut x.b);
        }
        assert_eq!(first, stories(&IDS[..7], &[None; 7], &edges, &p));
    }

    #[test]
    fn bad_edges_are_ignored() {
        let edges = [e(0, 0, 1.0), e(0, 9, 1.0), e(0, 1, f64::NAN), e(1, 2, -1.0)];
        assert!(stories(&IDS[..3], &[None; 3], &edges, &StoryParams::default()).is_empty());
    }
}
