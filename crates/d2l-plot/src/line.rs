//! Line plots with the options of the book's `d2l.plot`.
//!
//! ```
//! use d2l_plot::{Figure, LinePlot, Scale};
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

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use crate::clip::Bounds;
use crate::figure::{DrawResult, Figure};
use crate::style::{
    DEFAULT_FMTS, FONT, Fmt, Scale, chart_builder, dashes, pixels, style_mesh, tick_label,
};

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

/// A shaded region of a [`LinePlot`] between a low and a high curve: the spread of a
/// quantity over several runs (seeds), drawn under the lines.
#[derive(Clone, Debug)]
pub struct Band {
    /// `(x, low, high)` at each x.
    pub points: Vec<(f64, f64, f64)>,
    /// The fill colour (drawn at one fifth opacity).
    pub color: RGBColor,
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
    bands: Vec<Band>,
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
            bands: Vec::new(),
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

    /// Adds a shaded band from `low` to `high` at each `x`, in the colour of the format
    /// `fmt` (`"m"`, `"g"`, …), under the lines: for example the spread over seeds of the
    /// curve drawn on it. Points where either bound is not finite are left out.
    pub fn band(mut self, x: &[f64], low: &[f64], high: &[f64], fmt: &str) -> Self {
        let points = x
            .iter()
            .zip(low.iter().zip(high))
            .map(|(&x, (&lo, &hi))| (x, lo, hi))
            .filter(|(x, lo, hi)| x.is_finite() && lo.is_finite() && hi.is_finite())
            .collect();
        self.bands.push(Band {
            points,
            color: Fmt::parse(fmt).color,
        });
        self
    }

    /// The series added so far.
    pub fn series_list(&self) -> &[Series] {
        &self.series
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
        let bounds: Vec<(f64, f64)> = self
            .bands
            .iter()
            .flat_map(|b| b.points.iter().flat_map(|&(x, lo, hi)| [(x, lo), (x, hi)]))
            .collect();
        let values = self
            .series
            .iter()
            .flat_map(|s| s.points.iter())
            .chain(&bounds)
            .map(pick);
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

    fn draw_in<DB, X, Y>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x_spec: X,
        y_spec: Y,
        x: Range<f64>,
        y: Range<f64>,
    ) -> DrawResult
    where
        DB: DrawingBackend,
        X: AsRangedCoord<Value = f64>,
        Y: AsRangedCoord<Value = f64>,
        X::CoordDescType: ValueFormatter<f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let mut builder = chart_builder(root);
        if let Some(title) = &self.title {
            builder.caption(title, (FONT, 20));
        }
        let mut chart = builder.build_cartesian_2d(x_spec, y_spec).map_err(err)?;
        let x_fmt = |v: &f64| tick_label(*v, self.xscale);
        let y_fmt = |v: &f64| tick_label(*v, self.yscale);
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.bold_line_style(RGBColor(200, 200, 200))
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

        for band in &self.bands {
            // The low curve left to right, then the high one back: one closed outline.
            let outline: Vec<(f64, f64)> = band
                .points
                .iter()
                .map(|&(x, lo, _)| (x, lo))
                .chain(band.points.iter().rev().map(|&(x, _, hi)| (x, hi)))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    band.color.mix(0.2).filled(),
                )))
                .map_err(err)?;
        }
        let bounds = Bounds::new(&x, &y, self.xscale, self.yscale);
        for series in &self.series {
            let style = ShapeStyle::from(series.fmt.color).stroke_width(2);
            let pattern = series.fmt.stroke.pattern();
            for piece in bounds.clip(&series.points) {
                match pattern {
                    None => chart
                        .draw_series(LineSeries::new(piece, style))
                        .map_err(err)?,
                    Some(pattern) => {
                        // Dashes are measured in pixels, along the line as drawn.
                        let pixels: Vec<(f64, f64)> = piece
                            .iter()
                            .map(|p| {
                                let (px, py) = chart.backend_coord(p);
                                (f64::from(px), f64::from(py))
                            })
                            .collect();
                        for dash in dashes(&pixels, pattern) {
                            root.draw(&PathElement::new(dash, style)).map_err(err)?;
                        }
                        chart
                            .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())
                            .map_err(err)?
                    }
                };
            }
            if let Some(label) = &series.label {
                // A legend entry drawn with the series' own stroke: up to four dashes of a
                // 22-pixel sample (repeated to fill four slots).
                let mut sample = match pattern {
                    None => vec![vec![(0, 0), (22, 0)]],
                    Some(pattern) => dashes(&[(0.0, 0.0), (22.0, 0.0)], pattern),
                };
                while sample.len() < 4 {
                    sample.push(sample[sample.len() - 1].clone());
                }
                chart
                    .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())
                    .map_err(err)?
                    .label(label.as_str())
                    .legend(move |(px, py)| {
                        // Points relative to the legend entry's anchor.
                        let seg = |k: usize| PathElement::new(sample[k].clone(), style);
                        EmptyElement::at((px, py)) + seg(0) + seg(1) + seg(2) + seg(3)
                    });
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

impl Figure for LinePlot {
    fn pixel_size(&self) -> (u32, u32) {
        pixels(self.figsize)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
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
}
