//! On two threads the core's data helpers give bit for bit what they give on one: batches
//! gathered and dropout masks drawn in chunks, with the generators left where drawing one by
//! one leaves them. (Its own test binary: it sets the operations' thread count.)

use candle_core::{Device, Tensor};
use d2l_core::data::{DataLoader, Dataset};
use d2l_core::{ops, rng};
use rand::Rng;

fn draw() -> Vec<Vec<f32>> {
    let d = Device::Cpu;
    let mut r = rng::seeded(7);
    let x = rng::normal(&mut r, (1000, 800), 0.0, 1.0, &d).unwrap();
    let y = Tensor::arange(0u32, 1000, &d).unwrap();
    let mut loader = DataLoader::new(Dataset::new(x, y).unwrap(), 256)
        .unwrap()
        .shuffled(3);
    let batch = loader.epoch().next().unwrap().unwrap();
    let mask = rng::keep_mask(&mut r, (300, 300), 0.8, &d).unwrap();
    let after_mask = r.random::<u32>() as f32;
    vec![
        batch.x.flatten_all().unwrap().to_vec1().unwrap(),
        mask.flatten_all().unwrap().to_vec1().unwrap(),
        vec![after_mask],
    ]
}

fn in_pool(threads: usize) -> Vec<Vec<f32>> {
    ops::set_num_threads(threads);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(draw)
}

#[test]
fn two_threads_draw_exactly_what_one_does() {
    let one = in_pool(1);
    let loops = ops::parallel_work().loops;
    let two = in_pool(2);
    assert!(
        ops::parallel_work().loops >= loops + 2,
        "the gather and the mask ran split"
    );
    for ((a, b), name) in one
        .iter()
        .zip(&two)
        .zip(["batch", "mask", "generator after the mask"])
    {
        let same = a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "{name} differs between one and two threads");
    }
}
