//! # d2l-plot
//!
//! The book's figures for d2l-rs, as SVG and PNG: line plots with `d2l.plot`'s options,
//! histograms, image grids (`d2l.show_images`) and the training figures of the animator.
//! Fonts are embedded (DejaVu Sans), so PNGs render the same on any machine, and both files
//! are written atomically: `save("dir/loss")` writes `dir/loss.svg` and `dir/loss.png`.
//!
//! | module | what it draws |
//! |---|---|
//! | [`line`](mod@line) | [`LinePlot`]: `d2l.plot` with `xlabel`, `ylim`, `yscale`, `fmts`, `legend` |
//! | [`histogram`] | [`Histogram`] |
//! | [`images`] | [`ImageGrid`]: `d2l.show_images` |
//! | [`figures`] | the animator's `train_ch3` figure, the loss curves of 4.4 and 4.5 |
//! | [`figure`] | the [`Figure`] trait: size, drawing, SVG/PNG rendering and `save` |
//! | [`style`] | formats (`"m--"`), scales, the book's axis style |
//! | [`file`](mod@file) | atomic writes |
//! | `notebook` | with the `evcxr` feature: figures inline in a Jupyter notebook (`evcxr_display`) |
//!
//! ```
//! use d2l_plot::{Figure, LinePlot};
//! let dir = tempfile::tempdir().unwrap();
//! let (svg, png) = LinePlot::new()
//!     .xlabel("x")
//!     .series("x²", &[0.0, 1.0, 2.0], &[0.0, 1.0, 4.0])
//!     .save(dir.path().join("square"))
//!     .unwrap();
//! assert!(svg.exists() && png.exists());
//! ```

mod clip;
pub mod error;
pub mod figure;
pub mod figures;
pub mod file;
pub mod histogram;
pub mod images;
pub mod line;
#[cfg(feature = "evcxr")]
pub mod notebook;
pub mod style;

pub use error::{Error, Result};
pub use figure::Figure;
pub use figures::{loss_figure, seed_band_figure, training_figure};
pub use histogram::Histogram;
pub use images::{GrayImage, ImageGrid, show_images};
pub use line::{Band, LegendPosition, LinePlot, Series};
pub use style::{Fmt, Scale, Stroke};
