//! # fashion-mnist
//!
//! The real Fashion-MNIST (Zalando, MIT licence) for d2l-rs: the book's
//! `load_data_fashion_mnist` and `get_fashion_mnist_labels`.
//!
//! - reads the four IDX files, gzipped or not, checking magic numbers, dimensions, counts and
//!   lengths, and names the file and the problem when something is off ([`Error`]);
//! - reads them from `--data-dir` / `$D2L_DATA_DIR` alone when one is given, else finds them
//!   in the workspace's `datasets/fashion-mnist/` or Debian's
//!   `/usr/share/datasets/fashion-mnist/` ([`locate`]);
//! - gives images as f32 tensors in [0, 1] of shape `(N, 784)` (view them as `(N, 1, 28, 28)`)
//!   and labels as u32, as `ToTensor()` does (no normalisation).
//!
//! ```
//! let data = fashion_mnist::FashionMnist::load(None, &candle_core::Device::Cpu).unwrap();
//! let (mut train_iter, _test_iter) = data.loaders(256, 0).unwrap();
//! assert_eq!(train_iter.num_batches(), 235);
//! ```
//!
//! Run `cargo run --release -p fashion-mnist` to print the split sizes and draw the first 18
//! training images with their labels (the binary, behind the default `cli` feature).

pub mod error;
pub mod idx;
pub mod locate;

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use d2l_core::classifier::Prediction;
use d2l_core::data::{DataLoader, Dataset};

pub use error::{Error, Result};

/// The ten class names in label order (the book's `get_fashion_mnist_labels`).
pub const LABELS: [&str; 10] = [
    "t-shirt",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "ankle boot",
];

/// Pixels per image.
pub const PIXELS: usize = idx::SIDE * idx::SIDE;

/// About the memory the decoded data set takes: 70 000 images of f32 pixels and their labels.
pub const MEMORY_BYTES: u64 = 70_000 * (PIXELS as u64 + 1) * 4;

/// Layer widths of an MLP classifying Fashion-MNIST: `[784, num_hiddens × num_layers, 10]`.
pub fn mlp_widths(num_hiddens: usize, num_layers: usize) -> Vec<usize> {
    let mut widths = vec![PIXELS];
    widths.extend(std::iter::repeat_n(num_hiddens, num_layers));
    widths.push(LABELS.len());
    widths
}

/// The class name of each label (the book's `get_fashion_mnist_labels`).
pub fn text_labels(labels: &[u32]) -> Vec<&'static str> {
    labels
        .iter()
        .map(|&l| LABELS.get(l as usize).copied().unwrap_or("?"))
        .collect()
}

/// One split: images `(N, 784)` f32 in [0, 1] and labels `(N,)` u32.
#[derive(Clone, Debug)]
pub struct Split {
    /// Images, one row of 784 pixels each.
    pub images: Tensor,
    /// Class indices 0..=9.
    pub labels: Tensor,
}

impl Split {
    /// Number of examples.
    pub fn len(&self) -> usize {
        self.images.dims()[0]
    }

    /// True when the split is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The split as a [`Dataset`] for batching.
    pub fn dataset(&self) -> d2l_core::Result<Dataset> {
        Dataset::new(self.images.clone(), self.labels.clone())
    }

    /// Reads a split from an image file and a label file, each `.gz` or raw.
    pub fn read(images_path: &Path, labels_path: &Path, device: &Device) -> Result<Self> {
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| Error::Io {
                path: path.into(),
                source,
            })
        };
        Self::from_bytes(
            (read(images_path)?, images_path),
            (read(labels_path)?, labels_path),
            device,
        )
    }

    /// Decodes a split from the bytes of an image file and a label file, each `.gz` or raw
    /// (what a browser fetched); the paths only name the files in errors.
    pub fn from_bytes(
        (images, images_path): (Vec<u8>, &Path),
        (labels, labels_path): (Vec<u8>, &Path),
        device: &Device,
    ) -> Result<Self> {
        let images = idx::gunzip_if_gzip(images, images_path)?;
        let raw = idx::parse_images(&images, images_path)?;
        let labels = idx::parse_labels(&idx::gunzip_if_gzip(labels, labels_path)?, labels_path)?;
        if raw.count == 0 {
            return Err(Error::NoExamples {
                path: images_path.into(),
            });
        }
        if raw.count != labels.len() {
            return Err(Error::CountMismatch {
                images: images_path.into(),
                n_images: raw.count,
                labels: labels_path.into(),
                n_labels: labels.len(),
            });
        }
        let pixels = Tensor::from_vec(raw.pixels, (raw.count, PIXELS), device)?;
        let images = (pixels.to_dtype(DType::F32)? / 255.0)?;
        let labels = Tensor::from_vec(labels, raw.count, device)?.to_dtype(DType::U32)?;
        Ok(Self { images, labels })
    }
}

/// Both splits of Fashion-MNIST, in memory.
#[derive(Clone, Debug)]
pub struct FashionMnist {
    /// 60 000 training examples.
    pub train: Split,
    /// 10 000 test examples.
    pub test: Split,
    /// The directory the files came from.
    pub dir: PathBuf,
}

impl FashionMnist {
    /// Finds the data (see [`locate::search_path`]) and loads both splits onto `device`.
    pub fn load(data_dir: Option<&Path>, device: &Device) -> Result<Self> {
        Self::load_from(&locate::find_data_dir(data_dir)?, device)
    }

    /// The device the tensors live on.
    pub fn device(&self) -> &Device {
        self.train.images.device()
    }

    /// Loads both splits from `dir` onto `device`; the two splits are decoded in parallel.
    pub fn load_from(dir: &Path, device: &Device) -> Result<Self> {
        let path = |name: &str| {
            locate::file_in(dir, name).unwrap_or_else(|| dir.join(format!("{name}.gz")))
        };
        let [train_x, train_y, test_x, test_y] = locate::FILE_NAMES.map(path);
        let (train, test) = std::thread::scope(|s| {
            let test = s.spawn(|| Split::read(&test_x, &test_y, device));
            let train = Split::read(&train_x, &train_y, device);
            (
                train,
                test.join().expect("the test-split reader does not panic"),
            )
        });
        Ok(Self {
            train: train?,
            test: test?,
            dir: dir.to_path_buf(),
        })
    }

    /// Decodes both splits from the bytes of the four files, in the order of
    /// [`locate::FILE_NAMES`] (train images, train labels, test images, test labels), as a
    /// browser fetched them from `dir` (which only names them in errors).
    pub fn from_bytes(files: [Vec<u8>; 4], dir: &Path, device: &Device) -> Result<Self> {
        let [train_x, train_y, test_x, test_y] = files;
        let path = |name: &str| dir.join(format!("{name}.gz"));
        let [px, py, qx, qy] = locate::FILE_NAMES.map(path);
        Ok(Self {
            train: Split::from_bytes((train_x, &px), (train_y, &py), device)?,
            test: Split::from_bytes((test_x, &qx), (test_y, &qy), device)?,
            dir: dir.to_path_buf(),
        })
    }

    /// The same data with only the first `n` training examples: the playground's "subset",
    /// and `--train-examples N`. More than the training set holds is refused.
    pub fn with_train_examples(mut self, n: usize) -> d2l_core::Result<Self> {
        d2l_core::validate::positive_usize("train_examples", n)?;
        let all = self.train.len();
        if n > all {
            return Err(d2l_core::Error::InvalidHyperparameter {
                name: "train_examples",
                rule: "at most the number of training images",
                value: format!("{n} (the training set has {all})"),
            });
        }
        self.train = Split {
            images: self.train.images.narrow(0, 0, n)?,
            labels: self.train.labels.narrow(0, 0, n)?,
        };
        Ok(self)
    }

    /// The book's `load_data_fashion_mnist(batch_size)`: a training loader reshuffled every
    /// epoch (seeded) and a test loader in file order.
    // ANCHOR: loaders
    pub fn loaders(
        &self,
        batch_size: usize,
        seed: u64,
    ) -> d2l_core::Result<(DataLoader, DataLoader)> {
        let train = DataLoader::new(self.train.dataset()?, batch_size)?.shuffled(seed);
        let test = DataLoader::new(self.test.dataset()?, batch_size)?;
        Ok((train, test))
    }
    // ANCHOR_END: loaders
}

/// The book's `predict_ch3`: classifies the first `n` test images with `net` in evaluation
/// mode and names the true and predicted classes (the harness draws them).
pub fn predict_ch3<M: candle_core::ModuleT + ?Sized>(
    net: &M,
    data: &FashionMnist,
    n: usize,
) -> d2l_core::Result<Vec<Prediction>> {
    d2l_core::classifier::predict(net, &data.test.images, &data.test.labels, &LABELS, n)
}

/// The harness reads Fashion-MNIST through this (the `cli` feature).
#[cfg(feature = "cli")]
impl d2l_experiment::classifier::ImageData for FashionMnist {
    const SIDE: usize = idx::SIDE;

    fn load(dir: Option<&Path>, device: &Device) -> anyhow::Result<Self> {
        Ok(Self::load(dir, device).map_err(d2l_experiment::InputError::new)?)
    }

    fn dir(&self) -> PathBuf {
        self.dir.clone()
    }

    fn with_train_examples(self, n: usize) -> anyhow::Result<Self> {
        Ok(FashionMnist::with_train_examples(self, n)?)
    }

    fn verify(&self) -> std::result::Result<(), String> {
        locate::verify_checksums(&self.dir).map_err(|e| e.to_string())
    }

    fn test_split(&self) -> (&Tensor, &Tensor) {
        (&self.test.images, &self.test.labels)
    }

    fn class_names(&self) -> &[&str] {
        &LABELS
    }
}
