//! The section's claims, checked on seeded runs.

use candle_core::Device;
use numerical_stability::{exploding, symmetry, vanishing, xavier};

const CPU: Device = Device::Cpu;

#[test]
fn the_sigmoid_gradient_vanishes_away_from_zero() {
    let (x, _, g) = vanishing::sigmoid_and_gradient(&CPU).unwrap();
    assert_eq!(x.len(), 160);
    assert_eq!(g[80], 0.25);
    assert!(g[0] < 4e-4 && g[159] < 4e-4);
}

#[test]
fn the_product_of_100_matrices_explodes_to_about_1e25() {
    let (_, m) = exploding::product_of_random_matrices(0, 100, &CPU).unwrap();
    let l = exploding::log10_max_abs(&m).unwrap();
    assert!((21.0..28.0).contains(&l), "log10 max|M| = {l}");
    // Over many seeds the median is near the theory's 24.5 and the book's 24.8.
    let mut spread = exploding::spread(200, 100, &CPU).unwrap();
    spread.sort_by(f64::total_cmp);
    let median = spread[100];
    assert!((23.5..26.0).contains(&median), "median {median}");
}

#[test]
fn only_xavier_keeps_the_variance_constant_through_depth() {
    let depth = 10;
    let v = |s| xavier::variance_per_layer(s, depth, 256, 512, 0, &CPU).unwrap();
    let big = v(xavier::Scheme::StandardNormal);
    let small = v(xavier::Scheme::SmallNormal);
    assert!(big[depth] > 1e20, "N(0,1) explodes: {}", big[depth]);
    assert!(
        small[depth] < 1e-12,
        "N(0,0.01²) vanishes: {}",
        small[depth]
    );
    for scheme in [xavier::Scheme::XavierNormal, xavier::Scheme::XavierUniform] {
        let var = v(scheme);
        assert!(
            var.iter().all(|x| (0.8..1.25).contains(x)),
            "{scheme:?}: {var:?}"
        );
    }
}

#[test]
fn xavier_sample_variance_is_within_5_percent_for_a_large_layer() {
    let mut r = d2l_core::rng::seeded(3);
    for scheme in [xavier::Scheme::XavierNormal, xavier::Scheme::XavierUniform] {
        let w = scheme.weight(&mut r, (800, 1200), &CPU).unwrap();
        let var = w
            .sqr()
            .unwrap()
            .mean_all()
            .unwrap()
            .to_scalar::<f32>()
            .unwrap() as f64;
        let target = 2.0 / 2000.0;
        assert!(
            (var / target - 1.0).abs() < 0.05,
            "{scheme:?}: {var} vs {target}"
        );
    }
}

#[test]
fn constant_init_keeps_hidden_units_identical_and_dropout_breaks_the_tie() {
    let (plain, plain_loss) = symmetry::train_constant_net(4, 50, None, 0, &CPU).unwrap();
    assert_eq!(
        plain.hidden_unit_spread().unwrap(),
        0.0,
        "SGD never separates identical units"
    );
    // The weights did move: training happened.
    let w: Vec<Vec<f32>> = plain.w1.as_tensor().to_vec2().unwrap();
    assert!(w[0].iter().any(|v| (v - 0.5).abs() > 1e-3));
    assert!(plain_loss.is_finite());
    let (dropped, _) = symmetry::train_constant_net(4, 50, Some(0.5), 0, &CPU).unwrap();
    assert!(
        dropped.hidden_unit_spread().unwrap() > 1e-3,
        "dropout separates the units"
    );
}

#[test]
fn sizes_beyond_the_machine_are_refused_before_any_work() {
    for flags in [["--width", "10000000"], ["--hidden", "100000000000"]] {
        let result = std::process::Command::new(env!("CARGO_BIN_EXE_numerical-stability"))
            .args(flags)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains("of memory"), "{stderr}");
    }
}

#[test]
fn the_gradients_grow_or_vanish_from_the_output_down_as_the_activations_do_up() {
    let depth = 10;
    let g = |s| xavier::gradient_variance_per_layer(s, depth, 256, 512, 0, &CPU).unwrap();
    let big = g(xavier::Scheme::StandardNormal);
    assert_eq!(big.len(), depth + 1);
    assert!(
        (big[depth] - 1.0).abs() < 1e-6,
        "the output's gradient is all ones"
    );
    assert!(
        big[0] > 1e20,
        "N(0,1): the input's gradient explodes: {}",
        big[0]
    );
    let small = g(xavier::Scheme::SmallNormal);
    assert!(small[0] < 1e-12, "N(0,0.01²): it vanishes: {}", small[0]);
    let xavier = g(xavier::Scheme::XavierNormal);
    assert!(xavier.iter().all(|v| (0.7..1.4).contains(v)), "{xavier:?}");
}
