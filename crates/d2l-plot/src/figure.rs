//! What every figure shares: its pixel size, how it draws itself on a plotters backend, and
//! one way to render it to SVG and PNG and save both next to each other.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::file::write_atomic;
use crate::style::register_fonts;

/// The result of drawing on a backend: plotters' error as text.
pub type DrawResult = std::result::Result<(), String>;

/// A figure that can be drawn, rendered and saved.
pub trait Figure {
    /// The rendered size in pixels.
    fn pixel_size(&self) -> (u32, u32);

    /// Draws the figure on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;

    /// The figure as an SVG document.
    fn to_svg(&self) -> std::result::Result<String, String> {
        register_fonts();
        let mut text = String::new();
        {
            let root = SVGBackend::with_string(&mut text, self.pixel_size()).into_drawing_area();
            self.draw(&root)?;
        }
        Ok(text)
    }

    /// The figure as a PNG image (RGB, 8 bits).
    fn to_png(&self) -> std::result::Result<Vec<u8>, String> {
        register_fonts();
        let (width, height) = self.pixel_size();
        let mut buffer = vec![0u8; width as usize * height as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut buffer, (width, height)).into_drawing_area();
            self.draw(&root)?;
        }
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .write_header()
            .and_then(|mut writer| writer.write_image_data(&buffer))
            .map_err(|e| e.to_string())?;
        Ok(bytes)
    }

    /// Writes `<stem>.svg` and `<stem>.png` atomically and returns both paths.
    fn save(&self, stem: impl AsRef<Path>) -> Result<(PathBuf, PathBuf)> {
        let stem = stem.as_ref();
        let (svg, png) = (stem.with_extension("svg"), stem.with_extension("png"));
        let failed = |path: &Path| {
            let path = path.to_path_buf();
            move |message| Error::Draw { path, message }
        };
        let text = self.to_svg().map_err(failed(&svg))?;
        write_atomic(&svg, text.as_bytes())?;
        let bytes = self.to_png().map_err(failed(&png))?;
        write_atomic(&png, &bytes)?;
        Ok((svg, png))
    }
}
