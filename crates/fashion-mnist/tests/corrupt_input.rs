//! Every kind of bad input gives its own error naming the file, never a panic.

use std::io::Write;
use std::path::{Path, PathBuf};

use candle_core::Device;
use fashion_mnist::{Error, FashionMnist, Split, idx, locate};

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn images(count: u32, payload: usize) -> Vec<u8> {
    let mut b = idx::IMAGES_MAGIC.to_be_bytes().to_vec();
    for d in [count, 28, 28] {
        b.extend(d.to_be_bytes());
    }
    b.extend((0..payload).map(|i| (i % 256) as u8));
    b
}

fn labels(count: u32) -> Vec<u8> {
    let mut b = idx::LABELS_MAGIC.to_be_bytes().to_vec();
    b.extend(count.to_be_bytes());
    b.extend((0..count).map(|i| (i % 10) as u8));
    b
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn read(imgs: &[u8], lbls: &[u8]) -> fashion_mnist::Result<Split> {
    let dir = tempfile::tempdir().unwrap();
    let x = write(dir.path(), "x-idx3-ubyte.gz", imgs);
    let y = write(dir.path(), "y-idx1-ubyte", lbls);
    Split::read(&x, &y, &Device::Cpu)
}

#[test]
fn a_valid_small_split_reads_back() {
    let split = read(&gz(&images(3, 3 * 784)), &labels(3)).unwrap();
    assert_eq!(split.len(), 3);
    let px: Vec<Vec<f32>> = split.images.to_vec2().unwrap();
    assert_eq!(px[0][1], 1.0 / 255.0);
}

#[test]
fn truncated_gzip_is_reported() {
    let full = gz(&images(3, 3 * 784));
    let err = read(&full[..full.len() / 2], &labels(3)).unwrap_err();
    assert!(matches!(err, Error::Gzip { .. }), "{err}");
    assert!(err.to_string().contains("x-idx3-ubyte.gz"));
}

#[test]
fn wrong_magic_is_reported() {
    let err = read(&gz(&labels(3)), &labels(3)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::BadMagic {
                found: 0x801,
                expected: 0x803,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn header_count_not_matching_the_data_is_reported() {
    let err = read(&gz(&images(3, 2 * 784)), &labels(3)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Length {
                count: 3,
                found: 1568,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn images_and_labels_of_different_lengths_are_reported() {
    let err = read(&gz(&images(3, 3 * 784)), &labels(2)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::CountMismatch {
                n_images: 3,
                n_labels: 2,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_missing_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let err = Split::read(
        &dir.path().join("nope.gz"),
        &dir.path().join("nope2"),
        &Device::Cpu,
    )
    .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    assert!(err.to_string().contains("nope.gz"));
}

#[test]
fn a_named_directory_is_the_only_place_looked_and_is_named_when_the_data_is_not_there() {
    let empty = tempfile::tempdir().unwrap();
    // The workspace copy exists, but a folder the user named is the only one searched.
    let err = locate::find_data_dir(Some(empty.path())).unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { searched } if searched == &[empty.path().to_path_buf()]),
        "{err}"
    );
    // Without one, the workspace copy is found.
    assert_eq!(
        locate::find_data_dir(None).unwrap(),
        locate::workspace_dir().canonicalize().unwrap()
    );
    // A directory missing one file is not used.
    let partial = tempfile::tempdir().unwrap();
    write(partial.path(), "train-images-idx3-ubyte.gz", b"");
    assert!(FashionMnist::load_from(partial.path(), &Device::Cpu).is_err());
    let msg = Error::NotFound {
        searched: vec![empty.path().into()],
    }
    .to_string();
    assert!(
        msg.contains(&empty.path().display().to_string())
            && msg.contains("apt-get install dataset-fashion-mnist")
    );
}

#[test]
fn a_corrupted_checksum_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    for (name, _) in locate::SHA256 {
        std::fs::copy(locate::workspace_dir().join(name), dir.path().join(name)).unwrap();
    }
    locate::verify_checksums(dir.path()).unwrap();
    write(dir.path(), "t10k-labels-idx1-ubyte.gz", b"tampered");
    assert!(matches!(
        locate::verify_checksums(dir.path()),
        Err(Error::Checksum { .. })
    ));
}

#[test]
fn a_split_without_examples_is_refused() {
    let err = read(&gz(&images(0, 0)), &labels(0)).unwrap_err();
    assert!(matches!(err, Error::NoExamples { .. }), "{err}");
    assert!(err.to_string().contains("holds no images"), "{err}");
}

#[test]
fn a_gzip_bomb_is_named_as_too_large_not_as_a_truncated_download() {
    // 300 MiB of zeros compress to a few hundred KiB.
    let bomb = gz(&vec![0u8; 300 << 20]);
    let err = read(&bomb, &labels(3)).unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("decompresses to more than 256 MiB") && !message.contains("truncated"),
        "{message}"
    );
}

#[test]
fn a_folder_of_the_uncompressed_files_verifies() {
    let dir = tempfile::tempdir().unwrap();
    for name in locate::FILE_NAMES {
        let gz = std::fs::read(locate::workspace_dir().join(format!("{name}.gz"))).unwrap();
        let raw = fashion_mnist::idx::gunzip_if_gzip(gz, std::path::Path::new(name)).unwrap();
        std::fs::write(dir.path().join(name), raw).unwrap();
    }
    locate::verify_checksums(dir.path()).unwrap();
    write(dir.path(), "t10k-labels-idx1-ubyte", b"tampered");
    assert!(matches!(
        locate::verify_checksums(dir.path()),
        Err(Error::Checksum { .. })
    ));
}
