//! Checks on the real, committed Fashion-MNIST files.

use d2l_core::data::DataLoader;
use fashion_mnist::{FashionMnist, LABELS, locate, text_labels};

fn data() -> FashionMnist {
    FashionMnist::load_from(&locate::workspace_dir(), &candle_core::Device::Cpu)
        .expect("the committed data loads")
}

#[test]
fn committed_files_match_the_published_checksums() {
    locate::verify_checksums(&locate::workspace_dir()).unwrap();
}

#[test]
fn splits_have_the_published_sizes_and_pixels_are_in_unit_range() {
    let d = data();
    assert_eq!(d.train.len(), 60_000);
    assert_eq!(d.test.len(), 10_000);
    assert_eq!(d.train.images.dims(), [60_000, 784]);
    assert_eq!(d.test.labels.dims(), [10_000]);
    let min = d
        .train
        .images
        .min_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    let max = d
        .train
        .images
        .max_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert_eq!((min, max), (0.0, 1.0));
    // The images view as N×1×28×28, as the book's loader gives them.
    assert_eq!(
        d.test.images.reshape((10_000, 1, 28, 28)).unwrap().dims(),
        [10_000, 1, 28, 28]
    );
}

#[test]
fn first_test_labels_are_the_books() {
    let d = data();
    let first: Vec<u32> = d.test.labels.narrow(0, 0, 6).unwrap().to_vec1().unwrap();
    assert_eq!(first, [9, 2, 1, 1, 6, 1]);
    assert_eq!(
        text_labels(&first),
        [
            "ankle boot",
            "pullover",
            "trouser",
            "trouser",
            "shirt",
            "trouser"
        ]
    );
}

/// The titles of the book's `show_images(X, 2, 9, titles=get_fashion_mnist_labels(y))` figure
/// of the first 18 training images, read off the book's page (section 3.5): the names come
/// from the real labels, so a wrong name order fails here.
#[test]
fn first_training_images_carry_the_books_titles() {
    let labels: Vec<u32> = data()
        .train
        .labels
        .narrow(0, 0, 18)
        .unwrap()
        .to_vec1()
        .unwrap();
    assert_eq!(
        text_labels(&labels),
        [
            "ankle boot",
            "t-shirt",
            "t-shirt",
            "dress",
            "t-shirt",
            "pullover",
            "sneaker",
            "pullover",
            "sandal",
            "sandal",
            "t-shirt",
            "ankle boot",
            "sandal",
            "sandal",
            "sneaker",
            "ankle boot",
            "trouser",
            "t-shirt"
        ]
    );
    assert_eq!(LABELS.len(), 10);
}

#[test]
fn every_class_has_six_thousand_training_images() {
    let labels: Vec<u32> = data().train.labels.to_vec1().unwrap();
    for class in 0..10 {
        assert_eq!(
            labels.iter().filter(|&&l| l == class).count(),
            6000,
            "class {class}"
        );
    }
}

#[test]
fn batch_size_256_gives_the_books_batch_counts() {
    let d = data();
    let (mut train, mut test): (DataLoader, DataLoader) = d.loaders(256, 0).unwrap();
    assert_eq!(train.num_batches(), 235);
    assert_eq!(test.num_batches(), 40);
    let sizes: Vec<usize> = train.epoch().map(|b| b.unwrap().len()).collect();
    assert_eq!(sizes.len(), 235);
    assert!(sizes[..234].iter().all(|&s| s == 256));
    assert_eq!(sizes[234], 96);
    let last = test.epoch().last().unwrap().unwrap();
    assert_eq!(last.len(), 16);
    assert_eq!(last.x.dims(), [16, 784]);
}

#[test]
fn the_binary_draws_the_books_images_and_records_its_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let result = std::process::Command::new(env!("CARGO_BIN_EXE_fashion-mnist"))
        .args(["--threads", "2", "--quiet", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(
        stdout.contains("train: 60000 images, test: 10000 images"),
        "{stdout}"
    );
    assert!(out.join("train-images.png").is_file());
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["config"]["seed"], 0);
    assert_eq!(config["runtime"]["threads"], 2);
    assert_eq!(config["runtime"]["device"], "cpu");
    assert!(
        config["data"]["dir"]
            .as_str()
            .is_some_and(|d| d.ends_with("fashion-mnist"))
    );
    assert_eq!(config["data"]["sha256"], "verified");
    assert!(stdout.contains("(SHA-256 verified)"), "{stdout}");
}
