//! Figures inline in a Jupyter notebook on the Rust kernel (evcxr), behind the `evcxr` feature.
//!
//! evcxr shows a cell's value by calling its `evcxr_display` method when it has one: the method
//! prints the content between `EVCXR_BEGIN_CONTENT <mime type>` and `EVCXR_END_CONTENT` on
//! stdout. Line plots and histograms show as SVG (sharp at any zoom); image grids as PNG, the
//! format `d2l.show_images` gives in the book's notebooks. A figure that cannot be drawn shows
//! the reason as text instead.
//!
//! ```
//! use d2l_plot::LinePlot;
//! // The last expression of a notebook cell: evcxr calls `evcxr_display` on it.
//! let figure = LinePlot::new().series("x²", &[0.0, 1.0, 2.0], &[0.0, 1.0, 4.0]);
//! figure.evcxr_display();
//! ```

use base64::Engine;

use crate::{Figure, Histogram, ImageGrid, LinePlot};

/// Prints `figure` for evcxr as an SVG document.
pub fn show_svg(figure: &impl Figure) {
    match figure.to_svg() {
        Ok(svg) => print_content("image/svg+xml", &svg),
        Err(message) => print_content(
            "text/plain",
            &format!("the figure could not be drawn: {message}"),
        ),
    }
}

/// Prints `figure` for evcxr as a base64-encoded PNG image.
pub fn show_png(figure: &impl Figure) {
    match figure.to_png() {
        Ok(png) => print_content(
            "image/png",
            &base64::engine::general_purpose::STANDARD.encode(png),
        ),
        Err(message) => print_content(
            "text/plain",
            &format!("the figure could not be drawn: {message}"),
        ),
    }
}

/// An SVG document drawn elsewhere (for example 4.7's computational graph), shown inline when it
/// is a notebook cell's value.
#[derive(Clone, Debug)]
pub struct Svg(pub String);

impl Svg {
    /// Shows the document inline in a notebook cell.
    pub fn evcxr_display(&self) {
        print_content("image/svg+xml", &self.0);
    }
}

fn print_content(mime: &str, content: &str) {
    println!("EVCXR_BEGIN_CONTENT {mime}\n{content}\nEVCXR_END_CONTENT");
}

impl LinePlot {
    /// Shows the plot inline in a notebook cell (SVG), when the plot is the cell's value.
    pub fn evcxr_display(&self) {
        show_svg(self);
    }
}

impl Histogram {
    /// Shows the histogram inline in a notebook cell (SVG), when it is the cell's value.
    pub fn evcxr_display(&self) {
        show_svg(self);
    }
}

impl ImageGrid {
    /// Shows the grid inline in a notebook cell (PNG), when it is the cell's value.
    pub fn evcxr_display(&self) {
        show_png(self);
    }
}
