//! A story's derivation graph as inline SVG, in layers: originals on top,
//! each copy one row below the lowest of its sources, and the documents no
//! derivation reaches (independent reports) in a row of their own. Within a
//! row, nodes sit in the mean order of their sources (one barycentre pass),
//! which keeps most arrows from crossing in the small trees news makes.

use crate::html::Html;

const NODE_W: f64 = 184.0;
const NODE_H: f64 = 44.0;
const GAP_X: f64 = 22.0;
const GAP_Y: f64 = 64.0;
const MARGIN: f64 = 12.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A source no other member was found to precede.
    Original,
    Derived,
    /// No derivation edge touches it.
    Independent,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub label: String,
    pub sub: String,
    /// Shown on hover.
    pub tip: String,
    pub role: Role,
}

/// `to` was derived from `from`.
#[derive(Debug, Clone)]
pub struct Arrow {
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub tip: String,
}

/// A relation without a direction (drawn dashed, under the arrows).
#[derive(Debug, Clone)]
pub struct Link {
    pub a: usize,
    pub b: usize,
    /// CSS class: the relation name.
    pub class: &'static str,
    pub tip: String,
}

/// Row of each node: longest path from an original; independent nodes go
/// one row below the deepest.
fn rows(nodes: &[Node], arrows: &[Arrow]) -> Vec<usize> {
    let n = nodes.len();
    let mut depth = vec![0usize; n];
    // Bellman-Ford style relaxation, capped so that a cycle of clues ends.
    for _ in 0..n {
        let mut changed = false;
        for a in arrows {
            let d = (depth[a.from] + 1).min(n);
            if d > depth[a.to] {
                depth[a.to] = d;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let deepest = (0..n)
        .filter(|&i| nodes[i].role != Role::Independent)
        .map(|i| depth[i])
        .max();
    let independent_row = deepest.map_or(0, |d| d + 1);
    (0..n)
        .map(|i| {
            if nodes[i].role == Role::Independent {
                independent_row
            } else {
                depth[i]
            }
        })
        .collect()
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// The SVG of a graph; `nodes`, `arrows` and `links` are in a fixed order,
/// so the drawing is deterministic.
pub fn svg(nodes: &[Node], arrows: &[Arrow], links: &[Link]) -> Html {
    let row = rows(nodes, arrows);
    let n_rows = row.iter().max().map_or(0, |m| m + 1);
    // x position (slot) of each node within its row.
    let mut slot = vec![0.0f64; nodes.len()];
    let mut widest = 0usize;
    for r in 0..n_rows {
        let mut members: Vec<(f64, usize)> = (0..nodes.len())
            .filter(|&i| row[i] == r)
            .map(|i| {
                let parents: Vec<f64> = arrows
                    .iter()
                    .filter(|a| a.to == i && row[a.from] < r)
                    .map(|a| slot[a.from])
                    .collect();
                let key = if parents.is_empty() {
                    i as f64
                } else {
                    parents.iter().sum::<f64>() / parents.len() as f64
                };
                (key, i)
            })
            .collect();
        members.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        for (k, &(_, i)) in members.iter().enumerate() {
            slot[i] = k as f64;
        }
        widest = widest.max(members.len());
    }
    let width = MARGIN * 2.0 + widest as f64 * (NODE_W + GAP_X) - GAP_X;
    let height = MARGIN * 2.0 + n_rows as f64 * (NODE_H + GAP_Y) - GAP_Y;
    let count_in = |r: usize| row.iter().filter(|&&x| x == r).count() as f64;
    let pos = |i: usize| {
        let offset = (widest as f64 - count_in(row[i])) * (NODE_W + GAP_X) / 2.0;
        let x = MARGIN + offset + slot[i] * (NODE_W + GAP_X);
        let y = MARGIN + row[i] as f64 * (NODE_H + GAP_Y);
        (x, y)
    };
    let f = |x: f64| format!("{x:.1}");
    let mut h = Html::new();
    let (w, ht) = (f(width.max(NODE_W)), f(height.max(NODE_H)));
    let view = format!("0 0 {w} {ht}");
    h.open(
        "svg",
        &[
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("class", "graph"),
            ("width", &w),
            ("height", &ht),
            ("viewBox", &view),
            ("role", "img"),
        ],
    );
    h.trusted(
        "<defs><marker id=\"arrowhead\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
         markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
         <path d=\"M0,0 L10,5 L0,10 z\" class=\"head\"/></marker></defs>",
    );
    for l in links {
        let ((xa, ya), (xb, yb)) = (pos(l.a), pos(l.b));
        let class = format!("link {}", l.class);
        h.open("g", &[("class", &class)]);
        h.elem("title", &[], &l.tip);
        h.void(
            "line",
            &[
                ("x1", &f(xa + NODE_W / 2.0)),
                ("y1", &f(ya + NODE_H / 2.0)),
                ("x2", &f(xb + NODE_W / 2.0)),
                ("y2", &f(yb + NODE_H / 2.0)),
            ],
        );
        h.close("g");
    }
    for a in arrows {
        let ((xa, ya), (xb, yb)) = (pos(a.from), pos(a.to));
        let (x1, y1) = (xa + NODE_W / 2.0, ya + NODE_H);
        let (x2, y2) = if yb > ya {
            (xb + NODE_W / 2.0, yb)
        } else {
            // Same row or upwards (a cycle of clues): enter from the side.
            (xb + if xb > xa { 0.0 } else { NODE_W }, yb + NODE_H / 2.0)
        };
        h.open("g", &[("class", "arrow")]);
        h.elem("title", &[], &a.tip);
        h.void(
            "line",
            &[
                ("x1", &f(x1)),
                ("y1", &f(y1)),
                ("x2", &f(x2)),
                ("y2", &f(y2)),
                ("marker-end", "url(#arrowhead)"),
            ],
        );
        h.elem(
            "text",
            &[
                ("x", &f((x1 + x2) / 2.0 + 4.0)),
                ("y", &f((y1 + y2) / 2.0 + 4.0)),
                ("class", "edge-label"),
            ],
            &a.label,
        );
        h.close("g");
    }
    for (i, node) in nodes.iter().enumerate() {
        let (x, y) = pos(i);
        let class = match node.role {
            Role::Original => "node original",
            Role::Derived => "node derived",
            Role::Independent => "node independent",
        };
        let index = i.to_string();
        h.open("g", &[("class", class), ("data-node", &index)]);
        h.elem("title", &[], &node.tip);
        h.void(
            "rect",
            &[
                ("x", &f(x)),
                ("y", &f(y)),
                ("width", &f(NODE_W)),
                ("height", &f(NODE_H)),
                ("rx", "6"),
            ],
        );
        h.elem(
            "text",
            &[("x", &f(x + 8.0)), ("y", &f(y + 18.0)), ("class", "label")],
            &truncate(&node.label, 23),
        );
        h.elem(
            "text",
            &[("x", &f(x + 8.0)), ("y", &f(y + 35.0)), ("class", "sub")],
            &truncate(&node.sub, 27),
        );
        h.close("g");
    }
    h.close("svg");
    h
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn node(role: Role) -> Node {
        Node {
            label: "<b>".into(),
            sub: "x".into(),
            tip: "t".into(),
            role,
        }
    }

    #[test]
    fn originals_on_top_copies_below_independents_last() {
        let nodes = vec![
            node(Role::Derived),
            node(Role::Derived),
            node(Role::Original),
            node(Role::Independent),
        ];
        let arrows = vec![
            Arrow {
                from: 2,
                to: 0,
                label: String::new(),
                tip: String::new(),
            },
            Arrow {
                from: 0,
                to: 1,
                label: String::new(),
                tip: String::new(),
            },
        ];
        assert_eq!(rows(&nodes, &arrows), vec![1, 2, 0, 3]);
        let s = svg(&nodes, &arrows, &[]).into_string();
        assert!(s.contains("&lt;b&gt;") && !s.contains("<b>"));
        assert_eq!(s.matches("class=\"arrow\"").count(), 2);
    }

    #[test]
    fn a_cycle_of_clues_ends() {
        let nodes = vec![node(Role::Derived), node(Role::Derived)];
        let arrow = |from, to| Arrow {
            from,
            to,
            label: String::new(),
            tip: String::new(),
        };
        let r = rows(&nodes, &[arrow(0, 1), arrow(1, 0)]);
        assert!(r.iter().all(|&x| x <= 2), "{r:?}");
    }
}
