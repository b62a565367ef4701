//! What training holds in memory that prediction does not: the section's third exercise,
//! measured on the tensors a forward pass really keeps.
//!
//! Training keeps every intermediate forward propagation computed until backward propagation
//! has used it (here `Z`, `H` and `O`, each a row per example), and one gradient per
//! parameter. Prediction needs the parameters and, at any moment, only the layer it is
//! computing: its input and its output.

use candle_core::{Device, Tensor};
use d2l_core::Result;
use serde::Serialize;

use crate::{Config, Net, batch};

/// The memory of one training step and one prediction, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Footprint {
    /// Examples in the minibatch.
    pub batch_size: usize,
    /// The parameters (both have them).
    pub parameters: usize,
    /// Training: the parameters, the minibatch, the intermediates kept for the backward pass,
    /// and a gradient per parameter.
    pub training: usize,
    /// Prediction: the parameters, and the largest input-and-output pair of one layer.
    pub prediction: usize,
}

/// The bytes a tensor's elements take.
fn bytes(t: &Tensor) -> usize {
    t.elem_count() * t.dtype().size_in_bytes()
}

/// The [`Footprint`] of `config`'s network for each batch size, from the tensors of a real
/// forward and backward pass.
pub fn footprints(
    config: &Config,
    batch_sizes: &[usize],
    device: &Device,
) -> Result<Vec<Footprint>> {
    batch_sizes
        .iter()
        .map(|&batch_size| {
            let config = Config {
                batch_size,
                ..config.clone()
            };
            let net = Net::new(&config, device)?;
            let (x, y) = batch(&config, device)?;
            let f = net.forward(&x, &y)?;
            let g = net.backward(&x, &y, &f)?;
            let params = [Some(net.w1.as_tensor()), Some(net.w2.as_tensor())]
                .into_iter()
                .chain([net.b1.as_ref().map(|b| b.as_tensor())])
                .flatten()
                .map(bytes)
                .sum::<usize>();
            let grads = bytes(&g.w1) + bytes(&g.w2) + g.b1.as_ref().map_or(0, bytes);
            let kept = bytes(&x) + bytes(&f.z) + bytes(&f.h) + bytes(&f.o);
            // One layer at a time: X in and H out, then H in and O out.
            let layer = (bytes(&x) + bytes(&f.h)).max(bytes(&f.h) + bytes(&f.o));
            Ok(Footprint {
                batch_size,
                parameters: params,
                training: params + kept + grads,
                prediction: params + layer,
            })
        })
        .collect()
}
