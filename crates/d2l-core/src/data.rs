//! In-memory datasets and the minibatch iterator (the book's `load_array` / `DataLoader`).
//!
//! A [`Dataset`] holds a feature tensor and a label tensor whose first dimensions agree. A
//! [`DataLoader`] walks it in minibatches: in a fresh random order every epoch when it shuffles
//! (the order comes from its own [`SeededRng`]), in storage order otherwise. The last partial
//! batch is kept, as PyTorch's `DataLoader` does by default. Batches are gathered from the
//! pre-loaded data with one row copy per example (the rows of a large batch split between
//! the threads when there are several), or `index_select` for data that is not f32 in memory:
//! no per-sample work.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use d2l_core::data::{Dataset, DataLoader};
//! let x = Tensor::arange(0f32, 10., &Device::Cpu).unwrap().reshape((10, 1)).unwrap();
//! let y = Tensor::arange(0u32, 10, &Device::Cpu).unwrap();
//! let mut loader = DataLoader::new(Dataset::new(x, y).unwrap(), 4).unwrap().shuffled(0);
//! let sizes: Vec<usize> = loader.epoch().map(|b| b.unwrap().len()).collect();
//! assert_eq!(sizes, [4, 4, 2]);
//! ```

use candle_core::{Device, Tensor};

use crate::error::{Error, Result};
use crate::rng::{self, RngState, SeededRng};
use crate::validate;

/// Features `x` and labels `y` of `len()` examples, indexed along dimension 0.
#[derive(Clone, Debug)]
pub struct Dataset {
    x: Tensor,
    y: Tensor,
}

impl Dataset {
    /// Pairs features and labels; fails if their first dimensions differ.
    pub fn new(x: Tensor, y: Tensor) -> Result<Self> {
        let (nx, ny) = (x.dim(0)?, y.dim(0)?);
        if nx != ny {
            return Err(Error::LengthMismatch {
                what: "dataset features and labels",
                left: nx,
                right: ny,
            });
        }
        Ok(Self { x, y })
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.x.dims()[0]
    }

    /// True when the dataset has no examples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The feature tensor.
    pub fn x(&self) -> &Tensor {
        &self.x
    }

    /// The label tensor.
    pub fn y(&self) -> &Tensor {
        &self.y
    }

    /// The examples at `indices`, in that order.
    pub fn select(&self, indices: &[u32]) -> Result<Batch> {
        let idx = Tensor::from_slice(indices, indices.len(), self.x.device())?;
        Ok(Batch {
            x: crate::ops::gather_rows(&self.x, indices)?,
            y: self.y.index_select(&idx, 0)?,
        })
    }

    /// The `len` examples starting at `start` (a view, no copy).
    pub fn slice(&self, start: usize, len: usize) -> Result<Batch> {
        Ok(Batch {
            x: self.x.narrow(0, start, len)?,
            y: self.y.narrow(0, start, len)?,
        })
    }

    /// The same data on another device.
    pub fn to_device(&self, device: &Device) -> Result<Self> {
        Ok(Self {
            x: self.x.to_device(device)?,
            y: self.y.to_device(device)?,
        })
    }
}

/// One minibatch: features and labels.
#[derive(Clone, Debug)]
pub struct Batch {
    /// Features, first dimension = batch length.
    pub x: Tensor,
    /// Labels, first dimension = batch length.
    pub y: Tensor,
}

impl Batch {
    /// The number of examples in the batch (the last one of an epoch may be short).
    pub fn len(&self) -> usize {
        self.x.dims()[0]
    }

    /// True for an empty batch (never produced by [`DataLoader`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Iterates a [`Dataset`] in minibatches, optionally reshuffled every epoch.
#[derive(Clone, Debug)]
pub struct DataLoader {
    dataset: Dataset,
    batch_size: usize,
    shuffle: Option<SeededRng>,
}

impl DataLoader {
    /// A loader that yields batches of `batch_size` in storage order (the book's test loader).
    pub fn new(dataset: Dataset, batch_size: usize) -> Result<Self> {
        validate::positive_usize("batch_size", batch_size)?;
        Ok(Self {
            dataset,
            batch_size,
            shuffle: None,
        })
    }

    /// Reshuffle every epoch with a generator seeded by `seed` (the book's training loader).
    pub fn shuffled(mut self, seed: u64) -> Self {
        self.shuffle = Some(rng::seeded(seed));
        self
    }

    /// Where the shuffling generator stands: what a checkpoint saves to continue the same
    /// sequence of epoch orders (`None` for a loader that keeps storage order).
    pub fn shuffle_state(&self) -> Option<RngState> {
        self.shuffle.as_ref().map(RngState::of)
    }

    /// Continues shuffling from a state saved by [`shuffle_state`](Self::shuffle_state).
    pub fn restore_shuffle(&mut self, state: Option<&RngState>) -> Result<()> {
        if self.shuffle.is_some() != state.is_some() {
            return Err(crate::Error::Resume(format!(
                "a shuffling generator was {}saved, and this loader {} shuffle",
                if state.is_some() { "" } else { "not " },
                if self.shuffle.is_some() {
                    "does"
                } else {
                    "does not"
                },
            )));
        }
        self.shuffle = state.map(RngState::restore);
        Ok(())
    }

    /// The underlying dataset.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The batch size.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Batches per epoch, counting the last partial one.
    pub fn num_batches(&self) -> usize {
        self.dataset.len().div_ceil(self.batch_size)
    }

    /// The example order of the next epoch (drawn from the loader's RNG when it shuffles).
    fn next_order(&mut self) -> Option<Vec<u32>> {
        let n = self.dataset.len();
        self.shuffle.as_mut().map(|rng| rng::permutation(rng, n))
    }

    /// The batches of one epoch. A shuffling loader draws a new order on every call.
    pub fn epoch(&mut self) -> Batches<'_> {
        let order = self.next_order();
        Batches {
            loader: self,
            order,
            next: 0,
        }
    }
}

/// The iterator returned by [`DataLoader::epoch`].
pub struct Batches<'a> {
    loader: &'a DataLoader,
    order: Option<Vec<u32>>,
    next: usize,
}

impl Iterator for Batches<'_> {
    type Item = Result<Batch>;

    fn next(&mut self) -> Option<Self::Item> {
        let n = self.loader.dataset.len();
        if self.next >= n {
            return None;
        }
        let start = self.next;
        let len = self.loader.batch_size.min(n - start);
        self.next += len;
        Some(match &self.order {
            Some(order) => self.loader.dataset.select(&order[start..start + len]),
            None => self.loader.dataset.slice(start, len),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.loader.dataset.len() - self.next).div_ceil(self.loader.batch_size);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Batches<'_> {}

/// The book's `load_array`: a loader over `(x, y)` that shuffles (seeded) when `is_train`.
pub fn load_array(
    x: Tensor,
    y: Tensor,
    batch_size: usize,
    is_train: bool,
    seed: u64,
) -> Result<DataLoader> {
    let loader = DataLoader::new(Dataset::new(x, y)?, batch_size)?;
    Ok(if is_train {
        loader.shuffled(seed)
    } else {
        loader
    })
}

/// The book's `synthetic_data`: `X ~ N(0, 1)` of shape `(n, len(w))` and
/// `y = X w + b + N(0, 0.01²)` of shape `(n, 1)`, on `device`.
pub fn synthetic_data(
    w: &[f32],
    b: f32,
    n: usize,
    rng: &mut SeededRng,
    device: &Device,
) -> Result<(Tensor, Tensor)> {
    let x = rng::normal(rng, (n, w.len()), 0.0, 1.0, device)?;
    let w = Tensor::from_slice(w, (w.len(), 1), device)?;
    let noise = rng::normal(rng, (n, 1), 0.0, 0.01, device)?;
    let y = ((x.matmul(&w)? + b as f64)? + noise)?;
    Ok((x, y))
}
