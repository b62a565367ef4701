//! Every operation's fallback, the plain candle composition it computes where the fast
//! kernel does not apply (here: f64 tensors, and strided f32 views, on the CPU; the same code
//! runs on CUDA or Metal), against the fast path: values and gradients.

mod support;

use candle_core::{DType, Device, Module, Tensor, Var};
use d2l_kernels::{gather_rows, linear, linear_layer, masked_scale, maximum, relu, scaled_update};
use support::{max_diff, normal, seeded};

/// `t` as an f64 variable (where every operation takes its fallback) and as an f32 one (the
/// fast path), from the same values.
fn both(t: &Tensor) -> (Var, Var) {
    let f64 = Var::from_tensor(&t.to_dtype(DType::F64).unwrap()).unwrap();
    let f32 = Var::from_tensor(t).unwrap();
    (f64, f32)
}

/// The gradients of `sum(y · weights)` for `vars`.
fn grads(y: &Tensor, weights: &Tensor, vars: &[&Var]) -> Vec<Tensor> {
    let weights = weights.to_dtype(y.dtype()).unwrap();
    let g = (y * weights)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    vars.iter().map(|v| g.get(v).unwrap().clone()).collect()
}

#[test]
fn linear_falls_back_to_matmul_and_broadcast_add() {
    let d = Device::Cpu;
    let mut r = seeded(10);
    let x = normal(&mut r, (37, 19), 0.0, 1.0, &d).unwrap();
    let (w64, w32) = both(&normal(&mut r, (19, 23), 0.0, 0.3, &d).unwrap());
    let (b64, b32) = both(&normal(&mut r, 23, 0.0, 0.3, &d).unwrap());
    let weights = normal(&mut r, (37, 23), 0.0, 1.0, &d).unwrap();
    let x64 = x.to_dtype(DType::F64).unwrap();
    let slow = linear(&x64, w64.as_tensor(), b64.as_tensor()).unwrap();
    let fast = linear(&x, w32.as_tensor(), b32.as_tensor()).unwrap();
    assert_eq!(slow.dtype(), DType::F64);
    assert!(max_diff(&slow, &fast) < 1e-5, "{}", max_diff(&slow, &fast));
    let (gs, gf) = (
        grads(&slow, &weights, &[&w64, &b64]),
        grads(&fast, &weights, &[&w32, &b32]),
    );
    for (s, f) in gs.iter().zip(&gf) {
        assert!(max_diff(s, f) < 1e-4, "{}", max_diff(s, f));
    }
    // A batch of matrices is no fast-path shape: it takes the fallback too, on f32.
    let batched = x.reshape((1, 37, 19)).unwrap();
    let y = linear(&batched, w32.as_tensor(), b32.as_tensor()).unwrap();
    assert_eq!(y.dims(), [1, 37, 23]);
    assert!(max_diff(&y.squeeze(0).unwrap(), &fast) < 1e-5);
}

#[test]
fn linear_layer_falls_back_to_candle_nns_forward() {
    let d = Device::Cpu;
    let mut r = seeded(11);
    let x = normal(&mut r, (37, 19), 0.0, 1.0, &d).unwrap();
    let (w64, w32) = both(&normal(&mut r, (23, 19), 0.0, 0.3, &d).unwrap());
    let (b64, b32) = both(&normal(&mut r, 23, 0.0, 0.3, &d).unwrap());
    let weights = normal(&mut r, (37, 23), 0.0, 1.0, &d).unwrap();
    let layer64 = candle_nn::Linear::new(w64.as_tensor().clone(), Some(b64.as_tensor().clone()));
    let layer32 = candle_nn::Linear::new(w32.as_tensor().clone(), Some(b32.as_tensor().clone()));
    let slow = linear_layer(&layer64, &x.to_dtype(DType::F64).unwrap()).unwrap();
    let fast = linear_layer(&layer32, &x).unwrap();
    assert!(max_diff(&slow, &fast) < 1e-5);
    let (gs, gf) = (
        grads(&slow, &weights, &[&w64, &b64]),
        grads(&fast, &weights, &[&w32, &b32]),
    );
    for (s, f) in gs.iter().zip(&gf) {
        assert_eq!(s.dims(), f.dims());
        assert!(max_diff(s, f) < 1e-4, "{}", max_diff(s, f));
    }
    // Without a bias it is candle-nn's forward, whatever the dtype.
    let no_bias = candle_nn::Linear::new(w32.as_tensor().clone(), None);
    let y = linear_layer(&no_bias, &x).unwrap();
    assert!(max_diff(&y, &no_bias.forward(&x).unwrap()) == 0.0);
}

#[test]
fn relu_and_maximum_fall_back_with_the_same_values_and_gradients() {
    let d = Device::Cpu;
    let mut r = seeded(12);
    let base = normal(&mut r, (64, 33), 0.0, 1.0, &d).unwrap();
    // Exact zeros and ties, where the gradient rules matter: none at 0 for ReLU, half to
    // each side of a tie for the maximum.
    let base = base
        .narrow(1, 0, 30)
        .map(|t| Tensor::cat(&[t, Tensor::zeros((64, 3), DType::F32, &d).unwrap()], 1).unwrap())
        .unwrap();
    let other = normal(&mut r, (64, 33), 0.0, 1.0, &d).unwrap();
    let other = Tensor::cat(
        &[
            other.narrow(1, 0, 30).unwrap(),
            base.narrow(1, 30, 3).unwrap(),
        ],
        1,
    )
    .unwrap();
    let weights = normal(&mut r, (64, 33), 0.0, 1.0, &d).unwrap();
    let (x64, x32) = both(&base);
    let (o64, o32) = both(&other);

    let slow = relu(x64.as_tensor()).unwrap();
    let fast = relu(x32.as_tensor()).unwrap();
    assert_eq!(max_diff(&slow, &fast), 0.0);
    let (gs, gf) = (
        grads(&slow, &weights, &[&x64]),
        grads(&fast, &weights, &[&x32]),
    );
    assert_eq!(
        max_diff(&gs[0], &gf[0]),
        0.0,
        "relu's gradient, zeros included"
    );

    let slow = maximum(x64.as_tensor(), o64.as_tensor()).unwrap();
    let fast = maximum(x32.as_tensor(), o32.as_tensor()).unwrap();
    assert_eq!(max_diff(&slow, &fast), 0.0);
    let (gs, gf) = (
        grads(&slow, &weights, &[&x64, &o64]),
        grads(&fast, &weights, &[&x32, &o32]),
    );
    for (s, f) in gs.iter().zip(&gf) {
        assert!(max_diff(s, f) < 1e-7, "maximum's gradients, ties included");
    }

    // A strided f32 view is no fast-path layout either: the fallback, the same values.
    let strided = x32.as_tensor().t().unwrap();
    assert!(!strided.is_contiguous());
    let y = relu(&strided).unwrap();
    assert_eq!(
        max_diff(&y.t().unwrap(), &relu(x32.as_tensor()).unwrap()),
        0.0
    );
    let m = maximum(&strided, &o32.as_tensor().t().unwrap()).unwrap();
    assert_eq!(max_diff(&m.t().unwrap(), &fast), 0.0);
}

#[test]
fn nan_propagates_through_relu_and_maximum_as_in_torch() {
    let d = Device::Cpu;
    let nan = f32::NAN;
    let x = Tensor::new(&[nan, -1.0, 2.0, 0.0], &d).unwrap();
    let zeros = x.zeros_like().unwrap();
    for (name, t) in [("f32", x.clone()), ("f64", x.to_dtype(DType::F64).unwrap())] {
        let z = t.zeros_like().unwrap();
        for (what, y) in [
            ("relu", relu(&t).unwrap()),
            ("maximum(x, 0)", maximum(&t, &z).unwrap()),
        ] {
            let v: Vec<f64> = y.to_dtype(DType::F64).unwrap().to_vec1().unwrap();
            assert!(v[0].is_nan(), "{what} on {name} drops the NaN: {v:?}");
            assert_eq!(&v[1..], [0.0, 2.0, 0.0], "{what} on {name}");
        }
    }
    // The fast maximum, like torch.max, gives NaN whichever argument holds it.
    let v: Vec<f32> = maximum(&zeros, &x).unwrap().to_vec1().unwrap();
    assert!(v[0].is_nan(), "{v:?}");
}

#[test]
fn masked_scale_falls_back_to_the_mask_product() {
    let d = Device::Cpu;
    let mut r = seeded(13);
    let x = normal(&mut r, (300, 300), 0.0, 1.0, &d).unwrap();
    let mask = support::keep_mask(&mut r, (300, 300), 0.8, &d).unwrap();
    let weights = normal(&mut r, (300, 300), 0.0, 1.0, &d).unwrap();
    let (x64, x32) = both(&x);
    let slow = masked_scale(x64.as_tensor(), &mask, 1.0 / 0.8).unwrap();
    let fast = masked_scale(x32.as_tensor(), &mask, 1.0 / 0.8).unwrap();
    assert_eq!(slow.dtype(), DType::F64);
    assert!(max_diff(&slow, &fast) < 1e-6);
    let (gs, gf) = (
        grads(&slow, &weights, &[&x64]),
        grads(&fast, &weights, &[&x32]),
    );
    assert!(max_diff(&gs[0], &gf[0]) < 1e-6);
}

#[test]
fn scaled_update_falls_back_to_var_set() {
    let d = Device::Cpu;
    let mut r = seeded(14);
    let p = normal(&mut r, (300, 300), 0.0, 1.0, &d).unwrap();
    let g = normal(&mut r, (300, 300), 0.0, 1.0, &d).unwrap();
    let (p64, p32) = both(&p);
    scaled_update(&p64, &g.to_dtype(DType::F64).unwrap(), 0.99, -0.1).unwrap();
    scaled_update(&p32, &g, 0.99, -0.1).unwrap();
    assert_eq!(p64.dtype(), DType::F64);
    assert!(max_diff(p64.as_tensor(), p32.as_tensor()) < 1e-6);
    // SGD's keep = 1 is `p - lr·g` bit for bit on the fast path.
    let q = Var::from_tensor(&p).unwrap();
    scaled_update(&q, &g, 1.0, -0.1).unwrap();
    let plain = (&p - (&g * 0.1).unwrap()).unwrap();
    assert_eq!(max_diff(q.as_tensor(), &plain), 0.0);
}

#[test]
fn gather_rows_falls_back_to_index_select() {
    let d = Device::Cpu;
    let mut r = seeded(15);
    let x = normal(&mut r, (50, 7), 0.0, 1.0, &d).unwrap();
    let indices = [3u32, 0, 49, 3];
    let fast = gather_rows(&x, &indices).unwrap();
    let slow = gather_rows(&x.to_dtype(DType::F64).unwrap(), &indices).unwrap();
    let idx = Tensor::new(&indices, &d).unwrap();
    assert_eq!(max_diff(&fast, &x.index_select(&idx, 0).unwrap()), 0.0);
    assert_eq!(max_diff(&slow, &fast), 0.0);
    // An index out of range is candle's error, not a panic.
    assert!(gather_rows(&x, &[50]).is_err());
}
