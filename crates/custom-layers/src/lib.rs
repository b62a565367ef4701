//! # 5.4 Custom layers
//!
//! Layers written by hand as candle [`Module`](candle_core::Module)s:
//!
//! - [`CenteredLayer`]: no parameters, subtracts the mean of its input;
//! - [`MyLinear`]: a fully connected layer with its own weight and bias and a built-in ReLU.
//!   The book's version reads `self.weight.data`, which detaches the parameters, so no
//!   gradient ever reaches them and the layer cannot be trained. Here the forward pass uses the
//!   `Var`s themselves, so gradients flow (checked against finite differences in the tests);
//! - the exercises: [`TensorReduction`] (`y_k = Σ_ij W_ijk x_i x_j`) and [`FourierHalf`] (the
//!   leading half of the discrete Fourier coefficients).
//!
//! ```sh
//! cargo run --release -p custom-layers
//! ```
//!
//! ```
//! use candle_core::{Device, Module, Tensor};
//! use custom_layers::CenteredLayer;
//! let x = Tensor::new(&[1f32, 2., 3., 4., 5.], &Device::Cpu).unwrap();
//! let y = CenteredLayer.forward(&x).unwrap();
//! assert_eq!(y.to_vec1::<f32>().unwrap(), [-2., -1., 0., 1., 2.]);
//! ```

pub mod config;
pub mod fourier;
pub mod layers;
pub mod tensor_reduction;

pub use config::Config;
pub use fourier::FourierHalf;
pub use layers::{CenteredLayer, MyLinear};
pub use tensor_reduction::TensorReduction;
