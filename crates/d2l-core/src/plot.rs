//! Figures like the book's, as SVG and PNG: line plots with `d2l.plot`'s options
//! ([`LinePlot`]) and image grids with titles ([`ImageGrid`], `d2l.show_images`).
//!
//! Fonts are embedded (DejaVu Sans), so PNGs render the same on any machine. Both files
//! are written atomically next to each other: `save("dir/loss")` writes `dir/loss.svg` and
//! `dir/loss.png`.
//!
//! ```
//! use d2l_core::plot::{LinePlot, Scale};
//! let x: Vec<f64> = (1..=10).map(f64::from).collect();
//! let y: Vec<f64> = x.iter().map(|v| 10f64.powf(-v / 3.0)).collect();
//! let dir = tempfile::tempdir().unwrap();
//! LinePlot::new()
//!     .xlabel("epoch").ylabel("loss").yscale(Scale::Log)
//!     .series("train", &x, &y)
//!     .save(dir.path().join("loss")).unwrap();
//! assert!(dir.path().join("loss.png").exists());
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor;

use crate::error::{Error, Result};
use crate::report::write_atomic;

/// Pixels per inch of figure size: the book's 3.5 × 2.5 in figure becomes 560 × 400 px.
const PX_PER_INCH: f64 = 160.0;
const FONT: &str = "sans-serif";

fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded font is valid, so registration cannot fail.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
    });
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

/// One named line of a [`LinePlot`].
#[derive(Clone, Debug)]
pub struct Series {
    /// Legend label (`None`: not in the legend).
    pub label: Option<String>,
    /// Points `(x, y)`; non-finite values break the line.
    pub points: Vec<(f64, f64)>,
    /// Colour and stroke.
    pub fmt: Fmt,
}

/// Where the legend goes.
pub use plotters::chart::SeriesLabelPosition as LegendPosition;

/// A multi-series line plot with the options of the book's `d2l.plot`.
#[derive(Clone, Debug)]
pub struct LinePlot {
    xlabel: Option<String>,
    ylabel: Option<String>,
    title: Option<String>,
    xlim: Option<(f64, f64)>,
    ylim: Option<(f64, f64)>,
    xscale: Scale,
    yscale: Scale,
    figsize: (f64, f64),
    legend_position: LegendPosition,
    markers: bool,
    series: Vec<Series>,
}

impl Default for LinePlot {
    fn default() -> Self {
        Self::new()
    }
}

impl LinePlot {
    /// An empty plot with the book's defaults: 3.5 × 2.5 in, linear axes, limits from the data.
    pub fn new() -> Self {
        Self {
            xlabel: None,
            ylabel: None,
            title: None,
            xlim: None,
            ylim: None,
            xscale: Scale::Linear,
            yscale: Scale::Linear,
            figsize: (3.5, 2.5),
            legend_position: LegendPosition::UpperRight,
            markers: false,
            series: Vec::new(),
        }
    }

    /// The x-axis label.
    pub fn xlabel(mut self, label: impl Into<String>) -> Self {
        self.xlabel = Some(label.into());
        self
    }

    /// The y-axis label.
    pub fn ylabel(mut self, label: impl Into<String>) -> Self {
        self.ylabel = Some(label.into());
        self
    }

    /// A title above the axes.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Fixed x limits.
    pub fn xlim(mut self, low: f64, high: f64) -> Self {
        self.xlim = Some((low, high));
        self
    }

    /// Fixed y limits; lines leaving them are clipped at the frame, as in matplotlib.
    pub fn ylim(mut self, low: f64, high: f64) -> Self {
        self.ylim = Some((low, high));
        self
    }

    /// The x-axis scale.
    pub fn xscale(mut self, scale: Scale) -> Self {
        self.xscale = scale;
        self
    }

    /// The y-axis scale.
    pub fn yscale(mut self, scale: Scale) -> Self {
        self.yscale = scale;
        self
    }

    /// Figure size in inches (the book's `figsize`).
    pub fn figsize(mut self, width: f64, height: f64) -> Self {
        self.figsize = (width, height);
        self
    }

    /// Where the legend is drawn.
    pub fn legend_position(mut self, position: LegendPosition) -> Self {
        self.legend_position = position;
        self
    }

    /// Marks every data point with a dot (for sparse data such as sweeps).
    pub fn markers(mut self, on: bool) -> Self {
        self.markers = on;
        self
    }

    /// Adds a series with the next format of the book's cycle `('-', 'm--', 'g-.', 'r:')`.
    pub fn series(self, label: &str, x: &[f64], y: &[f64]) -> Self {
        let fmt = DEFAULT_FMTS[self.series.len() % DEFAULT_FMTS.len()];
        self.series_fmt(label, x, y, fmt)
    }

    /// Adds a series with an explicit matplotlib-style format such as `"m--"`.
    /// An empty label keeps the series out of the legend.
    pub fn series_fmt(mut self, label: &str, x: &[f64], y: &[f64], fmt: &str) -> Self {
        let label = (!label.is_empty()).then(|| label.to_string());
        let points = x.iter().copied().zip(y.iter().copied()).collect();
        self.series.push(Series {
            label,
            points,
            fmt: Fmt::parse(fmt),
        });
        self
    }

    /// The series added so far.
    pub fn series_list(&self) -> &[Series] {
        &self.series
    }

    /// Pixel size of the rendered figure.
    pub fn pixel_size(&self) -> (u32, u32) {
        (
            (self.figsize.0 * PX_PER_INCH) as u32,
            (self.figsize.1 * PX_PER_INCH) as u32,
        )
    }

    /// Writes `<stem>.svg` and `<stem>.png` atomically and returns both paths.
    pub fn save(&self, stem: impl AsRef<Path>) -> Result<(PathBuf, PathBuf)> {
        let (svg, png) = figure_paths(stem.as_ref());
        let size = self.pixel_size();
        save_svg(&svg, size, |root| self.draw(root))?;
        save_png(&png, size, |root| self.draw(root))?;
        Ok((svg, png))
    }

    /// The axis range: the fixed limits, or the data's extent with a 5 % margin
    /// (in log space for a log axis).
    fn range(
        &self,
        fixed: Option<(f64, f64)>,
        scale: Scale,
        pick: fn(&(f64, f64)) -> f64,
    ) -> Range<f64> {
        if let Some((lo, hi)) = fixed {
            return lo..hi;
        }
        let to_axis = |v: f64| if scale == Scale::Log { v.log10() } else { v };
        let values = self.series.iter().flat_map(|s| s.points.iter().map(pick));
        let (lo, hi) = values
            .filter(|v| v.is_finite() && (scale == Scale::Linear || *v > 0.0))
            .map(to_axis)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        let (lo, hi) = match (lo.is_finite(), hi > lo) {
            (false, _) => (0.0, 1.0),
            (true, false) => (lo - 0.5, hi + 0.5),
            (true, true) => (lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)),
        };
        match scale {
            Scale::Linear => lo..hi,
            // Whole decades, so that a log axis always carries labelled ticks.
            Scale::Log => 10f64.powf(lo.floor())..10f64.powf(hi.ceil().max(lo.floor() + 1.0)),
        }
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String> {
        let x = self.range(self.xlim, self.xscale, |p| p.0);
        let y = self.range(self.ylim, self.yscale, |p| p.1);
        match (self.xscale, self.yscale) {
            (Scale::Linear, Scale::Linear) => self.draw_in(root, x.clone(), y.clone(), x, y),
            (Scale::Linear, Scale::Log) => {
                self.draw_in(root, x.clone(), y.clone().log_scale(), x, y)
            }
            (Scale::Log, Scale::Linear) => {
                self.draw_in(root, x.clone().log_scale(), y.clone(), x, y)
            }
            (Scale::Log, Scale::Log) => {
                self.draw_in(root, x.clone().log_scale(), y.clone().log_scale(), x, y)
            }
        }
    }

    fn draw_in<DB, X, Y>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x_spec: X,
        y_spec: Y,
        x: Range<f64>,
        y: Range<f64>,
    ) -> std::result::Result<(), String>
    where
        DB: DrawingBackend,
        X: AsRangedCoord<Value = f64>,
        Y: AsRangedCoord<Value = f64>,
        X::CoordDescType: ValueFormatter<f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let mut builder = ChartBuilder::on(root);
        builder
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(64);
        if let Some(title) = &self.title {
            builder.caption(title, (FONT, 20));
        }
        let mut chart = builder.build_cartesian_2d(x_spec, y_spec).map_err(err)?;
        let x_fmt = |v: &f64| tick_label(*v, self.xscale);
        let y_fmt = |v: &f64| tick_label(*v, self.yscale);
        let mut mesh = chart.configure_mesh();
        mesh.light_line_style(RGBColor(235, 235, 235))
            .bold_line_style(RGBColor(200, 200, 200))
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .x_labels(6)
            .y_labels(6);
        if let Some(l) = &self.xlabel {
            mesh.x_desc(l);
        }
        if let Some(l) = &self.ylabel {
            mesh.y_desc(l);
        }
        mesh.draw().map_err(err)?;

        let bounds = Bounds::new(&x, &y, self.xscale, self.yscale);
        for series in &self.series {
            let style = ShapeStyle::from(series.fmt.color).stroke_width(2);
            for (i, piece) in bounds.clip(&series.points).into_iter().enumerate() {
                let anno = match series.fmt.stroke {
                    Stroke::Solid => chart.draw_series(LineSeries::new(piece, style)),
                    Stroke::Dashed => chart.draw_series(DashedLineSeries::new(piece, 9, 5, style)),
                    Stroke::DashDot => {
                        chart.draw_series(DashedLineSeries::new(piece, 12, 4, style))
                    }
                    Stroke::Dotted => chart.draw_series(DashedLineSeries::new(piece, 2, 4, style)),
                }
                .map_err(err)?;
                if let (0, Some(label)) = (i, &series.label) {
                    let segments = legend_segments(series.fmt.stroke);
                    anno.label(label.as_str()).legend(move |(px, py)| {
                        let seg =
                            |(a, b): (i32, i32)| PathElement::new(vec![(a, 0), (b, 0)], style);
                        EmptyElement::at((px, py))
                            + seg(segments[0])
                            + seg(segments[1])
                            + seg(segments[2])
                            + seg(segments[3])
                    });
                }
            }
        }
        if self.markers {
            for series in &self.series {
                let color = series.fmt.color;
                let visible = series
                    .points
                    .iter()
                    .copied()
                    .filter(|p| bounds.to_axis_space(*p).is_some_and(|a| bounds.contains(a)));
                chart
                    .draw_series(visible.map(|p| Circle::new(p, 4, color.filled())))
                    .map_err(err)?;
            }
        }
        if self.series.iter().any(|s| s.label.is_some()) {
            chart
                .configure_series_labels()
                .position(self.legend_position.clone())
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(200, 200, 200))
                .label_font((FONT, 15))
                .draw()
                .map_err(err)?;
        }
        root.present().map_err(err)
    }
}

/// Four dash segments `(from, to)` in pixels that draw a 22-px legend sample of `stroke`.
fn legend_segments(stroke: Stroke) -> [(i32, i32); 4] {
    match stroke {
        Stroke::Solid => [(0, 6), (6, 12), (12, 18), (18, 22)],
        Stroke::Dashed => [(0, 5), (0, 5), (10, 16), (10, 16)],
        Stroke::DashDot => [(0, 8), (0, 8), (12, 14), (18, 22)],
        Stroke::Dotted => [(0, 2), (6, 8), (12, 14), (18, 20)],
    }
}

/// Tick labels: plain numbers on linear axes, powers of ten on log axes.
fn tick_label(v: f64, scale: Scale) -> String {
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

/// The plotting rectangle in axis space (log10 applied on log axes), for clipping lines.
struct Bounds {
    x: (f64, f64),
    y: (f64, f64),
    xlog: bool,
    ylog: bool,
}

impl Bounds {
    fn new(x: &Range<f64>, y: &Range<f64>, xs: Scale, ys: Scale) -> Self {
        let t = |v: f64, log: bool| if log { v.log10() } else { v };
        let (xlog, ylog) = (xs == Scale::Log, ys == Scale::Log);
        Self {
            x: (t(x.start, xlog), t(x.end, xlog)),
            y: (t(y.start, ylog), t(y.end, ylog)),
            xlog,
            ylog,
        }
    }

    fn to_axis_space(&self, (x, y): (f64, f64)) -> Option<(f64, f64)> {
        let t = |v: f64, log: bool| {
            if log {
                (v > 0.0).then(|| v.log10())
            } else {
                Some(v)
            }
        };
        let p = (t(x, self.xlog)?, t(y, self.ylog)?);
        (p.0.is_finite() && p.1.is_finite()).then_some(p)
    }

    fn to_data(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let t = |v: f64, log: bool| if log { 10f64.powf(v) } else { v };
        (t(x, self.xlog), t(y, self.ylog))
    }

    /// Splits a polyline into the visible pieces, cutting segments at the frame
    /// (Liang–Barsky in axis space) and at non-finite points.
    fn clip(&self, points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
        let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut current: Vec<(f64, f64)> = Vec::new();
        let axis: Vec<Option<(f64, f64)>> = points.iter().map(|p| self.to_axis_space(*p)).collect();
        let mut flush = |current: &mut Vec<(f64, f64)>| {
            if !current.is_empty() {
                pieces.push(std::mem::take(current));
            }
        };
        if axis.len() == 1 {
            if let Some(p) = axis[0] {
                if self.contains(p) {
                    current.push(self.to_data(p));
                }
            }
        }
        for w in axis.windows(2) {
            match (w[0], w[1]) {
                (Some(a), Some(b)) => match self.clip_segment(a, b) {
                    Some((ca, cb)) => {
                        let start = self.to_data(ca);
                        if current.last() != Some(&start) {
                            flush(&mut current);
                            current.push(start);
                        }
                        current.push(self.to_data(cb));
                        if cb != b {
                            flush(&mut current);
                        }
                    }
                    None => flush(&mut current),
                },
                _ => flush(&mut current),
            }
        }
        flush(&mut current);
        pieces
    }

    fn contains(&self, (x, y): (f64, f64)) -> bool {
        let within = |v: f64, (lo, hi): (f64, f64)| v >= lo.min(hi) && v <= lo.max(hi);
        within(x, self.x) && within(y, self.y)
    }

    fn clip_segment(&self, a: (f64, f64), b: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (xlo, xhi) = (self.x.0.min(self.x.1), self.x.0.max(self.x.1));
        let (ylo, yhi) = (self.y.0.min(self.y.1), self.y.0.max(self.y.1));
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.0 - xlo),
            (dx, xhi - a.0),
            (-dy, a.1 - ylo),
            (dy, yhi - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        (t0 <= t1).then_some({
            (
                (a.0 + t0 * dx, a.1 + t0 * dy),
                (a.0 + t1 * dx, a.1 + t1 * dy),
            )
        })
    }
}

/// A histogram of values in equal-width bins.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// d2l_core::plot::Histogram::new(vec![1.0, 2.0, 2.5, 3.0], 3)
///     .xlabel("value")
///     .save(dir.path().join("hist"))
///     .unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct Histogram {
    values: Vec<f64>,
    bins: usize,
    xlabel: Option<String>,
    ylabel: String,
    figsize: (f64, f64),
}

impl Histogram {
    /// A histogram of the finite `values` in `bins` bins (at least 1).
    pub fn new(values: Vec<f64>, bins: usize) -> Self {
        let values = values.into_iter().filter(|v| v.is_finite()).collect();
        Self {
            values,
            bins: bins.max(1),
            xlabel: None,
            ylabel: "count".into(),
            figsize: (4.5, 2.5),
        }
    }

    /// The x-axis label.
    pub fn xlabel(mut self, label: impl Into<String>) -> Self {
        self.xlabel = Some(label.into());
        self
    }

    /// The y-axis label (default `count`).
    pub fn ylabel(mut self, label: impl Into<String>) -> Self {
        self.ylabel = label.into();
        self
    }

    /// Figure size in inches.
    pub fn figsize(mut self, width: f64, height: f64) -> Self {
        self.figsize = (width, height);
        self
    }

    /// The bin edges (`bins + 1` values) and the count in each bin.
    pub fn counts(&self) -> (Vec<f64>, Vec<usize>) {
        let lo = self.values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = self
            .values
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if lo.is_finite() {
            (lo, if hi > lo { hi } else { lo + 1.0 })
        } else {
            (0.0, 1.0)
        };
        let width = (hi - lo) / self.bins as f64;
        let edges = (0..=self.bins).map(|i| lo + width * i as f64).collect();
        let mut counts = vec![0; self.bins];
        for v in &self.values {
            counts[(((v - lo) / width) as usize).min(self.bins - 1)] += 1;
        }
        (edges, counts)
    }

    /// Writes `<stem>.svg` and `<stem>.png` atomically and returns both paths.
    pub fn save(&self, stem: impl AsRef<Path>) -> Result<(PathBuf, PathBuf)> {
        let (svg, png) = figure_paths(stem.as_ref());
        let size = (
            (self.figsize.0 * PX_PER_INCH) as u32,
            (self.figsize.1 * PX_PER_INCH) as u32,
        );
        save_svg(&svg, size, |root| self.draw(root))?;
        save_png(&png, size, |root| self.draw(root))?;
        Ok((svg, png))
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let (edges, counts) = self.counts();
        let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.05;
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(edges[0]..edges[edges.len() - 1], 0.0..top)
            .map_err(err)?;
        let fmt = |v: &f64| tick_label(*v, Scale::Linear);
        let mut mesh = chart.configure_mesh();
        mesh.disable_x_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .x_label_formatter(&fmt)
            .y_label_formatter(&fmt)
            .y_desc(self.ylabel.as_str());
        if let Some(l) = &self.xlabel {
            mesh.x_desc(l);
        }
        mesh.draw().map_err(err)?;
        let bars = counts.iter().enumerate().map(|(i, &c)| {
            Rectangle::new(
                [(edges[i], 0.0), (edges[i + 1], c as f64)],
                C0_BLUE.mix(0.8).filled(),
            )
        });
        chart.draw_series(bars).map_err(err)?;
        let outlines = counts.iter().enumerate().map(|(i, &c)| {
            Rectangle::new(
                [(edges[i], 0.0), (edges[i + 1], c as f64)],
                WHITE.stroke_width(1),
            )
        });
        chart.draw_series(outlines).map_err(err)?;
        root.present().map_err(err)
    }
}

/// A grid of grayscale images with titles (the book's `show_images`).
#[derive(Clone, Debug)]
pub struct ImageGrid {
    rows: usize,
    cols: usize,
    scale: f64,
    images: Vec<GrayImage>,
    titles: Vec<String>,
}

/// A grayscale image: `height × width` values in [0, 1], row-major.
#[derive(Clone, Debug)]
pub struct GrayImage {
    /// Rows.
    pub height: usize,
    /// Columns.
    pub width: usize,
    /// `height * width` intensities in [0, 1] (clamped when drawn).
    pub pixels: Vec<f32>,
}

impl ImageGrid {
    /// An empty `rows × cols` grid; each cell is `scale` inches wide, as in the book (1.5).
    pub fn new(rows: usize, cols: usize, scale: f64) -> Self {
        Self {
            rows,
            cols,
            scale,
            images: Vec::new(),
            titles: Vec::new(),
        }
    }

    /// Adds the next image with its title (titles may contain `\n` for two lines).
    pub fn push(mut self, image: GrayImage, title: impl Into<String>) -> Self {
        self.images.push(image);
        self.titles.push(title.into());
        self
    }

    /// Writes `<stem>.svg` and `<stem>.png` atomically and returns both paths.
    pub fn save(&self, stem: impl AsRef<Path>) -> Result<(PathBuf, PathBuf)> {
        let (svg, png) = figure_paths(stem.as_ref());
        let cell = (self.scale * PX_PER_INCH * 0.75) as u32;
        let title_lines = self
            .titles
            .iter()
            .map(|t| t.lines().count())
            .max()
            .unwrap_or(0) as u32;
        let cell_h = cell + 20 * title_lines + 8;
        let size = (cell * self.cols as u32, cell_h * self.rows as u32);
        save_svg(&svg, size, |root| self.draw(root, cell, title_lines))?;
        save_png(&png, size, |root| self.draw(root, cell, title_lines))?;
        Ok((svg, png))
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        cell: u32,
        title_lines: u32,
    ) -> std::result::Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let cells = root.split_evenly((self.rows, self.cols));
        for ((area, image), title) in cells.iter().zip(&self.images).zip(&self.titles) {
            let text = TextStyle::from((FONT, 15).into_font()).pos(text_anchor::Pos::new(
                text_anchor::HPos::Center,
                text_anchor::VPos::Top,
            ));
            for (i, line) in title.lines().enumerate() {
                area.draw_text(line, &text, (cell as i32 / 2, 4 + 20 * i as i32))
                    .map_err(err)?;
            }
            let top = 8 + 20 * title_lines as i32;
            let pad = 6;
            let side = cell as i32 - 2 * pad;
            let px = side as f64 / image.width.max(image.height) as f64;
            for r in 0..image.height {
                for c in 0..image.width {
                    let v =
                        (image.pixels[r * image.width + c].clamp(0.0, 1.0) * 255.0).round() as u8;
                    let x0 = pad + (c as f64 * px) as i32;
                    let y0 = top + (r as f64 * px) as i32;
                    let x1 = pad + ((c + 1) as f64 * px) as i32;
                    let y1 = top + ((r + 1) as f64 * px) as i32;
                    area.draw(&Rectangle::new(
                        [(x0, y0), (x1, y1)],
                        RGBColor(v, v, v).filled(),
                    ))
                    .map_err(err)?;
                }
            }
        }
        root.present().map_err(err)
    }
}

fn figure_paths(stem: &Path) -> (PathBuf, PathBuf) {
    (stem.with_extension("svg"), stem.with_extension("png"))
}

fn plot_error(path: &Path, message: String) -> Error {
    Error::Plot {
        path: path.to_path_buf(),
        message,
    }
}

fn save_svg(
    path: &Path,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> std::result::Result<(), String>,
) -> Result<()> {
    register_fonts();
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        draw(&root).map_err(|m| plot_error(path, m))?;
    }
    write_atomic(path, |f| std::io::Write::write_all(f, text.as_bytes()))
}

fn save_png(
    path: &Path,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<BitMapBackend, Shift>) -> std::result::Result<(), String>,
) -> Result<()> {
    register_fonts();
    let mut buffer = vec![0u8; size.0 as usize * size.1 as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, size).into_drawing_area();
        draw(&root).map_err(|m| plot_error(path, m))?;
    }
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, size.0, size.1);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| plot_error(path, e.to_string()))?;
        writer
            .write_image_data(&buffer)
            .map_err(|e| plot_error(path, e.to_string()))?;
    }
    write_atomic(path, |f| std::io::Write::write_all(f, &bytes))
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
    fn clipping_cuts_lines_at_the_frame() {
        let b = Bounds::new(&(1.0..10.0), &(0.3..0.9), Scale::Linear, Scale::Linear);
        let pieces = b.clip(&[(1.0, 1.1), (2.0, 0.7), (3.0, 0.6)]);
        assert_eq!(pieces.len(), 1);
        let first = pieces[0][0];
        assert!((first.1 - 0.9).abs() < 1e-12 && first.0 > 1.0 && first.0 < 2.0);
        assert_eq!(*pieces[0].last().unwrap(), (3.0, 0.6));
    }

    #[test]
    fn log_axes_drop_non_positive_points() {
        let b = Bounds::new(&(1.0..4.0), &(1e-3..1e2), Scale::Linear, Scale::Log);
        let pieces = b.clip(&[(1.0, 1.0), (2.0, 0.0), (3.0, 1.0), (4.0, 0.1)]);
        assert_eq!(pieces, vec![vec![(3.0, 1.0), (4.0, 0.1)]]);
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
