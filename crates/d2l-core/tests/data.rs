//! The minibatch iterator and the synthetic data, checked on their real properties.

use candle_core::{Device, Tensor};
use d2l_core::data::{DataLoader, Dataset, synthetic_data};
use d2l_core::rng;

/// A dataset whose labels are the example indices, so batches reveal the order.
fn indexed(n: usize) -> Dataset {
    let x = Tensor::arange(0f32, n as f32, &Device::Cpu)
        .unwrap()
        .reshape((n, 1))
        .unwrap();
    let y = Tensor::arange(0u32, n as u32, &Device::Cpu).unwrap();
    Dataset::new(x, y).unwrap()
}

fn epoch_order(loader: &mut DataLoader) -> Vec<u32> {
    loader
        .epoch()
        .flat_map(|b| b.unwrap().y.to_vec1::<u32>().unwrap())
        .collect()
}

#[test]
fn batch_256_over_60000_gives_235_batches_the_last_of_96() {
    let mut loader = DataLoader::new(indexed(60_000), 256).unwrap().shuffled(1);
    let sizes: Vec<usize> = loader.epoch().map(|b| b.unwrap().len()).collect();
    assert_eq!(sizes.len(), 235);
    assert_eq!(sizes.iter().filter(|&&s| s == 256).count(), 234);
    assert_eq!(sizes.last(), Some(&96));
}

#[test]
fn every_index_appears_exactly_once_per_epoch() {
    let mut loader = DataLoader::new(indexed(60_000), 256).unwrap().shuffled(7);
    for _ in 0..2 {
        let mut order = epoch_order(&mut loader);
        assert_eq!(order.len(), 60_000);
        order.sort_unstable();
        assert!(order.iter().enumerate().all(|(i, &v)| i as u32 == v));
    }
}

#[test]
fn features_and_labels_stay_paired_after_shuffling() {
    let mut loader = DataLoader::new(indexed(1000), 64).unwrap().shuffled(3);
    for batch in loader.epoch() {
        let b = batch.unwrap();
        let x: Vec<f32> = b.x.flatten_all().unwrap().to_vec1().unwrap();
        let y: Vec<u32> = b.y.to_vec1().unwrap();
        assert!(x.iter().zip(&y).all(|(a, b)| *a as u32 == *b));
    }
}

#[test]
fn the_same_seed_gives_the_same_order_and_another_seed_another() {
    let order = |seed| {
        epoch_order(
            &mut DataLoader::new(indexed(60_000), 256)
                .unwrap()
                .shuffled(seed),
        )
    };
    assert_eq!(order(42), order(42));
    assert_ne!(order(42), order(43));
    // Successive epochs of one loader are reshuffled.
    let mut loader = DataLoader::new(indexed(60_000), 256).unwrap().shuffled(42);
    assert_ne!(epoch_order(&mut loader), epoch_order(&mut loader));
}

#[test]
fn an_unshuffled_loader_keeps_storage_order() {
    let mut loader = DataLoader::new(indexed(10), 4).unwrap();
    assert_eq!(epoch_order(&mut loader), (0..10).collect::<Vec<u32>>());
}

#[test]
fn batch_size_zero_and_mismatched_lengths_are_errors() {
    let err = DataLoader::new(indexed(10), 0).unwrap_err();
    assert_eq!(err.to_string(), "batch_size must be at least 1, got 0");
    let x = Tensor::zeros((3, 2), candle_core::DType::F32, &Device::Cpu).unwrap();
    let y = Tensor::zeros(4, candle_core::DType::U32, &Device::Cpu).unwrap();
    assert!(Dataset::new(x, y).is_err());
}

#[test]
#[allow(clippy::needless_range_loop)]
fn synthetic_data_and_least_squares_recover_w_and_b() {
    let mut r = rng::seeded(0);
    let (true_w, true_b) = ([2.0f32, -3.4], 4.2f32);
    let (x, y) = synthetic_data(&true_w, true_b, 1000, &mut r, &Device::Cpu).unwrap();
    assert_eq!(x.dims(), [1000, 2]);
    assert_eq!(y.dims(), [1000, 1]);
    // Solve the normal equations [X 1]^T [X 1] θ = [X 1]^T y in f64.
    let xs: Vec<Vec<f32>> = x.to_vec2().unwrap();
    let ys: Vec<f32> = y.flatten_all().unwrap().to_vec1().unwrap();
    let mut a = [[0f64; 3]; 3];
    let mut rhs = [0f64; 3];
    for (row, &t) in xs.iter().zip(&ys) {
        let f = [row[0] as f64, row[1] as f64, 1.0];
        for i in 0..3 {
            rhs[i] += f[i] * t as f64;
            for j in 0..3 {
                a[i][j] += f[i] * f[j];
            }
        }
    }
    let theta = solve3(a, rhs);
    assert!((theta[0] - 2.0).abs() < 2e-3, "{theta:?}");
    assert!((theta[1] + 3.4).abs() < 2e-3, "{theta:?}");
    assert!((theta[2] - 4.2).abs() < 2e-3, "{theta:?}");
    // The residual has the noise's standard deviation, 0.01.
    let w = Tensor::new(&[[2f32], [-3.4]], &Device::Cpu).unwrap();
    let resid = ((y - x.matmul(&w).unwrap()).unwrap() - 4.2).unwrap();
    let std = resid
        .sqr()
        .unwrap()
        .mean_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
        .sqrt();
    assert!((std - 0.01).abs() < 1e-3, "noise std {std}");
}

/// Gaussian elimination for a 3×3 system.
#[allow(clippy::needless_range_loop)]
fn solve3(mut a: [[f64; 3]; 3], mut b: [f64; 3]) -> [f64; 3] {
    for i in 0..3 {
        for k in i + 1..3 {
            let f = a[k][i] / a[i][i];
            for j in i..3 {
                a[k][j] -= f * a[i][j];
            }
            b[k] -= f * b[i];
        }
    }
    let mut x = [0f64; 3];
    for i in (0..3).rev() {
        x[i] = (b[i] - (i + 1..3).map(|j| a[i][j] * x[j]).sum::<f64>()) / a[i][i];
    }
    x
}

#[test]
fn selected_rows_equal_index_select() {
    let x = Tensor::arange(0f32, 700., &Device::Cpu)
        .unwrap()
        .reshape((100, 7))
        .unwrap();
    let y = Tensor::arange(0u32, 100, &Device::Cpu).unwrap();
    let data = Dataset::new(x.clone(), y).unwrap();
    let indices = [99u32, 0, 42, 42, 7];
    let batch = data.select(&indices).unwrap();
    let idx = Tensor::new(&indices, &Device::Cpu).unwrap();
    assert_eq!(
        batch.x.to_vec2::<f32>().unwrap(),
        x.index_select(&idx, 0).unwrap().to_vec2::<f32>().unwrap()
    );
    assert!(
        data.select(&[100]).is_err(),
        "an index past the end is an error"
    );
}
