//! Copy families, kept up to date as documents come and go.
//!
//! A family is a connected group of copy relations, rooted at its earliest
//! member (smallest seq, as in batch scan's union-find whose root is the
//! first member). Its public id is `unspun_cluster::families::family_id` of
//! its lexicographically smallest member id, exactly as batch scan names it.
//! Adding a document merges the families of its copy partners (relabelling
//! the members of all but the oldest); removing one recomputes its family's
//! components from the copy pairs that remain.

use crate::error::IndexError;
use crate::schema::*;
use crate::tables::{bump, load_meta, Tables};
use redb::ReadableTable;
use std::collections::{BTreeMap, BTreeSet};
use unspun_cluster::families::family_id;
use unspun_cluster::UnionFind;
use unspun_compare::Comparison;

/// Joins `seq` (named `id`) with its copy `partners`; returns its family id.
pub(crate) fn join(
    t: &mut Tables,
    seq: u32,
    id: &str,
    partners: &[(u32, &str)],
) -> Result<Option<String>, IndexError> {
    if partners.is_empty() {
        return Ok(None);
    }
    let mut roots = BTreeSet::new();
    let mut singles = Vec::new();
    for &(p, pid) in partners {
        match t.family_of.get(p)? {
            Some(r) => {
                roots.insert(r.value());
            }
            None => singles.push((p, pid)),
        }
    }
    let root = roots
        .iter()
        .copied()
        .chain(singles.iter().map(|s| s.0))
        .min()
        .unwrap_or(seq)
        .min(seq);
    let mut smallest = id.to_string();
    let mut moved = Vec::new();
    for &r in &roots {
        let Some(old) = t.families.remove(r)?.map(|g| g.value().to_string()) else {
            return Err(IndexError::Corrupt(format!(
                "family root #{r} has no record"
            )));
        };
        t.family_names.remove(family_id(&old).as_str())?;
        smallest = smallest.min(old);
        if r != root {
            bump(&mut t.meta, KEY_FAMILIES, -1)?;
            let members: Vec<u32> = t
                .family_members
                .range((r, 0)..=(r, u32::MAX))?
                .map(|e| e.map(|(k, _)| k.value().1))
                .collect::<Result<_, _>>()?;
            for m in members {
                t.family_members.remove((r, m))?;
                moved.push(m);
            }
        }
    }
    if !roots.contains(&root) {
        bump(&mut t.meta, KEY_FAMILIES, 1)?;
    }
    let mut joined = 0i64;
    for (p, pid) in singles {
        smallest = smallest.min(pid.to_string());
        moved.push(p);
        joined += 1;
    }
    moved.push(seq);
    joined += 1;
    for m in moved {
        t.family_of.insert(m, root)?;
        t.family_members.insert((root, m), ())?;
    }
    bump(&mut t.meta, KEY_IN_FAMILIES, joined)?;
    let fid = family_id(&smallest);
    t.families.insert(root, smallest.as_str())?;
    t.family_names.insert(fid.as_str(), root)?;
    Ok(Some(fid))
}

/// Takes `seq` out of its family (if any) and regroups the rest.
pub(crate) fn leave(t: &mut Tables, seq: u32) -> Result<(), IndexError> {
    let Some(root) = t.family_of.remove(seq)?.map(|g| g.value()) else {
        return Ok(());
    };
    let members: Vec<u32> = t
        .family_members
        .range((root, 0)..=(root, u32::MAX))?
        .map(|e| e.map(|(k, _)| k.value().1))
        .collect::<Result<_, _>>()?;
    for &m in &members {
        t.family_members.remove((root, m))?;
        t.family_of.remove(m)?;
    }
    if let Some(old) = t.families.remove(root)?.map(|g| g.value().to_string()) {
        t.family_names.remove(family_id(&old).as_str())?;
    }
    bump(&mut t.meta, KEY_FAMILIES, -1)?;
    bump(&mut t.meta, KEY_IN_FAMILIES, -(members.len() as i64))?;

    let rest: Vec<u32> = members.into_iter().filter(|&m| m != seq).collect();
    let pos: BTreeMap<u32, u32> = rest
        .iter()
        .enumerate()
        .map(|(i, &m)| (m, i as u32))
        .collect();
    let mut uf = UnionFind::new(rest.len());
    for (i, &m) in rest.iter().enumerate() {
        for e in t.pairs.range((m, 0)..=(m, u32::MAX))? {
            let (k, v) = e?;
            let Some(&j) = pos.get(&k.value().1) else {
                continue;
            };
            let c: Comparison = serde_json::from_slice(v.value())?;
            if c.relation.is_copy() {
                uf.union(i as u32, j);
            }
        }
    }
    let mut groups: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (i, &m) in rest.iter().enumerate() {
        groups.entry(uf.find(i as u32)).or_default().push(m);
    }
    for group in groups.into_values().filter(|g| g.len() > 1) {
        let root = group[0];
        let mut smallest: Option<String> = None;
        for &m in &group {
            t.family_of.insert(m, root)?;
            t.family_members.insert((root, m), ())?;
            let id = load_meta(&t.docs, m)?.map(|d| d.id).unwrap_or_default();
            smallest = Some(smallest.map_or(id.clone(), |s| s.min(id)));
        }
        let smallest = smallest.unwrap_or_default();
        t.families.insert(root, smallest.as_str())?;
        t.family_names.insert(family_id(&smallest).as_str(), root)?;
        bump(&mut t.meta, KEY_FAMILIES, 1)?;
        bump(&mut t.meta, KEY_IN_FAMILIES, group.len() as i64)?;
    }
    Ok(())
}
