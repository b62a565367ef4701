//! On two threads the operations give bit for bit what they give on one (products split by
//! rows or columns, rows gathered, element-wise loops and parameter updates in chunks), and
//! the parallel paths really ran. (Its own test binary: it sets the operations' thread
//! count and reads the process-wide counters.)

mod support;

use std::time::Duration;

use candle_core::{Device, Tensor, Var};
use d2l_kernels::{
    gather_rows, linear, linear_layer, masked_scale, parallel_work, relu, scaled_update,
};

/// Everything the test computes, as plain numbers.
fn step() -> Vec<Vec<f32>> {
    let d = Device::Cpu;
    let mut r = support::seeded(7);
    // Big enough for every split: 256·800·300 multiply-adds (the rows of the weight gradients
    // split, the columns of the products with 256 and 40 rows), 256-row batches of 800 values,
    // element-wise loops over 300·300 entries, an 800·300 parameter, and the same as
    // candle-nn's `(out, in)` weight.
    let x = support::normal(&mut r, (1000, 800), 0.0, 1.0, &d).unwrap();
    let indices: Vec<u32> = (0..256).map(|i| (i * 7919) % 1000).collect();
    let batch = gather_rows(&x, &indices).unwrap();
    let w = Var::from_tensor(&support::normal(&mut r, (800, 300), 0.0, 0.1, &d).unwrap()).unwrap();
    let b = Var::zeros(300, candle_core::DType::F32, &d).unwrap();
    let h = linear(&batch, w.as_tensor(), b.as_tensor()).unwrap();
    let few_rows = linear(
        &batch.narrow(0, 0, 40).unwrap(),
        w.as_tensor(),
        b.as_tensor(),
    )
    .unwrap();
    let w_out_in = Var::from_tensor(&w.as_tensor().t().unwrap().contiguous().unwrap()).unwrap();
    let layer = candle_nn::Linear::new(w_out_in.as_tensor().clone(), Some(b.as_tensor().clone()));
    let h_layer = linear_layer(&layer, &batch).unwrap();
    let mask = support::keep_mask(&mut r, (256, 300), 0.8, &d).unwrap();
    let dropped = masked_scale(&relu(&h).unwrap(), &mask, 1.25).unwrap();
    let loss = (dropped.sqr().unwrap().sum_all().unwrap()
        + h_layer.sqr().unwrap().sum_all().unwrap())
    .unwrap();
    let grads = loss.backward().unwrap();
    for p in [&w, &w_out_in] {
        scaled_update(p, grads.get(p).unwrap(), 0.999, -0.1 / 256.0).unwrap();
    }
    let flat = |t: &Tensor| t.flatten_all().unwrap().to_vec1().unwrap();
    vec![
        flat(&batch),
        flat(&h),
        flat(&few_rows),
        flat(&h_layer),
        flat(&dropped),
        flat(w.as_tensor()),
        flat(w_out_in.as_tensor()),
    ]
}

fn in_pool(threads: usize) -> Vec<Vec<f32>> {
    d2l_kernels::set_num_threads(threads);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(step)
}

#[test]
fn two_threads_compute_exactly_what_one_does_and_the_parallel_paths_run() {
    let before = parallel_work();
    let one = in_pool(1);
    let after_one = parallel_work();
    assert_eq!(after_one, before, "one thread splits nothing");
    let two = in_pool(2);
    let after_two = parallel_work();
    // The four products forward (the 40-row one included) and the weight gradients back.
    assert!(
        after_two.products >= before.products + 5,
        "{before:?} -> {after_two:?}"
    );
    // The gather, ReLU, the masked scale (both ways), ReLU's gradient and the two updates.
    assert!(
        after_two.loops >= before.loops + 6,
        "{before:?} -> {after_two:?}"
    );
    assert!(after_two.lingers > before.lingers, "a worker lingered");
    let names = [
        "batch",
        "product",
        "product of 40 rows",
        "product with an (out, in) weight",
        "dropout",
        "w",
        "(out, in) w",
    ];
    for ((a, b), name) in one.iter().zip(&two).zip(names) {
        assert_eq!(a.len(), b.len(), "{name}");
        let same = a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "{name} differs between one and two threads");
    }

    // With the linger time zero, no worker lingers, and the results are the same.
    d2l_kernels::set_linger(Duration::ZERO);
    let lingers = parallel_work().lingers;
    assert_eq!(in_pool(2), two);
    assert_eq!(
        parallel_work().lingers,
        lingers,
        "no linger job with linger 0"
    );
    d2l_kernels::set_linger(Duration::from_millis(1));
}
