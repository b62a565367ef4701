//! The look shared by every figure: matplotlib-style formats (`"m--"`), axis scales, tick
//! labels, the embedded font and the axis styling.

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;

/// Pixels per inch of figure size: the book's 3.5 × 2.5 in figure becomes 560 × 400 px.
pub const PX_PER_INCH: f64 = 160.0;

/// The font family every figure uses (DejaVu Sans, embedded).
pub(crate) const FONT: &str = "sans-serif";

/// Registers the embedded font once per process. (In the browser build, plotters draws text
/// with the browser's fonts; the playground draws its figures in the page.)
pub(crate) fn register_fonts() {
    #[cfg(not(target_arch = "wasm32"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // The embedded font is valid, so registration cannot fail.
            let _ =
                plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        });
    }
}

/// The pixel size of a figure of `(width, height)` inches.
pub(crate) fn pixels((width, height): (f64, f64)) -> (u32, u32) {
    ((width * PX_PER_INCH) as u32, (height * PX_PER_INCH) as u32)
}

/// Axis scale, as matplotlib's `xscale`/`yscale`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scale {
    /// Linear axis.
    #[default]
    Linear,
    /// Base-10 logarithmic axis (non-positive values are left out).
    Log,
}

/// How a line is stroked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stroke {
    /// `-`
    Solid,
    /// `--`
    Dashed,
    /// `-.`
    DashDot,
    /// `:`
    Dotted,
}

/// A matplotlib-style format: a colour and a stroke, parsed from strings like `"m--"`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fmt {
    /// Line colour.
    pub color: RGBColor,
    /// Line stroke.
    pub stroke: Stroke,
}

/// matplotlib's first default colour `C0`, used when a format names no colour.
pub const C0_BLUE: RGBColor = RGBColor(31, 119, 180);

impl Fmt {
    /// Parses the subset of matplotlib formats the book uses: an optional colour letter
    /// (`b g r c m y k`) followed by `-`, `--`, `-.` or `:`. Unknown input falls back to solid C0.
    pub fn parse(fmt: &str) -> Self {
        let (color, rest) = match fmt.chars().next() {
            Some(c @ ('b' | 'g' | 'r' | 'c' | 'm' | 'y' | 'k')) => (letter_color(c), &fmt[1..]),
            _ => (C0_BLUE, fmt),
        };
        let stroke = match rest {
            "--" => Stroke::Dashed,
            "-." => Stroke::DashDot,
            ":" => Stroke::Dotted,
            _ => Stroke::Solid,
        };
        Self { color, stroke }
    }
}

fn letter_color(c: char) -> RGBColor {
    match c {
        'b' => RGBColor(0, 0, 255),
        'g' => RGBColor(0, 128, 0),
        'r' => RGBColor(255, 0, 0),
        'c' => RGBColor(0, 191, 191),
        'm' => RGBColor(191, 0, 191),
        'y' => RGBColor(191, 191, 0),
        _ => RGBColor(0, 0, 0),
    }
}

/// The book's default format cycle: `('-', 'm--', 'g-.', 'r:')`.
pub const DEFAULT_FMTS: [&str; 4] = ["-", "m--", "g-.", "r:"];

impl Stroke {
    /// The on/off dash lengths in pixels, starting with "on" (`None`: a solid line).
    pub(crate) fn pattern(self) -> Option<&'static [f64]> {
        match self {
            Stroke::Solid => None,
            Stroke::Dashed => Some(&[9.0, 5.0]),
            Stroke::DashDot => Some(&[10.0, 3.5, 2.0, 3.5]),
            Stroke::Dotted => Some(&[2.0, 4.0]),
        }
    }
}

/// Cuts a polyline in pixel coordinates into the "on" pieces of `pattern`, which continues
/// across vertices as matplotlib's dashes do.
pub(crate) fn dashes(points: &[(f64, f64)], pattern: &[f64]) -> Vec<Vec<(i32, i32)>> {
    let px = |(x, y): (f64, f64)| (x.round() as i32, y.round() as i32);
    let mut pieces = Vec::new();
    let mut current: Vec<(i32, i32)> = Vec::new();
    let (mut k, mut left) = (0, pattern[0]);
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let length = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let at = |t: f64| {
            (
                a.0 + (b.0 - a.0) * t / length,
                a.1 + (b.1 - a.1) * t / length,
            )
        };
        let mut t = 0.0;
        while length - t > 0.0 {
            let step = left.min(length - t);
            let on = k % 2 == 0;
            if on {
                if current.is_empty() {
                    current.push(px(at(t)));
                }
                current.push(px(at(t + step)));
            }
            t += step;
            left -= step;
            if left <= 0.0 {
                if on {
                    pieces.push(std::mem::take(&mut current));
                }
                k = (k + 1) % pattern.len();
                left = pattern[k];
            }
        }
    }
    if current.len() > 1 {
        pieces.push(current);
    }
    pieces
}

/// Tick labels: plain numbers on linear axes, powers of ten on log axes.
pub(crate) fn tick_label(v: f64, scale: Scale) -> String {
    match scale {
        Scale::Log => {
            let e = v.log10();
            if (-3.0..5.0).contains(&e) {
                tick_label(v, Scale::Linear)
            } else if (e - e.round()).abs() < 1e-9 {
                format!("1e{}", e.round() as i64)
            } else {
                format!("{v:.0e}")
            }
        }
        Scale::Linear => {
            let s = format!("{v:.3}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s == "-0" { "0".into() } else { s.to_string() }
        }
    }
}

/// The book's axis styling (light grid, label and description fonts), shared by line plots
/// and histograms.
pub(crate) fn style_mesh<'a, 'b, X, Y, DB>(mesh: &mut MeshStyle<'a, 'b, X, Y, DB>)
where
    X: Ranged,
    Y: Ranged,
    DB: DrawingBackend,
{
    mesh.light_line_style(RGBColor(235, 235, 235))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17));
}

/// Margins and label areas shared by every chart.
pub(crate) fn chart_builder<'a, 'b, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, plotters::coord::Shift>,
) -> ChartBuilder<'a, 'b, DB> {
    let mut builder = ChartBuilder::on(root);
    builder
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(64);
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmt_parses_the_books_formats() {
        assert_eq!(
            Fmt::parse("-"),
            Fmt {
                color: C0_BLUE,
                stroke: Stroke::Solid
            }
        );
        assert_eq!(Fmt::parse("m--").stroke, Stroke::Dashed);
        assert_eq!(Fmt::parse("g-.").color, RGBColor(0, 128, 0));
        assert_eq!(Fmt::parse("r:").stroke, Stroke::Dotted);
    }

    #[test]
    fn dash_dot_alternates_a_dash_and_a_dot() {
        let pieces = dashes(
            &[(0.0, 0.0), (40.0, 0.0)],
            Stroke::DashDot.pattern().unwrap(),
        );
        let lengths: Vec<i32> = pieces.iter().map(|p| p[p.len() - 1].0 - p[0].0).collect();
        assert_eq!(lengths, [10, 2, 10, 2, 2]);
    }

    #[test]
    fn dashes_continue_across_vertices() {
        let pieces = dashes(&[(0.0, 0.0), (5.0, 0.0), (20.0, 0.0)], &[9.0, 5.0]);
        assert_eq!(pieces[0], vec![(0, 0), (5, 0), (9, 0)]);
        assert_eq!(pieces[1], vec![(14, 0), (20, 0)]);
    }

    #[test]
    fn tick_labels_read_like_matplotlib() {
        assert_eq!(tick_label(0.5, Scale::Linear), "0.5");
        assert_eq!(tick_label(2.0, Scale::Linear), "2");
        assert_eq!(tick_label(0.001, Scale::Log), "0.001");
        assert_eq!(tick_label(1e-5, Scale::Log), "1e-5");
        assert_eq!(tick_label(100.0, Scale::Log), "100");
    }
}
