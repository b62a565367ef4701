//! A course's own experiment built on d2l-rs: two interleaved spirals in the plane (a data set
//! a linear model cannot separate), classified by an MLP written the way section 4.2 writes
//! one, trained with the book's loop. It depends on `d2l-core` alone: no command-line parser,
//! terminal or plotting library is compiled for it.
//!
//! ```
//! let accuracy = course_example::train_on_spirals(0).unwrap();
//! assert!(accuracy > 0.9);
//! ```

use candle_core::{DType, Device, Module, Tensor, Var};
use d2l_core::classifier::Classifier;
use d2l_core::data::{DataLoader, Dataset};
use d2l_core::ops::{linear, maximum};
use d2l_core::optim::ScratchSgd;
use d2l_core::{init, loss, rng, train};

/// `n` points on each of two spirals, labelled 0 and 1, with a little noise, on `device`.
pub fn spirals(n: usize, seed: u64, device: &Device) -> d2l_core::Result<Dataset> {
    let noise =
        rng::normal(&mut rng::seeded(seed), (2 * n, 2), 0.0, 0.05, device)?.to_vec2::<f32>()?;
    let mut xs = Vec::with_capacity(4 * n);
    let mut ys = Vec::with_capacity(2 * n);
    for class in 0..2u32 {
        for i in 0..n {
            let t = 0.5 + 3.0 * i as f32 / n as f32;
            let angle = t * 2.2 + std::f32::consts::PI * class as f32;
            let e = &noise[class as usize * n + i];
            xs.extend([t / 3.5 * angle.cos() + e[0], t / 3.5 * angle.sin() + e[1]]);
            ys.push(class);
        }
    }
    Dataset::new(
        Tensor::from_vec(xs, (2 * n, 2), device)?,
        Tensor::from_vec(ys, 2 * n, device)?,
    )
}

/// The course's network: 2 → 64 → 64 → 2 with ReLU, parameters as `Var`s as in section 4.2.
pub struct SpiralNet {
    layers: Vec<(Var, Var)>,
}

impl SpiralNet {
    /// Weights from N(0, `sigma`²), biases zero.
    pub fn new(sigma: f64, rng: &mut rng::SeededRng, device: &Device) -> d2l_core::Result<Self> {
        let layers = [(2, 64), (64, 64), (64, 2)]
            .into_iter()
            .map(|(i, o)| {
                let w = Var::from_tensor(&init::normal(rng, (i, o), sigma, device)?)?;
                Ok((w, Var::zeros(o, DType::F32, device)?))
            })
            .collect::<d2l_core::Result<_>>()?;
        Ok(Self { layers })
    }
}

impl Module for SpiralNet {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let mut h = x.clone();
        for (k, (w, b)) in self.layers.iter().enumerate() {
            h = linear(&h, w, b)?;
            if k + 1 < self.layers.len() {
                h = maximum(&h, &h.zeros_like()?)?; // relu
            }
        }
        Ok(h)
    }
}

/// It draws no random numbers as it trains.
impl d2l_core::rng::Generators for SpiralNet {}

impl Classifier for SpiralNet {
    fn named_parameters(&self) -> Vec<(String, Var)> {
        self.layers
            .iter()
            .enumerate()
            .flat_map(|(i, (w, b))| {
                [
                    (format!("W{}", i + 1), w.clone()),
                    (format!("b{}", i + 1), b.clone()),
                ]
            })
            .collect()
    }
}

/// Trains a [`SpiralNet`] on 400 spiral points for 300 epochs with the book's `sgd` and
/// returns its accuracy on 400 fresh points.
pub fn train_on_spirals(seed: u64) -> d2l_core::Result<f64> {
    let device = Device::Cpu;
    let mut train_iter = DataLoader::new(spirals(200, seed, &device)?, 32)?.shuffled(seed);
    let mut test_iter = DataLoader::new(spirals(200, seed + 1, &device)?, 400)?;
    let net = SpiralNet::new(0.5, &mut rng::seeded(seed), &device)?;
    let mut updater = ScratchSgd::new(net.parameters(), 0.3);
    let history = train::train_ch3(
        &net,
        &mut train_iter,
        &mut test_iter,
        &loss::cross_entropy,
        300,
        &mut updater,
        &mut (),
    )?;
    Ok(d2l_core::classifier::Summary::from_history(&history)?.test_acc)
}
