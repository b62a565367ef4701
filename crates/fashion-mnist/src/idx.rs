//! The IDX file format of (Fashion-)MNIST, read with every field checked.
//!
//! An IDX file is a big-endian header (`0x00 0x00 <type> <ndims>` then one u32 per dimension)
//! followed by the raw items. Fashion-MNIST uses type `0x08` (unsigned byte): images have
//! magic `0x00000803` and dimensions `N × 28 × 28`, labels magic `0x00000801` and `N`.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// Magic number of an unsigned-byte, 3-dimensional IDX file (images).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an unsigned-byte, 1-dimensional IDX file (labels).
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// Image side in pixels.
pub const SIDE: usize = 28;

/// Decoded images: `count` images of `SIDE × SIDE` bytes, row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawImages {
    /// Number of images.
    pub count: usize,
    /// `count * 784` pixel bytes.
    pub pixels: Vec<u8>,
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn header<'a>(
    bytes: &'a [u8],
    path: &Path,
    kind: &'static str,
    magic: u32,
    ndims: usize,
) -> Result<(Vec<usize>, &'a [u8])> {
    let header_len = 4 + 4 * ndims;
    if bytes.len() < 4 {
        return Err(Error::TruncatedHeader {
            path: path.into(),
            found: bytes.len(),
        });
    }
    let found = read_u32(bytes, 0);
    if found != magic {
        return Err(Error::BadMagic {
            path: path.into(),
            kind,
            found,
            expected: magic,
        });
    }
    if bytes.len() < header_len {
        return Err(Error::TruncatedHeader {
            path: path.into(),
            found: bytes.len(),
        });
    }
    let dims = (0..ndims)
        .map(|i| read_u32(bytes, 4 + 4 * i) as usize)
        .collect();
    Ok((dims, &bytes[header_len..]))
}

fn check_length(path: &Path, count: usize, item: usize, data: &[u8]) -> Result<()> {
    let expected = count.saturating_mul(item);
    if data.len() != expected {
        return Err(Error::Length {
            path: path.into(),
            count,
            expected,
            found: data.len(),
        });
    }
    Ok(())
}

/// Parses an IDX image file's bytes (already decompressed). `path` only labels errors.
// ANCHOR: parse_images
pub fn parse_images(bytes: &[u8], path: &Path) -> Result<RawImages> {
    let (dims, data) = header(bytes, path, "images", IMAGES_MAGIC, 3)?;
    let (count, rows, cols) = (dims[0], dims[1], dims[2]);
    if rows != SIDE || cols != SIDE {
        return Err(Error::BadDimensions {
            path: path.into(),
            rows,
            cols,
        });
    }
    check_length(path, count, SIDE * SIDE, data)?;
    Ok(RawImages {
        count,
        pixels: data.to_vec(),
    })
}
// ANCHOR_END: parse_images

/// Parses an IDX label file's bytes (already decompressed); every label must be in 0..=9.
pub fn parse_labels(bytes: &[u8], path: &Path) -> Result<Vec<u8>> {
    let (dims, data) = header(bytes, path, "labels", LABELS_MAGIC, 1)?;
    check_length(path, dims[0], 1, data)?;
    if let Some((index, &label)) = data.iter().enumerate().find(|(_, l)| **l > 9) {
        return Err(Error::BadLabel {
            path: path.into(),
            index,
            label,
        });
    }
    Ok(data.to_vec())
}

/// The most bytes a file may decompress to: the largest Fashion-MNIST file (the training
/// images) is 47 MB, so more than this is not one, and a small damaged or hostile file cannot
/// make the reader allocate without bound.
pub const MAX_DECOMPRESSED: u64 = 256 << 20;

/// Reads a file, gunzipping it when it starts with the gzip magic bytes.
pub fn read_maybe_gz(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).map_err(|source| Error::Io {
        path: path.into(),
        source,
    })?;
    gunzip_if_gzip(raw, path)
}

/// `raw` itself, or gunzipped when it starts with the gzip magic bytes (at most
/// [`MAX_DECOMPRESSED`] bytes). `path` only labels errors.
pub fn gunzip_if_gzip(raw: Vec<u8>, path: &Path) -> Result<Vec<u8>> {
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return Ok(raw);
    }
    let gzip = |source| Error::Gzip {
        path: path.into(),
        source,
    };
    let mut out = Vec::with_capacity(raw.len().saturating_mul(4).min(MAX_DECOMPRESSED as usize));
    flate2::read::GzDecoder::new(raw.as_slice())
        .take(MAX_DECOMPRESSED + 1)
        .read_to_end(&mut out)
        .map_err(gzip)?;
    if out.len() as u64 > MAX_DECOMPRESSED {
        return Err(Error::TooLarge {
            path: path.into(),
            limit_mib: MAX_DECOMPRESSED >> 20,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images_file(count: u32, rows: u32, cols: u32, payload: usize) -> Vec<u8> {
        let mut b = IMAGES_MAGIC.to_be_bytes().to_vec();
        for d in [count, rows, cols] {
            b.extend(d.to_be_bytes());
        }
        b.extend(std::iter::repeat_n(7u8, payload));
        b
    }

    #[test]
    fn parses_a_well_formed_image_file() {
        let img = parse_images(&images_file(2, 28, 28, 2 * 784), Path::new("x")).unwrap();
        assert_eq!(img.count, 2);
        assert_eq!(img.pixels.len(), 1568);
    }

    #[test]
    fn each_problem_has_its_own_error() {
        let p = Path::new("f");
        assert!(matches!(
            parse_images(&images_file(2, 28, 28, 784), p),
            Err(Error::Length { count: 2, .. })
        ));
        assert!(matches!(
            parse_images(&images_file(1, 28, 27, 756), p),
            Err(Error::BadDimensions { .. })
        ));
        assert!(matches!(
            parse_images(&[0, 0, 8, 1, 0, 0, 0, 0], p),
            Err(Error::BadMagic { found: 0x801, .. })
        ));
        assert!(matches!(
            parse_images(&[0, 0], p),
            Err(Error::TruncatedHeader { .. })
        ));
        let mut labels = LABELS_MAGIC.to_be_bytes().to_vec();
        labels.extend(2u32.to_be_bytes());
        labels.extend([3, 12]);
        assert!(matches!(
            parse_labels(&labels, p),
            Err(Error::BadLabel {
                index: 1,
                label: 12,
                ..
            })
        ));
    }

    #[test]
    fn a_gzip_bomb_is_refused_at_the_bound() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..=(MAX_DECOMPRESSED >> 20) {
            encoder.write_all(&zeros).unwrap();
        }
        let bomb = encoder.finish().unwrap();
        assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
        let e = gunzip_if_gzip(bomb, Path::new("bomb.gz")).unwrap_err();
        assert!(e.to_string().contains("more than 256 MiB"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            let _ = parse_images(&bytes, Path::new("fuzz"));
            let _ = parse_labels(&bytes, Path::new("fuzz"));
        }

        #[test]
        fn arbitrary_gzip_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
            gz.extend(bytes);
            let _ = gunzip_if_gzip(gz, Path::new("fuzz"));
        }

        #[test]
        fn arbitrary_headers_never_panic(dims in proptest::array::uniform3(proptest::num::u32::ANY), payload in 0usize..4096) {
            let _ = parse_images(&images_file(dims[0], dims[1], dims[2], payload), Path::new("fuzz"));
        }
    }
}
