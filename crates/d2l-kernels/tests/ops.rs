//! The fast operations against candle's autograd of the plain composition.

mod support;

use candle_core::{Device, Tensor, Var};
use d2l_kernels::{linear, linear_layer, masked_scale, maximum, relu};
use support as rng;
use support::max_diff;

#[test]
fn linear_matches_the_plain_composition_and_skips_the_datas_gradient() {
    let d = Device::Cpu;
    let mut r = rng::seeded(0);
    for (x_is_variable, transposed) in [(false, false), (true, false), (true, true)] {
        let x_data = rng::normal(&mut r, (37, 19), 0.0, 1.0, &d).unwrap();
        let x_var = Var::from_tensor(&x_data).unwrap();
        let x = if x_is_variable {
            x_var.as_tensor().clone()
        } else {
            x_data.clone()
        };
        // A transposed (n, k) weight, as candle-nn's Linear stores it, works through strides.
        let w_store = if transposed {
            rng::normal(&mut r, (23, 19), 0.0, 0.3, &d).unwrap()
        } else {
            rng::normal(&mut r, (19, 23), 0.0, 0.3, &d).unwrap()
        };
        let w = Var::from_tensor(&w_store).unwrap();
        let b = Var::from_tensor(&rng::normal(&mut r, 23, 0.0, 0.3, &d).unwrap()).unwrap();
        let w_used = if transposed {
            w.as_tensor().t().unwrap()
        } else {
            w.as_tensor().clone()
        };
        let target = rng::normal(&mut r, (37, 23), 0.0, 1.0, &d).unwrap();

        let plain = x
            .matmul(&w_used)
            .unwrap()
            .broadcast_add(b.as_tensor())
            .unwrap();
        let fast = linear(&x, &w_used, b.as_tensor()).unwrap();
        assert!(max_diff(&plain, &fast) < 1e-5, "forward");

        let loss = |y: &Tensor| (y - &target).unwrap().sqr().unwrap().sum_all().unwrap();
        let g_plain = loss(&plain).backward().unwrap();
        let g_fast = loss(&fast).backward().unwrap();
        for (name, v) in [("w", &w), ("b", &b)] {
            let (p, f) = (g_plain.get(v).unwrap(), g_fast.get(v).unwrap());
            assert!(max_diff(p, f) < 1e-4, "d{name}: {}", max_diff(p, f));
        }
        match (x_is_variable, g_fast.get(&x_var)) {
            (true, Some(gx)) => assert!(max_diff(g_plain.get(&x_var).unwrap(), gx) < 1e-4),
            (false, None) => {}
            (want, got) => panic!("x variable {want}, gradient present {}", got.is_some()),
        }
    }
}

#[test]
fn linear_layer_matches_candle_nns_linear_with_its_gradients() {
    let d = Device::Cpu;
    let mut r = rng::seeded(1);
    for x_is_variable in [false, true] {
        let x = Var::from_tensor(&rng::normal(&mut r, (37, 19), 0.0, 1.0, &d).unwrap()).unwrap();
        let w = Var::from_tensor(&rng::normal(&mut r, (23, 19), 0.0, 0.3, &d).unwrap()).unwrap();
        let b = Var::from_tensor(&rng::normal(&mut r, 23, 0.0, 0.3, &d).unwrap()).unwrap();
        let layer = candle_nn::Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone()));
        let input = if x_is_variable {
            x.as_tensor().clone()
        } else {
            x.as_tensor().detach()
        };
        let target = rng::normal(&mut r, (37, 23), 0.0, 1.0, &d).unwrap();
        let plain = candle_core::Module::forward(&layer, &input).unwrap();
        let fast = linear_layer(&layer, &input).unwrap();
        assert!(max_diff(&plain, &fast) < 1e-5, "forward");

        let loss = |y: &Tensor| (y - &target).unwrap().sqr().unwrap().sum_all().unwrap();
        let (g_plain, g_fast) = (
            loss(&plain).backward().unwrap(),
            loss(&fast).backward().unwrap(),
        );
        for (name, v) in [("w", &w), ("b", &b)] {
            let (p, f) = (g_plain.get(v).unwrap(), g_fast.get(v).unwrap());
            assert_eq!(p.dims(), f.dims(), "d{name}");
            assert!(max_diff(p, f) < 1e-4, "d{name}: {}", max_diff(p, f));
        }
        match (x_is_variable, g_fast.get(&x)) {
            (true, Some(gx)) => assert!(max_diff(g_plain.get(&x).unwrap(), gx) < 1e-4),
            (false, None) => {}
            (want, got) => panic!("x variable {want}, gradient present {}", got.is_some()),
        }
    }
}

#[test]
fn maximum_matches_candles_maximum_with_its_gradients() {
    let d = Device::Cpu;
    let mut r = rng::seeded(1);
    let a = Var::from_tensor(&rng::normal(&mut r, (64, 33), 0.0, 1.0, &d).unwrap()).unwrap();
    let b = Var::from_tensor(&rng::normal(&mut r, (64, 33), 0.0, 1.0, &d).unwrap()).unwrap();
    // Ties (here where both are 0.5) split the gradient in half, as in candle and PyTorch.
    let tie = Var::new(&[0.5f32, 2.0, -1.0], &d).unwrap();
    let other = Tensor::new(&[0.5f32, 1.0, 3.0], &d).unwrap();
    let weights = rng::normal(&mut r, (64, 33), 0.0, 1.0, &d).unwrap();
    let plain = a.as_tensor().maximum(b.as_tensor()).unwrap();
    let fast = maximum(a.as_tensor(), b.as_tensor()).unwrap();
    assert_eq!(max_diff(&plain, &fast), 0.0);
    let g_plain = (&plain * &weights)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    let g_fast = (&fast * &weights)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    for v in [&a, &b] {
        assert!(max_diff(g_plain.get(v).unwrap(), g_fast.get(v).unwrap()) < 1e-6);
    }
    let g = maximum(tie.as_tensor(), &other)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    assert_eq!(
        g.get(&tie).unwrap().to_vec1::<f32>().unwrap(),
        [0.5, 1.0, 0.0]
    );
}

#[test]
fn relu_matches_candles_relu_with_its_gradient() {
    let d = Device::Cpu;
    let mut r = rng::seeded(2);
    // Normal draws are never exactly 0, where PyTorch (and this op) pass no gradient and
    // candle's relu passes it.
    let x = Var::from_tensor(&rng::normal(&mut r, (64, 33), 0.0, 1.0, &d).unwrap()).unwrap();
    let weights = rng::normal(&mut r, (64, 33), 0.0, 1.0, &d).unwrap();
    let plain = x.as_tensor().relu().unwrap();
    let fast = relu(x.as_tensor()).unwrap();
    assert_eq!(max_diff(&plain, &fast), 0.0);
    let grad = |y: &Tensor| {
        let g = (y * &weights)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
        g.get(&x).unwrap().clone()
    };
    assert_eq!(max_diff(&grad(&plain), &grad(&fast)), 0.0);
    let at_zero = Var::new(&[0f32, 1.0, -1.0], &d).unwrap();
    let g = relu(at_zero.as_tensor())
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    assert_eq!(
        g.get(&at_zero).unwrap().to_vec1::<f32>().unwrap(),
        [0.0, 1.0, 0.0]
    );
}

#[test]
fn masked_scale_matches_the_plain_composition_with_its_gradient() {
    let d = Device::Cpu;
    let mut r = rng::seeded(3);
    // Large enough for the loops to be split between threads where a pool has two.
    let x = Var::from_tensor(&rng::normal(&mut r, (300, 300), 0.0, 1.0, &d).unwrap()).unwrap();
    let mask = rng::keep_mask(&mut r, (300, 300), 0.8, &d).unwrap();
    let weights = rng::normal(&mut r, (300, 300), 0.0, 1.0, &d).unwrap();
    let plain = ((x.as_tensor() * &mask).unwrap() / 0.8).unwrap();
    let fast = masked_scale(x.as_tensor(), &mask, 1.0 / 0.8).unwrap();
    assert_eq!(max_diff(&plain, &fast), 0.0);
    let grads = |y: &Tensor| {
        (y * &weights)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap()
    };
    let (g_plain, g_fast) = (grads(&plain), grads(&fast));
    assert_eq!(
        max_diff(g_plain.get(&x).unwrap(), g_fast.get(&x).unwrap()),
        0.0
    );
    // A mask that is a variable still gets no gradient: it is not a parameter.
    let mask_var = Var::from_tensor(&mask).unwrap();
    let g = masked_scale(x.as_tensor(), mask_var.as_tensor(), 2.0)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    assert!(g.get(&mask_var).is_none());
    // f64 takes the plain composition.
    let x64 = x.as_tensor().to_dtype(candle_core::DType::F64).unwrap();
    let y64 = masked_scale(&x64, &mask, 1.0 / 0.8).unwrap();
    let plain64 =
        ((&x64 * mask.to_dtype(candle_core::DType::F64).unwrap()).unwrap() / 0.8).unwrap();
    assert_eq!(y64.dtype(), candle_core::DType::F64);
    assert_eq!(
        (y64 - plain64)
            .unwrap()
            .abs()
            .unwrap()
            .max_all()
            .unwrap()
            .to_scalar::<f64>()
            .unwrap(),
        0.0
    );
}

/// A variable that several fast ops use gets the sum of their gradients, as candle's autograd
/// of the plain composition gives it (up to float rounding), and every gradient is
/// contiguous.
#[test]
fn gradients_from_several_fast_ops_add_up() -> candle_core::Result<()> {
    let d = Device::Cpu;
    let mut r = rng::seeded(4);
    let x = rng::normal(&mut r, (37, 19), 0.0, 1.0, &d)?;
    let w = Var::from_tensor(&rng::normal(&mut r, (19, 19), 0.0, 0.3, &d)?)?;
    let b = Var::from_tensor(&rng::normal(&mut r, 19, 0.0, 0.3, &d)?)?;
    let (w, b) = (w.as_tensor(), b.as_tensor());
    // `b` feeds two layers, and `w` three ops: both layers (the second as `wᵀ`) and a ReLU.
    let plain = {
        let h = x.matmul(w)?.broadcast_add(b)?.relu()?;
        let y = h.matmul(&w.t()?)?.broadcast_add(b)?;
        (y.sqr()?.sum_all()? + w.relu()?.sum_all()?)?
    };
    let fast = {
        let h = relu(&linear(&x, w, b)?)?;
        let y = linear(&h, &w.t()?, b)?;
        (y.sqr()?.sum_all()? + relu(w)?.sum_all()?)?
    };
    let (g_plain, g_fast) = (plain.backward()?, fast.backward()?);
    for v in [w, b] {
        let (p, f) = (g_plain.get(v).unwrap(), g_fast.get(v).unwrap());
        assert!(f.is_contiguous());
        assert!(max_diff(p, f) < 1e-4, "{}", max_diff(p, f));
    }
    Ok(())
}
