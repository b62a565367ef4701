//! Histograms of values in equal-width bins.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::figure::{DrawResult, Figure};
use crate::style::{C0_BLUE, Scale, chart_builder, pixels, style_mesh, tick_label};

/// A histogram of values in equal-width bins.
///
/// ```
/// use d2l_plot::{Figure, Histogram};
/// let dir = tempfile::tempdir().unwrap();
/// Histogram::new(vec![1.0, 2.0, 2.5, 3.0], 3)
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
}

impl Figure for Histogram {
    fn pixel_size(&self) -> (u32, u32) {
        pixels(self.figsize)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let (edges, counts) = self.counts();
        let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.05;
        root.fill(&WHITE).map_err(err)?;
        let mut chart = chart_builder(root)
            .build_cartesian_2d(edges[0]..edges[edges.len() - 1], 0.0..top)
            .map_err(err)?;
        let fmt = |v: &f64| tick_label(*v, Scale::Linear);
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.disable_x_mesh()
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
