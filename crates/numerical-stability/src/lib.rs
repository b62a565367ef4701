//! # 4.8 Numerical stability and initialization
//!
//! - [`vanishing`]: the sigmoid and its gradient, which vanishes away from 0;
//! - [`exploding`]: the product of 100 random 4×4 N(0, 1) matrices, whose entries reach ~1e25,
//!   and the spread of that size over many seeds;
//! - [`xavier`]: the activation variance through a deep network under N(0, 1), N(0, 0.01²) and
//!   Xavier initialisation (only Xavier keeps it near constant);
//! - [`symmetry`]: a constant initialisation keeps all hidden units identical under SGD, and
//!   dropout breaks the tie.
//!
//! ```sh
//! cargo run --release -p numerical-stability
//! ```
//!
//! ```
//! let (_, product) = numerical_stability::exploding::product_of_random_matrices(0, 100, &candle_core::Device::Cpu)
//!     .unwrap();
//! let log10_max = numerical_stability::exploding::log10_max_abs(&product).unwrap();
//! assert!((21.0..28.0).contains(&log10_max));
//! ```

pub mod config;
pub mod exploding;
pub mod symmetry;
pub mod vanishing;
pub mod xavier;

pub use config::Config;
