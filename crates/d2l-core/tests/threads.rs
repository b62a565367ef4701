//! On two threads the fast operations give bit for bit what they give on one: products split
//! by rows or columns, batches gathered, dropout masks drawn and parameters updated in
//! chunks. (Its own test binary: it sets the operations' thread count.)

use candle_core::{Device, Tensor, Var};
use d2l_core::data::{DataLoader, Dataset};
use d2l_core::ops::{self, linear};
use d2l_core::optim::sgd;
use d2l_core::rng;
use rand::Rng;

/// Everything the test computes, as plain numbers.
fn step() -> Vec<Vec<f32>> {
    let d = Device::Cpu;
    let mut r = rng::seeded(7);
    // Big enough for every split: 256·800·300 multiply-adds (the rows of the weight gradient
    // split, the columns of the products with 256 and 40 rows), 256-row batches of 800 values,
    // masks of 300·300 entries, a 800·300 parameter, and the same as candle-nn's `(out, in)`
    // weight.
    let x = rng::normal(&mut r, (1000, 800), 0.0, 1.0, &d).unwrap();
    let y = Tensor::arange(0u32, 1000, &d).unwrap();
    let mut loader = DataLoader::new(Dataset::new(x, y).unwrap(), 256)
        .unwrap()
        .shuffled(3);
    let batch = loader.epoch().next().unwrap().unwrap();
    let w = Var::from_tensor(&rng::normal(&mut r, (800, 300), 0.0, 0.1, &d).unwrap()).unwrap();
    let b = Var::zeros(300, candle_core::DType::F32, &d).unwrap();
    let h = linear(&batch.x, w.as_tensor(), b.as_tensor()).unwrap();
    let few_rows = linear(
        &batch.x.narrow(0, 0, 40).unwrap(),
        w.as_tensor(),
        b.as_tensor(),
    )
    .unwrap();
    let w_out_in = Var::from_tensor(&w.as_tensor().t().unwrap().contiguous().unwrap()).unwrap();
    let layer = candle_nn::Linear::new(w_out_in.as_tensor().clone(), Some(b.as_tensor().clone()));
    let h_layer = ops::linear_layer(&layer, &batch.x).unwrap();
    let mask = rng::keep_mask(&mut r, (300, 300), 0.8, &d).unwrap();
    let after_mask = r.random::<u32>() as f32;
    let loss =
        (h.sqr().unwrap().sum_all().unwrap() + h_layer.sqr().unwrap().sum_all().unwrap()).unwrap();
    sgd(
        &[w.clone(), w_out_in.clone()],
        &loss.backward().unwrap(),
        0.1,
        256,
    )
    .unwrap();
    vec![
        batch.x.flatten_all().unwrap().to_vec1().unwrap(),
        h.flatten_all().unwrap().to_vec1().unwrap(),
        few_rows.flatten_all().unwrap().to_vec1().unwrap(),
        h_layer.flatten_all().unwrap().to_vec1().unwrap(),
        mask.flatten_all().unwrap().to_vec1().unwrap(),
        vec![after_mask],
        w.as_tensor().flatten_all().unwrap().to_vec1().unwrap(),
        w_out_in
            .as_tensor()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap(),
    ]
}

fn in_pool(threads: usize) -> Vec<Vec<f32>> {
    ops::set_num_threads(threads);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(step)
}

#[test]
fn two_threads_compute_exactly_what_one_does() {
    let one = in_pool(1);
    let two = in_pool(2);
    let names = [
        "batch",
        "product",
        "product of 40 rows",
        "product with an (out, in) weight",
        "mask",
        "generator after the mask",
        "w",
        "(out, in) w",
    ];
    for ((a, b), name) in one.iter().zip(&two).zip(names) {
        assert_eq!(a.len(), b.len(), "{name}");
        let same = a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "{name} differs between one and two threads");
    }
}
