//! The computational graph of the section's network, drawn as SVG: variables (the inputs and
//! parameters at the leaves, the intermediates, the objective `J`) as boxes, operators as
//! circles, and arrows the way forward propagation walks (leaves to `J`) or the way backward
//! propagation walks (`J` back to the parameters, each arrow labelled with the gradient it
//! carries).
//!
//! ```
//! let svg = backprop::graph::svg(false, backprop::graph::Direction::Forward);
//! assert!(svg.starts_with("<svg") && svg.contains(">J<"));
//! ```

use std::fmt::Write;

/// Which way the arrows point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Forward propagation: from the leaves up to `J`.
    Forward,
    /// Backward propagation: from `J` down to the parameters, labelled with gradients.
    Backward,
}

/// A node: its label, centre, and whether it is an operator (a circle) or a variable.
struct Node {
    label: &'static str,
    x: f64,
    y: f64,
    operator: bool,
}

const fn var(label: &'static str, x: f64, y: f64) -> Node {
    Node {
        label,
        x,
        y,
        operator: false,
    }
}

const fn op(label: &'static str, x: f64, y: f64) -> Node {
    Node {
        label,
        x,
        y,
        operator: true,
    }
}

/// The graph of the network (with the hidden bias `b⁽¹⁾` when `bias`), arrows pointing
/// `direction`, as an SVG document.
pub fn svg(bias: bool, direction: Direction) -> String {
    let main = 110.0;
    let mut nodes = vec![
        var("x", 40.0, main),
        op("×", 115.0, main),
        var("W⁽¹⁾", 115.0, 200.0),
        var("z", 270.0, main),
        op("φ", 345.0, main),
        var("h", 420.0, main),
        op("×", 495.0, main),
        var("W⁽²⁾", 495.0, 200.0),
        var("o", 570.0, main),
        op("l", 645.0, main),
        var("y", 645.0, 35.0),
        var("L", 720.0, main),
        op("+", 795.0, main),
        var("J", 870.0, main),
        op("‖·‖²", 645.0, 270.0),
        var("λ", 720.0, 200.0),
        var("s", 795.0, 270.0),
    ];
    // (from, to, the gradient the backward arrow carries)
    let mut edges: Vec<(usize, usize, &str)> = vec![
        (0, 1, ""),
        (2, 1, "∂J/∂W⁽¹⁾"),
        (1, 3, "∂J/∂z"),
        (3, 4, "∂J/∂z"),
        (4, 5, "∂J/∂h"),
        (5, 6, "∂J/∂h"),
        (7, 6, "∂J/∂W⁽²⁾"),
        (6, 8, "∂J/∂o"),
        (8, 9, "∂J/∂o"),
        (10, 9, ""),
        (9, 11, "∂J/∂L"),
        (11, 12, "∂J/∂L"),
        (12, 13, "1"),
        (2, 14, "λW⁽¹⁾"),
        (7, 14, "λW⁽²⁾"),
        (15, 14, ""),
        (14, 16, "∂J/∂s"),
        (16, 12, "∂J/∂s"),
    ];
    if bias {
        // z = W1 x + b1: the product, then a sum with the bias, before z.
        nodes.push(op("+", 192.0, main));
        nodes.push(var("b⁽¹⁾", 192.0, 35.0));
        let (plus, b1) = (nodes.len() - 2, nodes.len() - 1);
        edges.retain(|e| (e.0, e.1) != (1, 3));
        edges.push((1, plus, "∂J/∂z"));
        edges.push((b1, plus, "∂J/∂b⁽¹⁾"));
        edges.push((plus, 3, "∂J/∂z"));
    }
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 910 310" width="910" height="310" font-family="DejaVu Sans, sans-serif" font-size="15"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#333"/></marker></defs><rect width="910" height="310" fill="white"/>"##
    );
    for &(from, to, grad) in &edges {
        let (a, b) = match direction {
            Direction::Forward => (&nodes[from], &nodes[to]),
            Direction::Backward => (&nodes[to], &nodes[from]),
        };
        // Backward propagation reaches only what depends on a parameter: no arrow to data.
        if direction == Direction::Backward && grad.is_empty() {
            continue;
        }
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = (dx * dx + dy * dy).sqrt();
        let (ra, rb) = (radius(a, dx, dy), radius(b, -dx, -dy));
        let (x1, y1) = (a.x + dx / len * ra, a.y + dy / len * ra);
        let (x2, y2) = (b.x - dx / len * rb, b.y - dy / len * rb);
        let colour = if direction == Direction::Forward {
            "#333"
        } else {
            "#b03030"
        };
        let _ = write!(
            out,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{colour}" stroke-width="1.6" marker-end="url(#arrow)"/>"#
        );
        if direction == Direction::Backward {
            let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0 - 6.0);
            let _ = write!(
                out,
                r##"<text x="{mx:.1}" y="{my:.1}" text-anchor="middle" font-size="11" fill="#b03030">{grad}</text>"##
            );
        }
    }
    for n in &nodes {
        if n.operator {
            let _ = write!(
                out,
                r##"<circle cx="{}" cy="{}" r="17" fill="#fff4d6" stroke="#9a7a20" stroke-width="1.4"/>"##,
                n.x, n.y
            );
        } else {
            let _ = write!(
                out,
                r##"<rect x="{}" y="{}" width="50" height="30" rx="4" fill="#e3eefc" stroke="#2a5aa0" stroke-width="1.4"/>"##,
                n.x - 25.0,
                n.y - 15.0
            );
        }
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            n.x,
            n.y + 5.0,
            n.label
        );
    }
    out.push_str("</svg>\n");
    out
}

/// How far from a node's centre an arrow along `(dx, dy)` leaves its outline.
fn radius(n: &Node, dx: f64, dy: f64) -> f64 {
    if n.operator {
        return 19.0;
    }
    // The box's half-extents, 25 by 15, plus a little room for the arrowhead.
    let (hx, hy) = (27.0, 17.0);
    let len = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = ((dx / len).abs(), (dy / len).abs());
    let tx = if ux > 0.0 { hx / ux } else { f64::INFINITY };
    let ty = if uy > 0.0 { hy / uy } else { f64::INFINITY };
    tx.min(ty)
}
