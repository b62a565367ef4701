//! Grids of grayscale images with titles (the book's `show_images`).

use candle_core::Tensor;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor;

use crate::figure::{DrawResult, Figure};
use crate::style::{FONT, PX_PER_INCH};

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
}

/// The book's `show_images`: the first `rows × cols` images of `images` (one flattened
/// `side × side` image per row, intensities in [0, 1]) in a grid with `titles`, 1.5 inches
/// per image. Images beyond the titles get none; a grid larger than the batch stays partly
/// empty.
///
/// ```
/// let images = candle_core::Tensor::zeros((2, 4), candle_core::DType::F32, &candle_core::Device::Cpu).unwrap();
/// let titles = ["first".to_string(), "second".to_string()];
/// let grid = d2l_plot::show_images(&images, 2, (1, 2), &titles).unwrap();
/// ```
pub fn show_images(
    images: &Tensor,
    side: usize,
    (rows, cols): (usize, usize),
    titles: &[String],
) -> candle_core::Result<ImageGrid> {
    let n = (rows * cols).min(images.dim(0)?);
    let pixels: Vec<Vec<f32>> = images.narrow(0, 0, n)?.to_vec2()?;
    let untitled = String::new();
    let grid = pixels
        .into_iter()
        .zip(titles.iter().chain(std::iter::repeat(&untitled)))
        .fold(ImageGrid::new(rows, cols, 1.5), |grid, (pixels, title)| {
            let image = GrayImage {
                height: side,
                width: side,
                pixels,
            };
            grid.push(image, title.clone())
        });
    Ok(grid)
}

impl ImageGrid {
    /// The cell side in pixels and the number of title lines above each image.
    fn layout(&self) -> (u32, u32) {
        let cell = (self.scale * PX_PER_INCH * 0.75) as u32;
        let title_lines = self
            .titles
            .iter()
            .map(|t| t.lines().count())
            .max()
            .unwrap_or(0) as u32;
        (cell, title_lines)
    }
}

impl Figure for ImageGrid {
    fn pixel_size(&self) -> (u32, u32) {
        let (cell, title_lines) = self.layout();
        let cell_h = cell + 20 * title_lines + 8;
        (cell * self.cols as u32, cell_h * self.rows as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (cell, title_lines) = self.layout();
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
