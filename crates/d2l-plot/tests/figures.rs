//! Figures are written whole, as SVG and PNG, with what a reader looks for.

use d2l_core::train::EpochMetrics;
use d2l_plot::{Figure, training_figure};

#[test]
fn the_training_figure_is_written_as_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let history: Vec<EpochMetrics> = [1.1, 0.6, 0.5, 0.45, 0.4]
        .iter()
        .enumerate()
        .map(|(i, &l)| EpochMetrics {
            epoch: i + 1,
            train_loss: l,
            train_acc: 0.8,
            test_acc: 0.79,
            seconds: 0.1,
        })
        .collect();
    let (svg, png) = training_figure(&history, 10)
        .save(dir.path().join("train"))
        .unwrap();
    let svg_text = std::fs::read_to_string(svg).unwrap();
    for label in ["train loss", "train acc", "test acc", "epoch"] {
        assert!(svg_text.contains(label), "{label} missing");
    }
    let bytes = std::fs::read(png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
}

#[test]
fn writing_into_a_missing_folder_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("missing/dir/file.json");
    let err = d2l_plot::file::write_atomic(&gone, b"{}").unwrap_err();
    assert!(err.to_string().contains("missing/dir"), "{err}");
}

#[cfg(unix)]
#[test]
fn written_files_follow_the_umask_like_any_other_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.json");
    d2l_plot::file::write_atomic(&ours, b"{}").unwrap();
    let plain = dir.path().join("plain.json");
    std::fs::write(&plain, b"{}").unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&ours), mode(&plain));
}
