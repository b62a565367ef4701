//! The custom layers' defining properties.

use candle_core::{Device, Module, Tensor};
use custom_layers::layers::train_demo;
use custom_layers::{CenteredLayer, FourierHalf, MyLinear, TensorReduction};
use d2l_core::{init, rng};

const CPU: Device = Device::Cpu;

#[test]
fn centered_layer_subtracts_the_mean() {
    let x = Tensor::new(&[1f32, 2., 3., 4., 5.], &CPU).unwrap();
    assert_eq!(
        CenteredLayer.forward(&x).unwrap().to_vec1::<f32>().unwrap(),
        [-2., -1., 0., 1., 2.]
    );
    let mut r = rng::seeded(0);
    let (w, b) = init::pytorch_linear(&mut r, 8, 128, &CPU).unwrap();
    let net = candle_nn::Linear::new(w, Some(b));
    let x = rng::uniform(&mut r, (4, 8), 0.0, 1.0, &CPU).unwrap();
    let y = CenteredLayer.forward(&net.forward(&x).unwrap()).unwrap();
    assert_eq!(y.dims(), [4, 128]);
    assert!(y.mean_all().unwrap().to_scalar::<f32>().unwrap().abs() < 1e-6);
}

#[test]
fn my_linear_has_the_books_shapes_and_is_non_negative() {
    let mut r = rng::seeded(1);
    let layer = MyLinear::new(5, 3, &mut r, &Device::Cpu).unwrap();
    assert_eq!(layer.weight.dims(), [5, 3]);
    let y = layer
        .forward(&rng::uniform(&mut r, (2, 5), 0.0, 1.0, &CPU).unwrap())
        .unwrap();
    assert_eq!(y.dims(), [2, 3]);
    assert!(
        y.flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap()
            .iter()
            .all(|v| *v >= 0.0)
    );
}

#[test]
fn my_linear_gradients_match_finite_differences() {
    let mut r = rng::seeded(2);
    let layer = MyLinear::new(4, 3, &mut r, &Device::Cpu).unwrap();
    let x = rng::normal(&mut r, (5, 4), 0.0, 1.0, &CPU).unwrap();
    // Scalar objective: sum of squares of the output.
    let f = |l: &MyLinear| l.forward(&x).unwrap().sqr().unwrap().sum_all().unwrap();
    let grads = f(&layer).backward().unwrap();
    for var in [&layer.weight, &layer.bias] {
        let analytic: Vec<f32> = grads
            .get(var)
            .expect("gradient reaches the parameter")
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        let base: Vec<f32> = var.flatten_all().unwrap().to_vec1().unwrap();
        for (i, g) in analytic.iter().enumerate() {
            let h = 1e-2f32;
            let eval = |delta: f32| {
                let mut v = base.clone();
                v[i] += delta;
                var.set(&Tensor::from_vec(v, var.shape(), &CPU).unwrap())
                    .unwrap();
                f(&layer).to_scalar::<f32>().unwrap()
            };
            let fd = (eval(h) - eval(-h)) / (2.0 * h);
            var.set(&Tensor::from_vec(base.clone(), var.shape(), &CPU).unwrap())
                .unwrap();
            assert!(
                (g - fd).abs() < 1e-2 * (1.0 + fd.abs()),
                "param {i}: {g} vs {fd}"
            );
        }
    }
}

#[test]
fn training_through_both_custom_layers_lowers_the_loss() {
    let losses = train_demo(5, 0.01, 0, &Device::Cpu).unwrap();
    assert_eq!(losses.len(), 6);
    assert!(losses[5] < 0.1 * losses[0], "{losses:?}");
}

#[test]
fn tensor_reduction_matches_the_double_loop_and_is_quadratic() {
    let mut r = rng::seeded(3);
    let layer = TensorReduction::new(5, 3, &mut r, &Device::Cpu).unwrap();
    let x = rng::normal(&mut r, (4, 5), 0.0, 1.0, &CPU).unwrap();
    let y: Vec<Vec<f32>> = layer.forward(&x).unwrap().to_vec2().unwrap();
    for (row, out) in x.to_vec2::<f32>().unwrap().iter().zip(&y) {
        let expected = layer.reference(row).unwrap();
        for (a, b) in out.iter().zip(&expected) {
            assert!((a - b).abs() < 1e-4, "{out:?} vs {expected:?}");
        }
    }
    let y2: Vec<Vec<f32>> = layer
        .forward(&(&x * 3.0).unwrap())
        .unwrap()
        .to_vec2()
        .unwrap();
    for (a, b) in y.iter().flatten().zip(y2.iter().flatten()) {
        assert!(
            (9.0 * a - b).abs() < 1e-3 * (1.0 + b.abs()),
            "homogeneous of degree 2: {a} {b}"
        );
    }
}

#[test]
fn fourier_half_finds_constants_and_cosines() {
    let n = 16;
    let layer = FourierHalf::new(n, &Device::Cpu).unwrap();
    assert_eq!(layer.outputs(), n / 2);
    let constant = Tensor::full(1.5f32, (1, n), &CPU).unwrap();
    let y: Vec<Vec<f32>> = layer
        .forward(&constant)
        .unwrap()
        .squeeze(0)
        .unwrap()
        .to_vec2()
        .unwrap();
    assert_eq!(y.len(), n / 2);
    assert!((y[0][0] - n as f32 * 1.5).abs() < 1e-4 && y[0][1].abs() < 1e-4);
    assert!(y[1..].iter().flatten().all(|v| v.abs() < 1e-4), "{y:?}");
    for k in 1..n / 2 {
        let cos: Vec<f32> = (0..n)
            .map(|t| (2.0 * std::f64::consts::PI * (k * t) as f64 / n as f64).cos() as f32)
            .collect();
        let y: Vec<Vec<f32>> = layer
            .forward(&Tensor::from_vec(cos, (1, n), &CPU).unwrap())
            .unwrap()
            .squeeze(0)
            .unwrap()
            .to_vec2()
            .unwrap();
        for (bin, c) in y.iter().enumerate() {
            let expected = if bin == k { n as f32 / 2.0 } else { 0.0 };
            assert!(
                (c[0] - expected).abs() < 1e-4 && c[1].abs() < 1e-4,
                "k {k} bin {bin}: {c:?}"
            );
        }
    }
}

#[test]
fn the_binary_records_seed_threads_device_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_custom-layers"))
        .args(["--seed", "4", "--quiet", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["config"]["seed"], 4);
    assert_eq!(
        config["runtime"]["threads"], 1,
        "small chapters default to one thread"
    );
    assert_eq!(config["runtime"]["device"], "cpu");
    assert_eq!(config["runtime"]["version"], env!("CARGO_PKG_VERSION"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    // The centred layer's output has mean 0 up to float rounding, and the small net with it
    // learns: its loss falls from before training to the last epoch.
    let mean = summary["centered_mean"].as_f64().unwrap();
    assert!(mean.abs() < 1e-6, "{mean}");
    let losses: Vec<f64> = summary["training_losses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_f64().unwrap())
        .collect();
    assert!(losses.len() >= 2, "{losses:?}");
    assert!(losses.iter().all(|l| l.is_finite()), "{losses:?}");
    assert!(losses.last() < losses.first(), "{losses:?}");
}
