//! The fused linear op against candle's autograd of the plain composition.

use candle_core::{Device, Tensor, Var};
use d2l_core::fused::{Activation, linear};
use d2l_core::rng;

fn max_diff(a: &Tensor, b: &Tensor) -> f32 {
    (a - b)
        .unwrap()
        .abs()
        .unwrap()
        .max_all()
        .unwrap()
        .to_scalar()
        .unwrap()
}

#[test]
fn forward_and_gradients_match_the_plain_composition() {
    let d = Device::Cpu;
    let mut r = rng::seeded(0);
    for (activation, input_grad, transposed) in [
        (Activation::Relu, false, false),
        (Activation::Relu, true, false),
        (Activation::Identity, true, false),
        (Activation::Relu, true, true),
    ] {
        let x = Var::from_tensor(&rng::normal(&mut r, (37, 19), 0.0, 1.0, &d).unwrap()).unwrap();
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
            .as_tensor()
            .matmul(&w_used)
            .unwrap()
            .broadcast_add(b.as_tensor())
            .unwrap();
        let plain = if activation == Activation::Relu {
            plain.relu().unwrap()
        } else {
            plain
        };
        let fused = linear(
            x.as_tensor(),
            &w_used,
            b.as_tensor(),
            activation,
            input_grad,
        )
        .unwrap();
        assert!(max_diff(&plain, &fused) < 1e-5, "{activation:?} forward");

        let loss = |y: &Tensor| (y - &target).unwrap().sqr().unwrap().sum_all().unwrap();
        let g_plain = loss(&plain).backward().unwrap();
        let g_fused = loss(&fused).backward().unwrap();
        for (name, v) in [("w", &w), ("b", &b)] {
            let (p, f) = (g_plain.get(v).unwrap(), g_fused.get(v).unwrap());
            assert!(
                max_diff(p, f) < 1e-4,
                "{activation:?} d{name}: {}",
                max_diff(p, f)
            );
        }
        match (input_grad, g_fused.get(&x)) {
            (true, Some(gx)) => assert!(max_diff(g_plain.get(&x).unwrap(), gx) < 1e-4),
            (false, None) => {}
            (want, got) => panic!("input_grad {want} but gradient present: {}", got.is_some()),
        }
    }
}
