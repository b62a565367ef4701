//! The one seeded random number generator of the project.
//!
//! candle's CPU RNG cannot be seeded (`Device::Cpu.set_seed` returns an error), so every
//! random draw in d2l-rs (initialisation, shuffling, dropout masks, synthetic data) comes
//! from a [`SeededRng`] and reaches candle through `Tensor::from_vec`. Same seed, same numbers.
//!
//! ```
//! use d2l_core::rng::{self, SeededRng};
//! use candle_core::Device;
//! let mut a = rng::seeded(42);
//! let mut b = rng::seeded(42);
//! let x = rng::normal(&mut a, (2, 3), 0.0, 1.0, &Device::Cpu).unwrap();
//! let y = rng::normal(&mut b, (2, 3), 0.0, 1.0, &Device::Cpu).unwrap();
//! assert_eq!(x.to_vec2::<f32>().unwrap(), y.to_vec2::<f32>().unwrap());
//! ```

use candle_core::{Device, Shape, Tensor};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, Normal, Uniform};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// The generator type: ChaCha12, the generator behind rand's `StdRng` (the same numbers for a
/// seed), named so that its position can be saved and restored ([`RngState`]).
pub type SeededRng = rand_chacha::ChaCha12Rng;

/// A generator seeded with `seed`.
pub fn seeded(seed: u64) -> SeededRng {
    SeededRng::seed_from_u64(seed)
}

/// Where a generator stands: enough to continue its stream exactly (what a checkpoint saves
/// of the shuffling and dropout-mask generators).
///
/// ```
/// use rand::Rng;
/// let mut a = d2l_core::rng::seeded(7);
/// let _ = a.random::<f32>();
/// let mut b = d2l_core::rng::RngState::of(&a).restore();
/// assert_eq!(a.random::<u64>(), b.random::<u64>());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RngState {
    /// The 256-bit key the generator was seeded with.
    pub seed: [u8; 32],
    /// The stream number.
    pub stream: u64,
    /// How many 32-bit words of the stream have been used (decimal text, as JSON numbers
    /// cannot hold 128 bits).
    #[serde(with = "decimal")]
    pub word_pos: u128,
}

impl RngState {
    /// The state of `rng`.
    pub fn of(rng: &SeededRng) -> Self {
        Self {
            seed: rng.get_seed(),
            stream: rng.get_stream(),
            word_pos: rng.get_word_pos(),
        }
    }

    /// A generator at this state.
    pub fn restore(&self) -> SeededRng {
        let mut rng = SeededRng::from_seed(self.seed);
        rng.set_stream(self.stream);
        rng.set_word_pos(self.word_pos);
        rng
    }
}

/// A `u128` as a decimal string in JSON.
mod decimal {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(value: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        String::deserialize(d)?.parse().map_err(D::Error::custom)
    }
}

/// An f32 tensor of the given shape with entries drawn from N(`mean`, `std`²).
pub fn normal(
    rng: &mut SeededRng,
    shape: impl Into<Shape>,
    mean: f64,
    std: f64,
    device: &Device,
) -> Result<Tensor> {
    let shape = shape.into();
    let dist = Normal::new(mean as f32, std as f32).map_err(|e| crate::Error::Distribution {
        distribution: "normal",
        message: e.to_string(),
    })?;
    let data: Vec<f32> = (0..shape.elem_count()).map(|_| dist.sample(rng)).collect();
    Ok(Tensor::from_vec(data, shape, device)?)
}

/// An f32 tensor of the given shape with entries drawn from U[`low`, `high`).
pub fn uniform(
    rng: &mut SeededRng,
    shape: impl Into<Shape>,
    low: f64,
    high: f64,
    device: &Device,
) -> Result<Tensor> {
    let shape = shape.into();
    let dist = Uniform::new(low as f32, high as f32).map_err(|e| crate::Error::Distribution {
        distribution: "uniform",
        message: e.to_string(),
    })?;
    let data: Vec<f32> = (0..shape.elem_count()).map(|_| dist.sample(rng)).collect();
    Ok(Tensor::from_vec(data, shape, device)?)
}

/// A model that draws random numbers as it trains (dropout's masks) from generators of its
/// own. Where they stand can be read and set, so that a run that continues another draws
/// what the uninterrupted run would have drawn. A model that draws nothing implements it
/// with the defaults: `impl Generators for MyNet {}`.
pub trait Generators {
    /// Where each of the model's generators stands, in a fixed order (none by default).
    fn generator_states(&self) -> Vec<RngState> {
        Vec::new()
    }

    /// Continues the model's generators from states read by
    /// [`generator_states`](Self::generator_states); states that do not fit are refused.
    fn restore_generators(&self, states: &[RngState]) -> Result<()> {
        match states {
            [] => Ok(()),
            _ => Err(crate::Error::Resume(format!(
                "{} generator state(s) were saved, and this model has none",
                states.len()
            ))),
        }
    }
}

/// An f32 mask of the given shape: 1 with probability `keep`, else 0.
///
/// This is the book's `(torch.rand(X.shape) > p).float()` with `keep = 1 - p`.
pub fn keep_mask(
    rng: &mut SeededRng,
    shape: impl Into<Shape>,
    keep: f64,
    device: &Device,
) -> Result<Tensor> {
    let shape = shape.into();
    let drop = 1.0 - keep as f32;
    // Entry i takes the generator's (start + i)-th word, so the entries can be drawn in
    // chunks, on several threads, each from a copy moved to its first word: the same mask,
    // and the generator left where drawing them one by one would leave it.
    let start = rng.get_word_pos();
    let source = &*rng;
    let data: Vec<f32> = crate::ops::parallel::collect_chunks(shape.elem_count(), |entries| {
        let mut rng = source.clone();
        rng.set_word_pos(start + entries.start as u128);
        entries.map(move |_| {
            if rand::Rng::random::<f32>(&mut rng) >= drop {
                1.0
            } else {
                0.0
            }
        })
    });
    rng.set_word_pos(start + data.len() as u128);
    Ok(Tensor::from_vec(data, shape, device)?)
}

/// A uniformly random permutation of `0..n`.
pub fn permutation(rng: &mut SeededRng, n: usize) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.shuffle(rng);
    order
}
