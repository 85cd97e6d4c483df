//! The team dependency graph, laid out and drawn as a standalone SVG at build
//! time: no JavaScript in the page and no Graphviz binary.
//!
//! This module owns the whole drawing: a layered (Sugiyama-style) layout —
//! cycle breaking, layering (with wide rows split, so a hub's neighbours
//! stack in rows instead of one very wide line), virtual nodes on long
//! edges, crossing reduction, coordinates and edge ports — and the SVG text,
//! with its inline style (colours by computed risk, a dark variant, the
//! legend). Callers only say
//! which teams and dependencies to draw; the org-wide graph and each team's
//! neighbourhood graph are both drawn by [`render_svg`].
//!
//! Why no crate: `rust-sugiyama` (0.4) returns vertex coordinates only, drops
//! the virtual nodes that edges should be routed through, pulls in `petgraph`
//! and keeps `HashMap`s internally; `layout-rs` is a whole Graphviz-style
//! renderer with its own SVG output, so links, `<title>`s, classes and themes
//! could not be ours. The layout below is well under a thousand lines,
//! deterministic (no hash maps; ties go to the lower index) and fast: 500
//! teams and 2,000 dependencies take about 0.2 s in a release build.
//!
//! Orientation: top to bottom. A team sits above the teams it depends on, so
//! arrows point down except along the edges reversed to break a cycle, which
//! are laid out as if reversed but drawn in their real direction.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::escape_xml as esc;
use crate::model::Risk;

/// A team in the graph.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GraphNode {
    /// The team's name, shown in its box.
    pub label: String,
    /// The link to the team's page.
    pub url: String,
    /// Drawn emphasised (the team whose neighbourhood this is).
    pub highlight: bool,
}

/// A dependency: `from` depends on `to` (indexes into nodes).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GraphEdge {
    /// The depending team.
    pub from: usize,
    /// The team depended on.
    pub to: usize,
    /// The computed risk, which sets the colour.
    pub risk: Risk,
    /// Shown on hover.
    pub title: String,
    /// Part of a dependency cycle: drawn dashed and thicker.
    pub in_cycle: bool,
}

/// What a graph is drawn from: its title, teams and dependencies.
type GraphInput = (String, Vec<GraphNode>, Vec<GraphEdge>);

/// Graphs already drawn, by their whole input, so that a rebuild whose
/// teams and dependencies did not change does not lay them out again.
///
/// `seam serve` keeps one across rebuilds. Each build keeps the graphs it
/// used and drops the rest, so the cache never outgrows one build's graphs.
#[derive(Debug, Default)]
pub struct GraphCache {
    generations: std::sync::Mutex<Generations>,
}

#[derive(Debug, Default)]
struct Generations {
    current: std::collections::HashMap<GraphInput, std::sync::Arc<str>>,
    previous: std::collections::HashMap<GraphInput, std::sync::Arc<str>>,
    laid_out: usize,
}

impl GraphCache {
    /// Starts a build: graphs the last build did not use are dropped at the next one.
    pub fn next_build(&self) {
        let mut g = self.lock();
        g.previous = std::mem::take(&mut g.current);
    }

    /// The SVG of this graph, laid out only if no earlier draw had the same input.
    pub fn render(
        &self,
        title: &str,
        nodes: &[GraphNode],
        edges: &[GraphEdge],
    ) -> std::sync::Arc<str> {
        let key: GraphInput = (title.to_string(), nodes.to_vec(), edges.to_vec());
        {
            let mut g = self.lock();
            if let Some(svg) = g.current.get(&key).cloned() {
                return svg;
            }
            if let Some(svg) = g.previous.remove(&key) {
                g.current.insert(key, svg.clone());
                return svg;
            }
        }
        // Laid out outside the lock: other pages' graphs are drawn meanwhile.
        let svg: std::sync::Arc<str> = render_svg(title, nodes, edges).into();
        let mut g = self.lock();
        g.laid_out += 1;
        g.current.insert(key, svg.clone());
        svg
    }

    /// How many graphs were laid out (not found in the cache) so far.
    pub fn laid_out(&self) -> usize {
        self.lock().laid_out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        // A panic elsewhere cannot leave the maps half-updated: use them as they are.
        self.generations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Font size of labels, in px (also in the CSS below).
const FONT_PX: f64 = 13.0;
/// Estimated advance of one character at [`FONT_PX`], generous on purpose.
const CHAR_PX: f64 = 7.5;
/// Advance of a wide (CJK, emoji) character.
const WIDE_CHAR_PX: f64 = 13.5;
/// Space between a label and its box's sides.
const PAD_X: f64 = 12.0;
const NODE_H: f64 = 30.0;
const MIN_NODE_W: f64 = 56.0;
/// Widest a layer's boxes (with gaps) should be, where edges allow: about
/// what a page shows without scaling. Large graphs get wider rows (see
/// [`row_cap`]), as splitting every layer would only add long edges.
const MAX_ROW_W: f64 = 1000.0;
/// Gap between two boxes in a layer.
const NODE_SEP: f64 = 28.0;
/// Gap between a box and an edge passing through its layer.
const DUMMY_SEP: f64 = 14.0;
/// Gap between two edges passing through a layer.
const DUMMY_DUMMY_SEP: f64 = 8.0;
const MIN_LAYER_GAP: f64 = 56.0;
const MAX_LAYER_GAP: f64 = 150.0;
const MARGIN: f64 = 16.0;
/// Height of the legend band above the graph.
const LEGEND_H: f64 = 34.0;
/// Distance between two edge ends on a box side.
const PORT_SEP: f64 = 8.0;
/// How far a self-dependency loop reaches right of its box.
const LOOP_W: f64 = 24.0;
const CORNER: f64 = 6.0;

/// Crossing-reduction sweeps (each one down and one up), at most.
const ORDER_SWEEPS: usize = 12;
/// Coordinate relaxation rounds.
const COORD_ROUNDS: usize = 60;

/// A node's box, in SVG user units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// One drawn edge (parallel dependencies merged).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Route {
    pub from: usize,
    pub to: usize,
    pub risk: Risk,
    pub in_cycle: bool,
    /// The titles of the merged dependencies, one a line.
    pub title: String,
    /// From `from`'s box to `to`'s box. Segments alternate: a curve between
    /// layers (even index), a straight line through a layer (odd index). A
    /// self-dependency has two points on its box's right side.
    pub points: Vec<(f64, f64)>,
}

/// Where everything goes; [`render_svg`] only draws this.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Layout {
    pub width: f64,
    pub height: f64,
    /// One box per input node, same index.
    pub nodes: Vec<Rect>,
    pub edges: Vec<Route>,
}

/// Draws the graph; `title` is the SVG's accessible title.
///
/// Edges with an index out of range are ignored; with no edge left the
/// result is a small SVG saying "No dependencies".
pub fn render_svg(title: &str, nodes: &[GraphNode], edges: &[GraphEdge]) -> String {
    let lay = layout(nodes, edges);
    let id = id_prefix(title, nodes, edges);
    if lay.edges.is_empty() {
        return empty_svg(title, &id);
    }
    let (w, h) = (num(lay.width), num(lay.height));
    let mut s = String::with_capacity(4096 + 300 * lay.edges.len() + 300 * nodes.len());
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="seam-graph" width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-labelledby="{id}-t {id}-d">"#
    );
    let teams = nodes.len();
    let deps = lay.edges.len();
    let _ = write!(
        s,
        "<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{teams} team{}, {deps} dependenc{}. Arrows point from a team to the team it depends on; colour and width are the computed risk; dashed edges are in a cycle.</desc>",
        esc(title),
        if teams == 1 { "" } else { "s" },
        if deps == 1 { "y" } else { "ies" },
    );
    s.push_str(STYLE);
    s.push_str("<defs>");
    for risk in [Risk::Low, Risk::Medium, Risk::High] {
        let r = risk.as_str();
        let _ = write!(
            s,
            r#"<marker id="{id}-a-{r}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path class="arrow arrow-{r}" d="M0,1L10,5L0,9z"/></marker>"#
        );
    }
    s.push_str("</defs>");
    let _ = write!(s, r#"<rect class="bg" width="{w}" height="{h}"/>"#);
    legend(&mut s, &id);

    s.push_str(r#"<g class="edges">"#);
    let mut order: Vec<usize> = (0..lay.edges.len()).collect();
    // Riskier edges are drawn last, on top.
    order.sort_by_key(|&i| (lay.edges[i].risk, lay.edges[i].in_cycle, i));
    for i in order {
        let e = &lay.edges[i];
        let r = e.risk.as_str();
        let cycle = if e.in_cycle { " cycle" } else { "" };
        let _ = write!(
            s,
            // Focusable, so that a keyboard or a tap can show what it needs, not only a hover.
            r#"<path class="edge risk-{r}{cycle}" d="{}" marker-end="url(#{id}-a-{r})" tabindex="0" role="img" aria-label="{}"><title>{}</title></path>"#,
            path_data(e),
            esc(&e.title),
            esc(&e.title)
        );
    }
    s.push_str("</g><g class=\"nodes\">");
    for (node, r) in nodes.iter().zip(&lay.nodes) {
        let class = if node.highlight {
            "node node-focus"
        } else {
            "node"
        };
        let _ = write!(
            s,
            r#"<a href="{}"><g class="{class}"><rect x="{}" y="{}" width="{}" height="{}" rx="{CORNER}"/><text x="{}" y="{}" text-anchor="middle" dy="0.35em">{}</text></g></a>"#,
            esc(&node.url),
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            num(r.x + r.w / 2.0),
            num(r.y + r.h / 2.0),
            esc(&node.label)
        );
    }
    s.push_str("</g></svg>");
    s
}

/// The inline style: colours from the page's custom properties when it has
/// them, with fallbacks (light and dark) so the file also works alone.
const STYLE: &str = concat!(
    "<style>",
    ".seam-graph{--g-bg:var(--bg,#fbfbfa);--g-fg:var(--fg,#1d2127);--g-muted:var(--muted,#5c6570);",
    "--g-panel:var(--panel,#ffffff);--g-accent:var(--accent,#1f5fbf);--g-focus:var(--info-bg,#e8f0fc);",
    "--g-low:var(--low,#1b7f3b);--g-medium:var(--medium,#a16400);--g-high:var(--high,#b42318);",
    "max-width:100%;height:auto;font-family:var(--font,system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif);font-size:13px}",
    "@media (prefers-color-scheme:dark){.seam-graph{--g-bg:var(--bg,#15181c);--g-fg:var(--fg,#e4e7eb);",
    "--g-muted:var(--muted,#9aa4af);--g-panel:var(--panel,#1c2026);--g-accent:var(--accent,#7fb0ff);",
    "--g-focus:var(--info-bg,#1a2a40);--g-low:var(--low,#6fd08c);--g-medium:var(--medium,#f0c060);--g-high:var(--high,#ff8a80)}}",
    ".seam-graph .bg{fill:var(--g-bg)}",
    ".seam-graph .node rect{fill:var(--g-panel);stroke:var(--g-muted);stroke-width:1}",
    ".seam-graph .node text{fill:var(--g-fg)}",
    ".seam-graph .node-focus rect{fill:var(--g-focus);stroke:var(--g-accent);stroke-width:2.5}",
    ".seam-graph .node-focus text{font-weight:600}",
    ".seam-graph a:hover rect,.seam-graph a:focus rect{stroke:var(--g-accent);stroke-width:2.5}",
    ".seam-graph a:focus{outline:none}",
    ".seam-graph a:hover text{text-decoration:underline}",
    // Risk is told by the width of the line as well as its colour.
    ".seam-graph .edge{fill:none;stroke-width:1.2;stroke-opacity:.6}",
    ".seam-graph .risk-medium{stroke-width:2.2;stroke-opacity:.8}",
    ".seam-graph .risk-high{stroke-width:3.4;stroke-opacity:.9}",
    ".seam-graph .cycle{stroke-dasharray:7 4;stroke-opacity:.9}",
    ".seam-graph .edge:hover,.seam-graph .edge:focus{stroke-width:4.5;stroke-opacity:1;outline:none}",
    ".seam-graph .risk-low{stroke:var(--g-low)}",
    ".seam-graph .risk-medium{stroke:var(--g-medium)}",
    ".seam-graph .risk-high{stroke:var(--g-high)}",
    ".seam-graph .arrow-low{fill:var(--g-low)}",
    ".seam-graph .arrow-medium{fill:var(--g-medium)}",
    ".seam-graph .arrow-high{fill:var(--g-high)}",
    ".seam-graph .legend text{fill:var(--g-fg)}",
    ".seam-graph .legend .edge{stroke-opacity:1}",
    ".seam-graph .legend .key-cycle{stroke:var(--g-fg)}",
    "</style>"
);

/// Legend items: (label, classes of the sample line).
const LEGEND: [(&str, &str); 4] = [
    ("low risk (thin)", "key edge risk-low"),
    ("medium risk", "key edge risk-medium"),
    ("high risk (thick)", "key edge risk-high"),
    ("in a cycle", "key edge cycle key-cycle"),
];
const LEGEND_LEAD: &str = "Arrow: depends on. Computed risk:";
const LEGEND_SAMPLE: f64 = 26.0;

fn legend_width() -> f64 {
    let items: f64 = LEGEND
        .iter()
        .map(|(label, _)| LEGEND_SAMPLE + 6.0 + text_width(label) + 18.0)
        .sum();
    text_width(LEGEND_LEAD) + 10.0 + items
}

fn legend(s: &mut String, id: &str) {
    let y = MARGIN + 10.0;
    let _ = write!(
        s,
        r#"<g class="legend" aria-hidden="true"><text x="{}" y="{}" dy="0.35em">{}</text>"#,
        num(MARGIN),
        num(y),
        esc(LEGEND_LEAD)
    );
    let mut x = MARGIN + text_width(LEGEND_LEAD) + 10.0;
    for (i, (label, class)) in LEGEND.iter().enumerate() {
        let marker = match i {
            0 => format!(r#" marker-end="url(#{id}-a-low)""#),
            1 => format!(r#" marker-end="url(#{id}-a-medium)""#),
            2 => format!(r#" marker-end="url(#{id}-a-high)""#),
            _ => String::new(),
        };
        let _ = write!(
            s,
            r#"<path class="{class}" d="M{},{}H{}"{marker}/><text x="{}" y="{}" dy="0.35em">{label}</text>"#,
            num(x),
            num(y),
            num(x + LEGEND_SAMPLE),
            num(x + LEGEND_SAMPLE + 6.0),
            num(y)
        );
        x += LEGEND_SAMPLE + 6.0 + text_width(label) + 18.0;
    }
    s.push_str("</g>");
}

fn empty_svg(title: &str, id: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="seam-graph" width="240" height="56" viewBox="0 0 240 56" aria-labelledby="{id}-t"><title id="{id}-t">{}</title>{STYLE}<rect class="bg" width="240" height="56"/><g class="legend"><text x="120" y="28" dy="0.35em" text-anchor="middle">No dependencies</text></g></svg>"#,
        esc(title)
    );
    s
}

/// The path of one edge: cubic curves between layers, leaving and entering
/// boxes vertically, and straight through the layers it crosses.
fn path_data(e: &Route) -> String {
    let p = &e.points;
    let mut d = String::new();
    let _ = write!(d, "M{},{}", num(p[0].0), num(p[0].1));
    if e.from == e.to {
        let (a, b) = (p[0], p[1]);
        let _ = write!(
            d,
            "C{},{} {},{} {},{}",
            num(a.0 + LOOP_W * 1.3),
            num(a.1 - 14.0),
            num(b.0 + LOOP_W * 1.3),
            num(b.1 + 14.0),
            num(b.0),
            num(b.1)
        );
        return d;
    }
    for (k, w) in p.windows(2).enumerate() {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if k % 2 == 0 {
            let ym = (y0 + y1) / 2.0;
            let _ = write!(
                d,
                "C{},{} {},{} {},{}",
                num(x0),
                num(ym),
                num(x1),
                num(ym),
                num(x1),
                num(y1)
            );
        } else {
            let _ = write!(d, "L{},{}", num(x1), num(y1));
        }
    }
    d
}

/// A number for SVG: one decimal, without a trailing `.0`.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// A short id prefix from the input, so that several graphs inlined in one
/// page do not share marker ids, while the output stays deterministic.
fn id_prefix(title: &str, nodes: &[GraphNode], edges: &[GraphEdge]) -> String {
    let mut h: u32 = 0x811c_9dc5;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    };
    eat(title.as_bytes());
    for n in nodes {
        eat(n.label.as_bytes());
        eat(&[0]);
    }
    eat(&(edges.len() as u64).to_le_bytes());
    format!("sg{h:08x}")
}

/// Estimated width of a label at 13px.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0x1F300..=0x1FAFF).contains(&u)
                || (0x20000..=0x3FFFD).contains(&u)
            {
                WIDE_CHAR_PX
            } else {
                CHAR_PX
            }
        })
        .sum::<f64>()
        * (FONT_PX / 13.0)
}

fn node_width(label: &str) -> f64 {
    (text_width(label) + 2.0 * PAD_X).max(MIN_NODE_W).ceil()
}

/// Parallel dependencies merged into one drawn edge.
struct Merged {
    from: usize,
    to: usize,
    risk: Risk,
    in_cycle: bool,
    title: String,
}

fn merge(n: usize, edges: &[GraphEdge]) -> Vec<Merged> {
    let mut map: BTreeMap<(usize, usize), Merged> = BTreeMap::new();
    for e in edges.iter().filter(|e| e.from < n && e.to < n) {
        map.entry((e.from, e.to))
            .and_modify(|m| {
                m.risk = m.risk.max(e.risk);
                m.in_cycle |= e.in_cycle;
                if !e.title.is_empty() {
                    if !m.title.is_empty() {
                        m.title.push('\n');
                    }
                    m.title.push_str(&e.title);
                }
            })
            .or_insert_with(|| Merged {
                from: e.from,
                to: e.to,
                risk: e.risk,
                in_cycle: e.in_cycle,
                title: e.title.clone(),
            });
    }
    map.into_values().collect()
}

/// Lays the graph out: boxes for the nodes and routes for the merged edges.
pub(crate) fn layout(nodes: &[GraphNode], edges: &[GraphEdge]) -> Layout {
    let n = nodes.len();
    let merged = merge(n, edges);
    let widths: Vec<f64> = nodes.iter().map(|g| node_width(&g.label)).collect();
    let mut self_loop = vec![false; n];

    // Edges between two different nodes, oriented for layering: the upper
    // end first. `reversed` edges break a cycle.
    let links: Vec<(usize, usize)> = merged
        .iter()
        .filter(|m| m.from != m.to)
        .map(|m| (m.from, m.to))
        .collect();
    let rank = acyclic_order(n, &links);
    let mut dag: Vec<(usize, usize)> = Vec::with_capacity(links.len());
    let mut dag_of: Vec<Option<(usize, bool)>> = Vec::with_capacity(merged.len());
    for m in &merged {
        if m.from == m.to {
            self_loop[m.from] = true;
            dag_of.push(None);
        } else if rank[m.from] < rank[m.to] {
            dag_of.push(Some((dag.len(), false)));
            dag.push((m.from, m.to));
        } else {
            dag_of.push(Some((dag.len(), true)));
            dag.push((m.to, m.from));
        }
    }

    let layer = assign_layers(n, &dag, &widths);
    let mut g = Layered::new(n, &layer, &widths, &dag);
    g.order();
    g.coordinates();
    let top = g.layer_tops();

    // Place: shift so that everything starts at the margin, below the legend.
    let mut min_x = f64::INFINITY;
    let mut max_x = f64::NEG_INFINITY;
    for (v, vert) in g.verts.iter().enumerate() {
        min_x = min_x.min(g.x[v] - vert.width / 2.0);
        let extra = if v < n && self_loop[v] { LOOP_W } else { 0.0 };
        max_x = max_x.max(g.x[v] + vert.width / 2.0 + extra);
    }
    if !min_x.is_finite() {
        (min_x, max_x) = (0.0, 0.0);
    }
    // Centred under the legend when that is wider.
    let content_w = max_x - min_x;
    let width = (content_w.max(legend_width()) + 2.0 * MARGIN).ceil();
    let dx = MARGIN - min_x + ((width - 2.0 * MARGIN - content_w) / 2.0).floor();
    let dy = MARGIN + LEGEND_H;
    let rects: Vec<Rect> = (0..n)
        .map(|v| Rect {
            x: g.x[v] - widths[v] / 2.0 + dx,
            y: top[layer[v]] + dy,
            w: widths[v],
            h: NODE_H,
        })
        .collect();
    let ports = g.ports();

    let routes = merged
        .iter()
        .zip(&dag_of)
        .map(|(m, d)| {
            let points = match *d {
                None => {
                    let r = rects[m.from];
                    let cy = r.y + r.h / 2.0;
                    vec![(r.x + r.w, cy - 7.0), (r.x + r.w, cy + 7.0)]
                }
                Some((i, reversed)) => {
                    let mut pts = Vec::with_capacity(2 * g.chains[i].len());
                    for &sg in &g.chains[i] {
                        let (up, lo) = (g.segs[sg].0, g.segs[sg].1);
                        let (xu, xl) = ports[sg];
                        pts.push((xu + dx, top[g.verts[up].layer] + NODE_H + dy));
                        pts.push((xl + dx, top[g.verts[lo].layer] + dy));
                    }
                    if reversed {
                        pts.reverse();
                    }
                    pts
                }
            };
            Route {
                from: m.from,
                to: m.to,
                risk: m.risk,
                in_cycle: m.in_cycle,
                title: m.title.clone(),
                points,
            }
        })
        .collect();

    let content_h = top.last().copied().unwrap_or(0.0) + NODE_H;
    Layout {
        width,
        height: (content_h + dy + MARGIN).ceil(),
        nodes: rects,
        edges: routes,
    }
}

/// An order of the nodes such that few edges point backwards (the greedy
/// heuristic of Eades, Lin and Smyth): sinks go to the end, sources to the
/// front, otherwise the node with most out- minus in-edges to the front.
/// Returns each node's rank; ties go to the lowest index, so it is
/// deterministic.
fn acyclic_order(n: usize, links: &[(usize, usize)]) -> Vec<usize> {
    let mut outs = vec![Vec::new(); n];
    let mut ins = vec![Vec::new(); n];
    for &(a, b) in links {
        outs[a].push(b);
        ins[b].push(a);
    }
    let mut outdeg: Vec<i64> = outs.iter().map(|o| o.len() as i64).collect();
    let mut indeg: Vec<i64> = ins.iter().map(|i| i.len() as i64).collect();
    let mut alive = vec![true; n];
    let (mut front, mut back) = (Vec::with_capacity(n), Vec::new());
    for _ in 0..n {
        let live = || (0..n).filter(|&v| alive[v]);
        let (v, is_sink) = if let Some(v) = live().find(|&v| outdeg[v] == 0) {
            (v, true)
        } else if let Some(v) = live().find(|&v| indeg[v] == 0) {
            (v, false)
        } else {
            let mut best = usize::MAX;
            for v in live() {
                if best == usize::MAX || outdeg[v] - indeg[v] > outdeg[best] - indeg[best] {
                    best = v;
                }
            }
            (best, false)
        };
        alive[v] = false;
        if is_sink {
            back.push(v);
        } else {
            front.push(v);
        }
        for &w in &outs[v] {
            indeg[w] -= 1;
        }
        for &u in &ins[v] {
            outdeg[u] -= 1;
        }
    }
    front.extend(back.into_iter().rev());
    let mut rank = vec![0; n];
    for (i, &v) in front.iter().enumerate() {
        rank[v] = i;
    }
    rank
}

/// Layers for an acyclic graph (`dag` edges point from a lower layer number
/// to a higher one): longest path first, then each node moved within its
/// allowed range to the median of what its edges want, which shortens
/// edges (a cheap stand-in for network simplex), preferring thin layers.
/// Nodes without edges go to the narrowest layers.
fn assign_layers(n: usize, dag: &[(usize, usize)], widths: &[f64]) -> Vec<usize> {
    let mut preds = vec![Vec::new(); n];
    let mut succs = vec![Vec::new(); n];
    for &(a, b) in dag {
        succs[a].push(b);
        preds[b].push(a);
    }
    let linked: Vec<bool> = (0..n)
        .map(|v| !preds[v].is_empty() || !succs[v].is_empty())
        .collect();

    // Topological order (Kahn, FIFO from sources in index order).
    let mut indeg: Vec<usize> = preds.iter().map(Vec::len).collect();
    let mut topo: Vec<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    let mut head = 0;
    while head < topo.len() {
        let v = topo[head];
        head += 1;
        for &w in &succs[v] {
            indeg[w] -= 1;
            if indeg[w] == 0 {
                topo.push(w);
            }
        }
    }
    debug_assert_eq!(topo.len(), n, "layering needs an acyclic graph");

    let mut layer = vec![0usize; n];
    for &v in &topo {
        for &w in &succs[v] {
            layer[w] = layer[w].max(layer[v] + 1);
        }
    }
    let max_layer = layer.iter().copied().max().unwrap_or(0);
    let mut count = vec![0usize; max_layer + 1];
    for v in (0..n).filter(|&v| linked[v]) {
        count[layer[v]] += 1;
    }
    let mut wants = Vec::new();
    for _ in 0..12 {
        let mut changed = false;
        for &v in topo.iter().filter(|&&v| linked[v]) {
            let lo = preds[v].iter().map(|&p| layer[p] + 1).max().unwrap_or(0);
            let hi = succs[v]
                .iter()
                .map(|&s| layer[s] - 1)
                .min()
                .unwrap_or(max_layer);
            if lo >= hi {
                continue;
            }
            wants.clear();
            wants.extend(preds[v].iter().map(|&p| layer[p] + 1));
            wants.extend(succs[v].iter().map(|&s| layer[s] - 1));
            wants.sort_unstable();
            let a = wants[(wants.len() - 1) / 2].clamp(lo, hi);
            let b = wants[wants.len() / 2].clamp(lo, hi);
            let cur = layer[v];
            // Crowding of a layer once `v` is in it; the first least wins,
            // staying put on a tie.
            let crowd = |l: usize| count[l] + usize::from(l != cur);
            let mut best = if (a..=b).contains(&cur) { cur } else { a };
            for l in a..=b {
                if crowd(l) < crowd(best) {
                    best = l;
                }
            }
            if best != cur {
                count[cur] -= 1;
                count[best] += 1;
                layer[v] = best;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    // Drop empty layers.
    let mut used = vec![false; max_layer + 1];
    for v in (0..n).filter(|&v| linked[v]) {
        used[layer[v]] = true;
    }
    let mut remap = vec![0; max_layer + 1];
    let mut layers = 0;
    for l in 0..=max_layer {
        remap[l] = layers;
        if used[l] {
            layers += 1;
        }
    }
    for v in (0..n).filter(|&v| linked[v]) {
        layer[v] = remap[layer[v]];
    }

    let mut layers = layers.max(1);
    let cap = row_cap(widths);
    cap_rows(
        &mut layer,
        &mut layers,
        &preds,
        &succs,
        &linked,
        widths,
        cap,
    );

    // Nodes without edges fill the narrowest layers, or a new one at the
    // bottom when none has room.
    let mut fill = vec![0.0f64; layers];
    for v in (0..n).filter(|&v| linked[v]) {
        fill[layer[v]] += widths[v] + NODE_SEP;
    }
    for &(a, b) in dag {
        for f in &mut fill[layer[a] + 1..layer[b]] {
            *f += DUMMY_SEP;
        }
    }
    for v in (0..n).filter(|&v| !linked[v]) {
        let mut best = 0;
        for l in 1..fill.len() {
            if fill[l] < fill[best] {
                best = l;
            }
        }
        if fill[best] > 0.0 && fill[best] + widths[v] > cap {
            best = fill.len();
            fill.push(0.0);
        }
        layer[v] = best;
        fill[best] += widths[v] + NODE_SEP;
    }
    layer
}

/// How wide a row of boxes may be: [`MAX_ROW_W`], or for large graphs the
/// width of a roughly 3:2 drawing of all boxes, about √(150 · Σ widths).
fn row_cap(widths: &[f64]) -> f64 {
    let total: f64 = widths.iter().map(|w| w + NODE_SEP).sum();
    (150.0 * total).sqrt().max(MAX_ROW_W)
}

/// Keeps the boxes of a layer within `cap` where edges allow: a
/// hub's many neighbours would otherwise make one very wide row. Nodes move
/// to the next layer up or down when their edges leave room (the move that
/// lengthens edges least first); when none can, the layer is split into
/// even rows by inserting empty layers above it, into which any of its
/// nodes can move. Layers are handled from the top.
fn cap_rows(
    layer: &mut [usize],
    layers: &mut usize,
    preds: &[Vec<usize>],
    succs: &[Vec<usize>],
    linked: &[bool],
    widths: &[f64],
    cap: f64,
) {
    let n = layer.len();
    let mut row = vec![0.0f64; *layers];
    let mut count = vec![0usize; *layers];
    for v in (0..n).filter(|&v| linked[v]) {
        row[layer[v]] += widths[v] + NODE_SEP;
        count[layer[v]] += 1;
    }
    let mut l = 0;
    let mut steps = 0;
    while l < *layers && steps < 4 * n + 16 {
        steps += 1;
        if row[l] <= cap || count[l] <= 1 {
            l += 1;
            continue;
        }
        // (edges made longer, node, target layer)
        let mut best: Option<(i64, usize, usize)> = None;
        for v in (0..n).filter(|&v| linked[v] && layer[v] == l) {
            let room = |t: usize| count[t] == 0 || row[t] + widths[v] + NODE_SEP <= cap;
            let (ins, outs) = (preds[v].len() as i64, succs[v].len() as i64);
            if l > 0 && preds[v].iter().all(|&p| layer[p] + 2 <= l) && room(l - 1) {
                let cost = outs - ins;
                if best.is_none_or(|b| cost < b.0) {
                    best = Some((cost, v, l - 1));
                }
            }
            if l + 1 < *layers && succs[v].iter().all(|&s| layer[s] >= l + 2) && room(l + 1) {
                let cost = ins - outs;
                if best.is_none_or(|b| cost < b.0) {
                    best = Some((cost, v, l + 1));
                }
            }
        }
        match best {
            Some((_, v, t)) => {
                row[l] -= widths[v] + NODE_SEP;
                count[l] -= 1;
                row[t] += widths[v] + NODE_SEP;
                count[t] += 1;
                layer[v] = t;
            }
            None => {
                // Split into `k` even rows: `k - 1` new layers above, into
                // which any node of this one can move.
                let k = ((row[l] / cap).ceil() as usize).clamp(2, count[l]);
                let per = row[l] / k as f64;
                for x in layer.iter_mut().filter(|x| **x >= l) {
                    *x += k - 1;
                }
                for _ in 1..k {
                    row.insert(l, 0.0);
                    count.insert(l, 0);
                }
                *layers += k - 1;
                let wide = l + k - 1;
                let mut movers: Vec<usize> =
                    (0..n).filter(|&v| linked[v] && layer[v] == wide).collect();
                movers.sort_by_key(|&v| (succs[v].len() as i64 - preds[v].len() as i64, v));
                let mut t = l;
                for v in movers {
                    if t == wide {
                        break;
                    }
                    let w = widths[v] + NODE_SEP;
                    if count[t] > 0 && row[t] + w / 2.0 > per {
                        t += 1;
                        if t == wide {
                            break;
                        }
                    }
                    row[wide] -= w;
                    count[wide] -= 1;
                    row[t] += w;
                    count[t] += 1;
                    layer[v] = t;
                }
            }
        }
    }
    // Moves may have emptied a layer.
    let mut remap = vec![usize::MAX; *layers];
    let mut next = 0;
    for (t, &c) in count.iter().enumerate() {
        if c > 0 {
            remap[t] = next;
            next += 1;
        }
    }
    if next > 0 && next < *layers {
        for v in (0..n).filter(|&v| linked[v]) {
            layer[v] = remap[layer[v]];
        }
        *layers = next;
    }
}

/// A vertex of the layered graph: a node, or a virtual node where an edge
/// crosses a layer.
struct Vert {
    layer: usize,
    width: f64,
    real: bool,
}

/// The proper layered graph: every segment joins adjacent layers.
struct Layered {
    verts: Vec<Vert>,
    /// Segments (upper vertex, lower vertex).
    segs: Vec<(usize, usize)>,
    /// Per dag edge, its segments from top to bottom.
    chains: Vec<Vec<usize>>,
    /// Per vertex, segment indexes going up and down.
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    layers: Vec<Vec<usize>>,
    pos: Vec<usize>,
    x: Vec<f64>,
}

impl Layered {
    fn new(n: usize, layer: &[usize], widths: &[f64], dag: &[(usize, usize)]) -> Self {
        let mut verts: Vec<Vert> = (0..n)
            .map(|v| Vert {
                layer: layer[v],
                width: widths[v],
                real: true,
            })
            .collect();
        let mut segs = Vec::new();
        let mut chains = Vec::with_capacity(dag.len());
        for &(a, b) in dag {
            let mut chain = Vec::with_capacity(layer[b] - layer[a]);
            let mut prev = a;
            for l in layer[a] + 1..layer[b] {
                let d = verts.len();
                verts.push(Vert {
                    layer: l,
                    width: 0.0,
                    real: false,
                });
                chain.push(segs.len());
                segs.push((prev, d));
                prev = d;
            }
            chain.push(segs.len());
            segs.push((prev, b));
            chains.push(chain);
        }
        let nv = verts.len();
        let mut up = vec![Vec::new(); nv];
        let mut down = vec![Vec::new(); nv];
        for (i, &(u, l)) in segs.iter().enumerate() {
            down[u].push(i);
            up[l].push(i);
        }
        let nl = verts.iter().map(|v| v.layer + 1).max().unwrap_or(1);
        let mut g = Layered {
            verts,
            segs,
            chains,
            up,
            down,
            layers: vec![Vec::new(); nl],
            pos: vec![0; nv],
            x: vec![0.0; nv],
        };
        g.initial_order();
        g
    }

    /// Depth-first from the top, so that connected vertices start close.
    fn initial_order(&mut self) {
        let nv = self.verts.len();
        let mut seen = vec![false; nv];
        let mut starts: Vec<usize> = (0..nv).collect();
        starts.sort_by_key(|&v| (self.verts[v].layer, v));
        let mut stack = Vec::new();
        for s in starts {
            if seen[s] {
                continue;
            }
            stack.push(s);
            seen[s] = true;
            while let Some(v) = stack.pop() {
                self.pos[v] = self.layers[self.verts[v].layer].len();
                self.layers[self.verts[v].layer].push(v);
                for &sg in self.down[v].iter().rev() {
                    let w = self.segs[sg].1;
                    if !seen[w] {
                        seen[w] = true;
                        stack.push(w);
                    }
                }
            }
        }
    }

    fn neighbour(&self, sg: usize, downward: bool) -> usize {
        if downward {
            self.segs[sg].1
        } else {
            self.segs[sg].0
        }
    }

    /// Reorders layer `l` by the median position of its neighbours in the
    /// layer above (`from_above`) or below (the median gave about 5% fewer
    /// crossings than the barycentre on the 60-team samples). Vertices with
    /// no such neighbour stay where they are, or with `centre` (if they have
    /// neighbours on the other side) go half to each end.
    fn sweep_layer(&mut self, l: usize, from_above: bool, centre: bool) {
        let layer = std::mem::take(&mut self.layers[l]);
        let mut keyed: Vec<(f64, usize)> = Vec::with_capacity(layer.len());
        let mut fixed = vec![false; layer.len()];
        let mut ps = Vec::new();
        let mut loose = Vec::new();
        let mut dead_ends = 0;
        for (i, &v) in layer.iter().enumerate() {
            let segs = if from_above {
                &self.up[v]
            } else {
                &self.down[v]
            };
            if segs.is_empty() {
                let other = if from_above {
                    &self.down[v]
                } else {
                    &self.up[v]
                };
                if other.is_empty() || !centre {
                    fixed[i] = true;
                } else {
                    loose.push(i);
                }
                continue;
            }
            ps.clear();
            ps.extend(
                segs.iter()
                    .map(|&sg| self.pos[self.neighbour(sg, !from_above)]),
            );
            ps.sort_unstable();
            let m = ps.len();
            let mut key = (ps[(m - 1) / 2] + ps[m / 2]) as f64 / 2.0;
            // Dead ends (nothing on the other side) alternate a little left
            // and right of their median, so that edges sharing it pass
            // between them rather than beside them.
            let other = if from_above {
                &self.down[v]
            } else {
                &self.up[v]
            };
            if centre && other.is_empty() {
                key += if dead_ends % 2 == 0 { -0.25 } else { 0.25 };
                dead_ends += 1;
            }
            keyed.push((key, i));
        }
        // Half to the left end, half to the right end, so that what passes
        // through the layer runs down its middle.
        let fixed_len = match (from_above, l) {
            (true, 0) => 0,
            (true, _) => self.layers[l - 1].len(),
            (false, _) => self.layers.get(l + 1).map_or(0, Vec::len),
        };
        let half = loose.len() / 2;
        for (k, &i) in loose.iter().enumerate() {
            let key = if k < half {
                -0.5
            } else {
                fixed_len as f64 - 0.5
            };
            keyed.push((key, i));
        }
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut next = keyed.into_iter();
        let mut out = Vec::with_capacity(layer.len());
        for (i, &v) in layer.iter().enumerate() {
            if fixed[i] {
                out.push(v);
            } else if let Some((_, j)) = next.next() {
                out.push(layer[j]);
            }
        }
        for (i, &v) in out.iter().enumerate() {
            self.pos[v] = i;
        }
        self.layers[l] = out;
    }

    /// Crossings between layer `l` and the next, by counting inversions
    /// with a Fenwick tree.
    fn crossings_below(
        &self,
        l: usize,
        pairs: &mut Vec<(usize, usize)>,
        tree: &mut Vec<u32>,
    ) -> u64 {
        pairs.clear();
        for &u in &self.layers[l] {
            for &sg in &self.down[u] {
                pairs.push((self.pos[u], self.pos[self.segs[sg].1]));
            }
        }
        pairs.sort_unstable();
        let size = self.layers.get(l + 1).map_or(0, Vec::len) + 1;
        tree.clear();
        tree.resize(size + 1, 0);
        let mut crossings = 0u64;
        for (inserted, &(_, q)) in pairs.iter().enumerate() {
            // Count inserted entries <= q.
            let mut i = q + 1;
            let mut le = 0u64;
            while i > 0 {
                le += u64::from(tree[i]);
                i &= i - 1;
            }
            crossings += inserted as u64 - le;
            let mut i = q + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
        crossings
    }

    fn crossings(&self) -> u64 {
        let (mut pairs, mut tree) = (Vec::new(), Vec::new());
        (0..self.layers.len().saturating_sub(1))
            .map(|l| self.crossings_below(l, &mut pairs, &mut tree))
            .sum()
    }

    /// Crossings among the segments of `a` and `b` (neighbours in a layer)
    /// if `a` stays left of `b`, on both sides.
    fn pair_crossings(&self, a: usize, b: usize) -> u64 {
        let mut c = 0;
        for downward in [false, true] {
            let (sa, sb) = if downward {
                (&self.down[a], &self.down[b])
            } else {
                (&self.up[a], &self.up[b])
            };
            for &x in sa {
                let px = self.pos[self.neighbour(x, downward)];
                for &y in sb {
                    if px > self.pos[self.neighbour(y, downward)] {
                        c += 1;
                    }
                }
            }
        }
        c
    }

    /// Swaps neighbours in a layer while that removes crossings.
    fn transpose(&mut self) {
        for _ in 0..4 {
            let mut improved = false;
            for l in 0..self.layers.len() {
                for i in 1..self.layers[l].len() {
                    let (a, b) = (self.layers[l][i - 1], self.layers[l][i]);
                    if self.pair_crossings(b, a) < self.pair_crossings(a, b) {
                        self.layers[l].swap(i - 1, i);
                        self.pos[a] = i;
                        self.pos[b] = i - 1;
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Crossing reduction: median sweeps down and up, with adjacent
    /// swaps, keeping the best order seen. Twice while the graph is modest:
    /// with vertices that have no neighbour on the side being swept kept in
    /// place, and with them sent to both ends of their layer (so the rows of
    /// a hub's many neighbours stand either side of the edges passing down
    /// the middle); the order with fewer crossings wins, the second on a
    /// tie.
    fn order(&mut self) {
        let small = self.segs.len() <= 20_000;
        if !small {
            self.order_from_start(false);
            return;
        }
        let start = self.layers.clone();
        let (kept, kept_layers) = (self.order_from_start(false), self.layers.clone());
        self.layers = start;
        self.set_positions();
        if self.order_from_start(true) > kept {
            self.layers = kept_layers;
            self.set_positions();
        }
    }

    fn set_positions(&mut self) {
        for layer in &self.layers {
            for (i, &v) in layer.iter().enumerate() {
                self.pos[v] = i;
            }
        }
    }

    /// One run of [`Self::order`]; returns its crossings.
    fn order_from_start(&mut self, centre: bool) -> u64 {
        let nl = self.layers.len();
        for l in 1..nl {
            self.sweep_layer(l, true, centre);
        }
        let mut best = self.crossings();
        let mut best_layers = self.layers.clone();
        let mut stale = 0;
        // Adjacent swaps cost degree², so only while the graph is modest.
        let transpose = self.segs.len() <= 20_000;
        for _ in 0..ORDER_SWEEPS {
            if best == 0 {
                break;
            }
            for l in (0..nl.saturating_sub(1)).rev() {
                self.sweep_layer(l, false, centre);
            }
            for l in 1..nl {
                self.sweep_layer(l, true, centre);
            }
            if transpose {
                self.transpose();
            }
            let c = self.crossings();
            if c < best {
                best = c;
                best_layers = self.layers.clone();
                stale = 0;
            } else {
                stale += 1;
                if stale >= 3 {
                    break;
                }
            }
        }
        self.layers = best_layers;
        self.set_positions();
        best
    }

    /// Least distance between the centres of two neighbours in a layer.
    fn sep(&self, a: usize, b: usize) -> f64 {
        let (va, vb) = (&self.verts[a], &self.verts[b]);
        let gap = match (va.real, vb.real) {
            (true, true) => NODE_SEP,
            (false, false) => DUMMY_DUMMY_SEP,
            _ => DUMMY_SEP,
        };
        (va.width + vb.width) / 2.0 + gap
    }

    /// How strongly a segment pulls its ends into line: long edges (through
    /// virtual nodes) are kept straight, as in Graphviz.
    fn seg_weight(&self, sg: usize) -> f64 {
        let (u, l) = self.segs[sg];
        match (self.verts[u].real, self.verts[l].real) {
            (true, true) => 1.0,
            (false, false) => 8.0,
            _ => 2.0,
        }
    }

    /// Horizontal coordinates: start packed, then repeatedly move each layer
    /// to the weighted mean of its neighbours, solved exactly under the
    /// order and spacing constraints (isotonic regression by pooling
    /// adjacent violators). This is block coordinate descent on
    /// Σ weight·(x_upper − x_lower)², so it only ever improves; it stops
    /// when nothing moves by more than a tenth of a pixel.
    fn coordinates(&mut self) {
        let nv = self.verts.len();
        // Neighbours with weights, flattened; and each vertex's least
        // distance from its left neighbour (the order is fixed now).
        let mut start = Vec::with_capacity(nv + 1);
        let mut adj: Vec<(usize, f64)> = Vec::with_capacity(2 * self.segs.len());
        for v in 0..nv {
            start.push(adj.len());
            for &sg in self.up[v].iter().chain(&self.down[v]) {
                let (a, b) = self.segs[sg];
                adj.push((if a == v { b } else { a }, self.seg_weight(sg)));
            }
        }
        start.push(adj.len());
        let mut gap = vec![0.0; nv];
        for layer in &self.layers {
            let mut x = 0.0;
            for i in 0..layer.len() {
                if i > 0 {
                    gap[layer[i]] = self.sep(layer[i - 1], layer[i]);
                    x += gap[layer[i]];
                }
                self.x[layer[i]] = x;
            }
            for &v in layer {
                self.x[v] -= x / 2.0;
            }
        }
        let nl = self.layers.len();
        let mut target: Vec<(f64, f64)> = Vec::new();
        let mut offset = Vec::new();
        let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
        for round in 0..COORD_ROUNDS {
            let mut moved = 0.0f64;
            for k in 0..nl {
                let l = if round % 2 == 0 { k } else { nl - 1 - k };
                let layer = &self.layers[l];
                // Desired positions, less the cumulative separation so that
                // the constraint becomes "non-decreasing".
                target.clear();
                offset.clear();
                let mut off = 0.0;
                for &v in layer {
                    off += gap[v];
                    let (mut sw, mut swx) = (0.0, 0.0);
                    for &(w, weight) in &adj[start[v]..start[v + 1]] {
                        sw += weight;
                        swx += weight * self.x[w];
                    }
                    if sw == 0.0 {
                        (sw, swx) = (1e-3, 1e-3 * self.x[v]);
                    }
                    target.push((swx / sw - off, sw));
                    offset.push(off);
                }
                blocks.clear();
                for &(t, w) in &target {
                    // (weight, weighted sum, count)
                    blocks.push((w, w * t, 1));
                    while blocks.len() > 1 {
                        let (w2, s2, c2) = blocks[blocks.len() - 1];
                        let (w1, s1, c1) = blocks[blocks.len() - 2];
                        if s1 / w1 < s2 / w2 {
                            break;
                        }
                        blocks.pop();
                        let last = blocks.len() - 1;
                        blocks[last] = (w1 + w2, s1 + s2, c1 + c2);
                    }
                }
                let mut i = 0;
                for &(w, s, c) in &blocks {
                    for _ in 0..c {
                        let x = s / w + offset[i];
                        moved = moved.max((x - self.x[layer[i]]).abs());
                        self.x[layer[i]] = x;
                        i += 1;
                    }
                }
            }
            if moved < 0.1 {
                break;
            }
        }
    }

    /// The top of each layer (before the final shift): the gap below a
    /// layer grows with how far its edges travel sideways.
    fn layer_tops(&self) -> Vec<f64> {
        let nl = self.layers.len();
        let mut reach = vec![0.0f64; nl];
        for &(u, l) in &self.segs {
            let layer = self.verts[u].layer;
            reach[layer] = reach[layer].max((self.x[u] - self.x[l]).abs());
        }
        let mut tops = Vec::with_capacity(nl);
        let mut y = 0.0;
        for r in reach {
            tops.push(y);
            y += NODE_H + (36.0 + 0.12 * r).clamp(MIN_LAYER_GAP, MAX_LAYER_GAP);
        }
        tops
    }

    /// Where each segment leaves its upper vertex and enters its lower one
    /// (before the final shift): ends spread along a box's side in the order
    /// of the vertices they go to, so edges leave without crossing.
    fn ports(&self) -> Vec<(f64, f64)> {
        let mut ports: Vec<(f64, f64)> = self
            .segs
            .iter()
            .map(|&(u, l)| (self.x[u], self.x[l]))
            .collect();
        let mut sorted = Vec::new();
        for (v, vert) in self.verts.iter().enumerate().filter(|(_, v)| v.real) {
            for downward in [true, false] {
                let segs = if downward { &self.down[v] } else { &self.up[v] };
                let m = segs.len();
                if m < 2 {
                    continue;
                }
                sorted.clear();
                sorted.extend(segs.iter().map(|&sg| {
                    let other = self.neighbour(sg, downward);
                    (self.x[other], sg)
                }));
                sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let step = PORT_SEP.min((vert.width - 2.0 * CORNER - 4.0) / (m - 1) as f64);
                for (k, &(_, sg)) in sorted.iter().enumerate() {
                    let x = self.x[v] + (k as f64 - (m - 1) as f64 / 2.0) * step;
                    if downward {
                        ports[sg].0 = x;
                    } else {
                        ports[sg].1 = x;
                    }
                }
            }
        }
        ports
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    const TEAMS: [&str; 60] = [
        "Catalogue & Search",
        "Payments Platform",
        "Checkout",
        "Identity & Access",
        "Mobile App (iOS)",
        "Mobile App (Android)",
        "Web Storefront",
        "Recommendations",
        "Data Platform",
        "Developer Experience",
        "Site Reliability",
        "Observability",
        "Networking & Edge",
        "Kubernetes Platform",
        "Security Engineering",
        "Fraud Detection",
        "Order Management",
        "Fulfilment & Logistics",
        "Warehouse Systems",
        "Returns & Refunds",
        "Customer Support Tools",
        "Notifications",
        "Messaging Infrastructure",
        "Billing",
        "Subscriptions",
        "Pricing & Promotions",
        "Loyalty Programme",
        "Marketing Technology",
        "Experimentation Platform",
        "Analytics Engineering",
        "Machine Learning Platform",
        "Search Relevance",
        "Content Management",
        "Localisation",
        "Accessibility Guild",
        "Design System",
        "Partner Integrations",
        "Marketplace Sellers",
        "Seller Onboarding",
        "Tax & Compliance",
        "Finance Systems",
        "Internal Tools",
        "CI/CD Pipelines",
        "Release Engineering",
        "Storage & Databases",
        "Streaming Platform",
        "API Gateway",
        "Service Mesh",
        "Cost Optimisation",
        "Privacy Engineering",
        "Inventory",
        "Product Information",
        "Media & Images",
        "Reviews & Ratings",
        "Wishlist & Lists",
        "Gift Cards",
        "Delivery Promise",
        "Maps & Geo",
        "Store Operations",
        "Corporate IT",
    ];

    fn node(label: &str) -> GraphNode {
        GraphNode {
            label: label.to_string(),
            url: format!("/teams/{}/", label.to_lowercase().replace(' ', "-")),
            highlight: false,
        }
    }

    fn edge(from: usize, to: usize, risk: Risk) -> GraphEdge {
        GraphEdge {
            from,
            to,
            risk,
            title: format!("{from} needs {to}"),
            in_cycle: false,
        }
    }

    /// `n` teams and `m` dependencies, mostly from product teams (low
    /// indexes) towards platform teams, with some back edges that make
    /// cycles; `in_cycle` is set from the real cycles.
    #[test]
    fn a_cached_graph_is_the_same_drawing_and_is_not_laid_out_again() {
        let cache = GraphCache::default();
        let (nodes, edges) = org(40, 120, 7);
        let first = cache.render("Org", &nodes, &edges);
        assert_eq!(&*first, render_svg("Org", &nodes, &edges));
        assert_eq!(cache.laid_out(), 1);
        // The next build with the same teams and dependencies reuses the drawing.
        cache.next_build();
        let again = cache.render("Org", &nodes, &edges);
        assert!(std::sync::Arc::ptr_eq(&first, &again));
        assert_eq!(cache.laid_out(), 1);
        // A changed dependency is a new input.
        let mut changed = edges.clone();
        changed[0].risk = if changed[0].risk == Risk::High {
            Risk::Low
        } else {
            Risk::High
        };
        let other = cache.render("Org", &nodes, &changed);
        assert_eq!(&*other, render_svg("Org", &nodes, &changed));
        assert_eq!(cache.laid_out(), 2);
        // Two builds later, a drawing no build asked for is gone.
        cache.next_build();
        cache.next_build();
        cache.render("Org", &nodes, &edges);
        assert_eq!(cache.laid_out(), 3);
    }

    fn org(n: usize, m: usize, seed: u64) -> (Vec<GraphNode>, Vec<GraphEdge>) {
        let nodes: Vec<GraphNode> = (0..n)
            .map(|i| {
                if n <= TEAMS.len() {
                    node(TEAMS[i])
                } else {
                    node(&format!("{} {}", TEAMS[i % TEAMS.len()], i / TEAMS.len()))
                }
            })
            .collect();
        // A permutation, so the input order is not the tier order.
        let mut perm: Vec<usize> = (0..n).collect();
        let mut rng = Rng(seed);
        for i in (1..n).rev() {
            perm.swap(i, rng.below(i + 1));
        }
        // Five tiers, product teams first and infrastructure last: most
        // dependencies go to a later tier, some within a tier, a few back
        // (which makes cycles).
        let tier = |i: usize| i * 5 / n;
        let tier_end = |t: usize| ((t + 1) * n).div_ceil(5).min(n);
        let mut seen = std::collections::BTreeSet::new();
        let mut edges = Vec::new();
        while edges.len() < m {
            let a = rng.below(n);
            let b = match rng.below(40) {
                0 => a.saturating_sub(1 + rng.below(6)),
                1..=8 => a + 1 + rng.below(tier_end(tier(a)).saturating_sub(a + 1).max(1)),
                _ => {
                    let start = tier_end(tier(a));
                    if start >= n {
                        continue;
                    }
                    start + rng.below(n - start)
                }
            };
            if a == b || b >= n || !seen.insert((a, b)) {
                continue;
            }
            let risk = match rng.below(10) {
                0..=5 => Risk::Low,
                6..=8 => Risk::Medium,
                _ => Risk::High,
            };
            edges.push(edge(perm[a], perm[b], risk));
        }
        mark_cycles(n, &mut edges);
        (nodes, edges)
    }

    /// Marks edges whose ends are in the same strongly connected component
    /// (`from` is reachable from `to`).
    fn mark_cycles(n: usize, edges: &mut [GraphEdge]) {
        let mut outs = vec![Vec::new(); n];
        for e in edges.iter() {
            outs[e.from].push(e.to);
        }
        let reach: Vec<Vec<bool>> = (0..n)
            .map(|s| {
                let mut seen = vec![false; n];
                let mut stack = vec![s];
                while let Some(v) = stack.pop() {
                    for &w in &outs[v] {
                        if !seen[w] {
                            seen[w] = true;
                            stack.push(w);
                        }
                    }
                }
                seen
            })
            .collect();
        for e in edges.iter_mut() {
            e.in_cycle = reach[e.to][e.from] || e.from == e.to;
        }
    }

    fn overlaps(a: &Rect, b: &Rect) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    fn on_boundary(r: &Rect, p: (f64, f64)) -> bool {
        let eps = 0.01;
        let inside_x = p.0 >= r.x - eps && p.0 <= r.x + r.w + eps;
        let inside_y = p.1 >= r.y - eps && p.1 <= r.y + r.h + eps;
        let on_h = ((p.1 - r.y).abs() < eps || (p.1 - r.y - r.h).abs() < eps) && inside_x;
        let on_v = ((p.0 - r.x).abs() < eps || (p.0 - r.x - r.w).abs() < eps) && inside_y;
        on_h || on_v
    }

    fn check_layout(nodes: &[GraphNode], lay: &Layout) {
        assert_eq!(lay.nodes.len(), nodes.len());
        for (i, a) in lay.nodes.iter().enumerate() {
            // The label fits its box.
            assert!(a.w >= text_width(&nodes[i].label) + 2.0 * PAD_X - 0.01);
            assert!(a.x >= 0.0 && a.y >= 0.0);
            assert!(a.x + a.w <= lay.width && a.y + a.h <= lay.height);
            for b in &lay.nodes[i + 1..] {
                assert!(!overlaps(a, b), "{a:?} overlaps {b:?}");
            }
        }
        for e in &lay.edges {
            let (first, last) = (e.points[0], *e.points.last().unwrap());
            assert!(on_boundary(&lay.nodes[e.from], first), "{e:?}");
            assert!(on_boundary(&lay.nodes[e.to], last), "{e:?}");
            for p in &e.points {
                assert!(p.0 >= 0.0 && p.0 <= lay.width && p.1 >= 0.0 && p.1 <= lay.height);
            }
            // Through a layer, an edge goes straight down (or up) and clear
            // of every box.
            for (k, w) in e.points.windows(2).enumerate() {
                if k % 2 == 1 {
                    assert_eq!(w[0].0, w[1].0);
                    for r in &lay.nodes {
                        let mid = (w[0].1 + w[1].1) / 2.0;
                        let inside =
                            w[0].0 > r.x && w[0].0 < r.x + r.w && mid > r.y && mid < r.y + r.h;
                        assert!(!inside, "{e:?} crosses {r:?}");
                    }
                }
            }
        }
    }

    /// Well-formed XML, with a real parser; returns the text of every
    /// `<title>`, unescaped.
    fn parse(svg: &str) -> Vec<String> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(svg);
        let mut depth = 0i64;
        let mut titles = Vec::new();
        let mut in_title = false;
        let mut roots = 0;
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => {
                    if depth == 0 {
                        roots += 1;
                    }
                    depth += 1;
                    for a in e.attributes() {
                        a.expect("attribute")
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .expect("escaped value");
                    }
                    if e.name().as_ref() == "title" {
                        in_title = true;
                        titles.push(String::new());
                    }
                }
                Event::Empty(e) => {
                    for a in e.attributes() {
                        a.expect("attribute")
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .expect("escaped value");
                    }
                }
                Event::End(e) => {
                    depth -= 1;
                    if e.name().as_ref() == "title" {
                        in_title = false;
                    }
                }
                Event::Text(t) if in_title => {
                    titles.last_mut().unwrap().push_str(&t.xml10_content());
                }
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref().expect("char ref") {
                        Some(c) => c.to_string(),
                        None => match &*r.into_inner() {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            other => panic!("unknown entity {other}"),
                        },
                    };
                    if in_title {
                        titles.last_mut().unwrap().push_str(&c);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(depth, 0);
        assert_eq!(roots, 1);
        titles
    }

    #[test]
    fn deterministic() {
        let (nodes, edges) = org(40, 150, 7);
        let a = render_svg("Teams", &nodes, &edges);
        let b = render_svg("Teams", &nodes, &edges);
        assert_eq!(a, b);
        assert_eq!(layout(&nodes, &edges), layout(&nodes, &edges));
    }

    #[test]
    fn escapes_everything() {
        let nodes = vec![
            GraphNode {
                label: "R&D <\"core\"> 'x'".into(),
                url: "/teams/r&d/?a=1&b=\"2\"".into(),
                highlight: true,
            },
            node("Ops\u{1}"),
        ];
        let edges = vec![GraphEdge {
            from: 0,
            to: 1,
            risk: Risk::High,
            title: "needs <API> & \"data\"".into(),
            in_cycle: false,
        }];
        let svg = render_svg("Graph <of> & \"teams\"", &nodes, &edges);
        assert!(svg.contains("R&amp;D &lt;&quot;core&quot;&gt; &#39;x&#39;"));
        assert!(svg.contains(r#"href="/teams/r&amp;d/?a=1&amp;b=&quot;2&quot;""#));
        assert!(!svg.contains('\u{1}'));
        assert!(svg.contains(r#"class="node node-focus""#));
        let titles = parse(&svg);
        assert_eq!(titles[0], "Graph <of> & \"teams\"");
        assert!(titles.contains(&"needs <API> & \"data\"".to_string()));
    }

    #[test]
    fn empty_graph_says_so() {
        for svg in [
            render_svg("Nothing", &[], &[]),
            render_svg("Alone", &[node("Solo")], &[]),
            render_svg("Broken", &[node("Solo")], &[edge(0, 5, Risk::Low)]),
        ] {
            assert!(svg.contains("No dependencies"));
            parse(&svg);
        }
    }

    #[test]
    fn cycles_terminate_and_are_drawn() {
        let nodes: Vec<GraphNode> = ["A", "B", "C", "D"].into_iter().map(node).collect();
        let mut edges = vec![
            edge(0, 1, Risk::Low),
            edge(1, 2, Risk::Medium),
            edge(2, 0, Risk::High),
            edge(2, 3, Risk::Low),
            edge(3, 2, Risk::Low),
            edge(3, 3, Risk::Low),
        ];
        mark_cycles(4, &mut edges);
        assert!(edges.iter().all(|e| e.in_cycle));
        let lay = layout(&nodes, &edges);
        check_layout(&nodes, &lay);
        assert_eq!(lay.edges.len(), 6);
        let svg = render_svg("Cycle", &nodes, &edges);
        assert_eq!(svg.matches(r#"class="edge risk-high cycle""#).count(), 1);
        assert_eq!(svg.matches(" cycle\"").count(), 6);
        assert_eq!(parse(&svg).len(), 7);
    }

    #[test]
    fn parallel_edges_are_merged() {
        let nodes = vec![node("A"), node("B")];
        let mut a = edge(0, 1, Risk::Low);
        a.title = "first".into();
        let mut b = edge(0, 1, Risk::High);
        b.title = "second".into();
        let edges = [a, b];
        let lay = layout(&nodes, &edges);
        assert_eq!(lay.edges.len(), 1);
        assert_eq!(lay.edges[0].risk, Risk::High);
        let svg = render_svg("Parallel", &nodes, &edges);
        assert_eq!(svg.matches("<path class=\"edge ").count(), 1);
        assert!(svg.contains(r#"class="edge risk-high""#));
        assert!(parse(&svg).contains(&"first\nsecond".to_string()));
    }

    #[test]
    fn sixty_teams_do_not_overlap() {
        for seed in [1, 2, 3, 42] {
            let (nodes, edges) = org(60, 300, seed);
            assert!(edges.iter().any(|e| e.in_cycle));
            let lay = layout(&nodes, &edges);
            check_layout(&nodes, &lay);
            let svg = render_svg("Teams", &nodes, &edges);
            parse(&svg);
            assert_eq!(svg.matches("<g class=\"node\">").count(), 60);
            assert!(svg.contains(&format!(r#"width="{}""#, num(lay.width))));
        }
    }

    #[test]
    fn isolated_and_highlighted_nodes() {
        let mut nodes: Vec<GraphNode> = ["A", "B", "C", "Lonely team"]
            .into_iter()
            .map(node)
            .collect();
        nodes[1].highlight = true;
        let edges = vec![edge(0, 1, Risk::Low), edge(1, 2, Risk::Medium)];
        let lay = layout(&nodes, &edges);
        check_layout(&nodes, &lay);
        // A sits above B, B above C.
        assert!(lay.nodes[0].y < lay.nodes[1].y && lay.nodes[1].y < lay.nodes[2].y);
        let svg = render_svg("Neighbourhood", &nodes, &edges);
        assert_eq!(svg.matches("node node-focus").count(), 1);
    }

    #[test]
    fn a_hub_neighbourhood_wraps_into_rows() {
        // 30 teams depend on one, which depends on 12: without a cap on row
        // width that is a 5,000 px wide row.
        let mut nodes = vec![node("Identity & Access")];
        nodes[0].highlight = true;
        nodes.extend(
            TEAMS
                .iter()
                .filter(|t| !t.starts_with("Identity"))
                .take(42)
                .map(|t| node(t)),
        );
        let mut edges: Vec<GraphEdge> = (1..31).map(|i| edge(i, 0, Risk::Low)).collect();
        edges.extend((31..43).map(|i| edge(0, i, Risk::Medium)));
        let lay = layout(&nodes, &edges);
        check_layout(&nodes, &lay);
        assert!(lay.width < 1400.0, "{}", lay.width);
        // Dependents above the hub, its dependencies below.
        for e in &lay.edges {
            assert!(lay.nodes[e.from].y < lay.nodes[e.to].y);
        }
    }

    #[test]
    fn timing() {
        for (n, m, rounds) in [(60, 300, 5), (500, 2000, 1)] {
            let (nodes, edges) = org(n, m, 99);
            let start = std::time::Instant::now();
            let mut len = 0;
            for _ in 0..rounds {
                len = render_svg("Teams", &nodes, &edges).len();
            }
            let each = start.elapsed() / rounds;
            println!("graph {n} nodes / {m} edges: {each:?} per render, {len} bytes");
        }
        // Uniformly random too: the worst case for long edges.
        let nodes: Vec<GraphNode> = (0..500)
            .map(|i| node(&format!("Team number {i}")))
            .collect();
        let mut rng = Rng(5);
        let edges: Vec<GraphEdge> = (0..2000)
            .map(|_| edge(rng.below(500), rng.below(500), Risk::Low))
            .collect();
        let start = std::time::Instant::now();
        let lay = layout(&nodes, &edges);
        println!("graph 500 / 2000 uniform: {:?}", start.elapsed());
        check_layout(&nodes, &lay);
    }

    /// Writes /tmp/graph60.svg, /tmp/graph10.svg and /tmp/graph-hub.svg to
    /// look at in a browser.
    #[test]
    #[ignore]
    fn write_samples() {
        let (nodes, edges) = org(60, 300, 3);
        std::fs::write(
            "/tmp/graph60.svg",
            render_svg("Team dependencies", &nodes, &edges),
        )
        .unwrap();
        let mut nodes = vec![node("Identity & Access")];
        nodes[0].highlight = true;
        nodes.extend(
            TEAMS
                .iter()
                .filter(|t| !t.starts_with("Identity"))
                .take(42)
                .map(|t| node(t)),
        );
        let mut edges: Vec<GraphEdge> = (1..31).map(|i| edge(i, 0, Risk::Low)).collect();
        edges.extend((31..43).map(|i| edge(0, i, Risk::Medium)));
        std::fs::write(
            "/tmp/graph-hub.svg",
            render_svg("Dependencies of and on Identity & Access", &nodes, &edges),
        )
        .unwrap();
        let (mut nodes, edges) = org(10, 16, 11);
        nodes[2].highlight = true;
        std::fs::write(
            "/tmp/graph10.svg",
            render_svg("Checkout and neighbours", &nodes, &edges),
        )
        .unwrap();
    }
}
