//! Values and derivatives on the book's grid.

use activations::{Activation, grad_gap, grid, relu_grad, tanh_sigmoid_identity_gap};

fn argmax(v: &[f32]) -> (usize, f32) {
    v.iter()
        .copied()
        .enumerate()
        .fold((0, f32::MIN), |a, b| if b.1 > a.1 { b } else { a })
}

#[test]
fn the_grid_has_160_points_from_minus_8_to_7_9() {
    let x: Vec<f32> = grid(&candle_core::Device::Cpu).unwrap().to_vec1().unwrap();
    assert_eq!(x.len(), 160);
    assert_eq!(x[0], -8.0);
    assert!((x[159] - 7.9).abs() < 1e-6);
    assert_eq!(x[80], 0.0);
}

#[test]
fn sigmoid_and_tanh_gradients_peak_at_zero() {
    let x = grid(&candle_core::Device::Cpu).unwrap();
    let (_, ds) = Activation::Sigmoid.value_and_autograd(&x).unwrap();
    let (i, peak) = argmax(&ds.to_vec1().unwrap());
    assert_eq!((i, peak), (80, 0.25));
    let ends: Vec<f32> = ds.to_vec1().unwrap();
    assert!(
        (ends[0] - 3.35e-4).abs() < 1e-5,
        "sigmoid'(-8) = {}",
        ends[0]
    );
    let (_, dt) = Activation::Tanh.value_and_autograd(&x).unwrap();
    let (i, peak) = argmax(&dt.to_vec1().unwrap());
    assert_eq!((i, peak), (80, 1.0));
}

#[test]
fn autograd_matches_the_closed_forms() {
    let x = grid(&candle_core::Device::Cpu).unwrap();
    for act in [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::Prelu { alpha: 0.1 },
        Activation::Swish { beta: 1.5 },
    ] {
        let (_, auto) = act.value_and_autograd(&x).unwrap();
        let closed = act.closed_form_grad(&x).unwrap();
        let gap = grad_gap(&act, &x, &auto, &closed).unwrap();
        assert!(gap < 1e-6, "{act:?}: {gap}");
    }
}

#[test]
fn relu_at_zero_follows_the_book_in_closed_form_and_candle_in_autograd() {
    let x = grid(&candle_core::Device::Cpu).unwrap();
    let closed: Vec<f32> = relu_grad(&x).unwrap().to_vec1().unwrap();
    let (_, auto) = Activation::Relu.value_and_autograd(&x).unwrap();
    let auto: Vec<f32> = auto.to_vec1().unwrap();
    assert_eq!(closed[80], 0.0, "the book: derivative 0 at exactly 0");
    assert_eq!(auto[80], 1.0, "candle's backward: mask x >= 0");
    assert!(closed.iter().all(|g| *g == 0.0 || *g == 1.0));
}

#[test]
fn prelu_and_swish_derivatives_match_finite_differences() {
    let x = grid(&candle_core::Device::Cpu).unwrap();
    let xs: Vec<f32> = x.to_vec1().unwrap();
    for act in [
        Activation::Prelu { alpha: 0.25 },
        Activation::Swish { beta: 1.0 },
        Activation::Swish { beta: 3.0 },
    ] {
        let closed: Vec<f32> = act.closed_form_grad(&x).unwrap().to_vec1().unwrap();
        let fd = act.finite_difference(&x, 1e-5).unwrap();
        for ((x, c), f) in xs.iter().zip(&closed).zip(&fd) {
            if act.kinked_at_zero() && *x == 0.0 {
                continue;
            }
            assert!((*c as f64 - f).abs() < 1e-5, "{act:?} at {x}: {c} vs {f}");
        }
    }
}

#[test]
fn tanh_plus_one_is_twice_the_sigmoid_of_twice_x() {
    assert!(tanh_sigmoid_identity_gap(&grid(&candle_core::Device::Cpu).unwrap()).unwrap() < 1e-6);
}
