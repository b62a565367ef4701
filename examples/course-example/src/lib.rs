//! A course's own experiment built on d2l-rs: two interleaved spirals in the plane (a data set
//! a linear model cannot separate), classified by the from-scratch MLP of section 4.2 with the
//! book's training loop, through the crates' public API only.
//!
//! ```
//! let accuracy = course_example::train_on_spirals(0).unwrap();
//! assert!(accuracy > 0.9);
//! ```

use candle_core::{Device, Tensor};
use d2l_core::classifier::Classifier;
use d2l_core::data::{DataLoader, Dataset};
use d2l_core::optim::ScratchSgd;
use d2l_core::{loss, rng, train};
use mlp_scratch::MlpScratch;

/// `n` points on each of two spirals, labelled 0 and 1, with a little noise.
pub fn spirals(n: usize, seed: u64) -> d2l_core::Result<Dataset> {
    let noise = rng::normal(&mut rng::seeded(seed), (2 * n, 2), 0.0, 0.05, &Device::Cpu)?
        .to_vec2::<f32>()?;
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
        Tensor::from_vec(xs, (2 * n, 2), &Device::Cpu)?,
        Tensor::from_vec(ys, 2 * n, &Device::Cpu)?,
    )
}

/// Trains a 2-64-64-2 `MlpScratch` on 400 spiral points for 300 epochs and returns its
/// accuracy on 400 fresh points.
pub fn train_on_spirals(seed: u64) -> d2l_core::Result<f64> {
    let mut train_iter = DataLoader::new(spirals(200, seed)?, 32)?.shuffled(seed);
    let mut test_iter = DataLoader::new(spirals(200, seed + 1)?, 400)?;
    let net = MlpScratch::new(&[2, 64, 64, 2], 0.5, &mut rng::seeded(seed))?;
    let mut updater = ScratchSgd::new(net.parameters(), 0.3);
    let history = train::train_classifier(
        &net,
        &mut train_iter,
        &mut test_iter,
        &loss::cross_entropy,
        300,
        &mut updater,
        &mut (),
    )?;
    Ok(history.last().map_or(0.0, |m| m.test_acc))
}
