//! The hand-written backward pass against candle's autograd (to 1e-6 in f32) and against
//! finite differences (to 1e-3), with and without the hidden bias, and the exercise's facts.

use backprop::{Config, Net, Param, batch, finite_difference, memory};
use candle_core::{DType, Device};

const CPU: Device = Device::Cpu;

fn configs() -> Vec<Config> {
    let base = Config::default();
    vec![
        base.clone(),
        Config {
            bias: true,
            ..base.clone()
        },
        Config {
            lambd: 0.0,
            batch_size: 1,
            seed: 3,
            ..base.clone()
        },
        Config {
            num_inputs: 50,
            num_hiddens: 40,
            num_outputs: 10,
            batch_size: 32,
            seed: 7,
            ..base
        },
    ]
}

#[test]
fn backward_by_hand_equals_autograd() {
    for config in configs() {
        let net = Net::new(&config, &CPU).unwrap();
        let (x, y) = batch(&config, &CPU).unwrap();
        let f = net.forward(&x, &y).unwrap();
        let by_hand = net.backward(&x, &y, &f).unwrap();
        let autograd = net.autograd(&x, &y).unwrap();
        let gap = by_hand.max_difference(&autograd).unwrap();
        assert!(gap < 1e-6, "{config:?}: {gap:e}");
        assert_eq!(by_hand.b1.is_some(), config.bias);
        // J = L + s, and the penalty is λ/2 of the squared norms.
        assert!((f.objective - f.loss - f.penalty).abs() < 1e-12);
        assert!(f.loss > 0.0 && f.penalty >= 0.0);
    }
}

#[test]
fn backward_by_hand_matches_finite_differences() {
    for config in configs() {
        let net = Net::new(&config, &CPU).unwrap();
        let (x, y) = batch(&config, &CPU).unwrap();
        let by_hand = net.backward(&x, &y, &net.forward(&x, &y).unwrap()).unwrap();
        let net64 = net.to_dtype(DType::F64).unwrap();
        let x64 = x.to_dtype(DType::F64).unwrap();
        let mut params = vec![(Param::W1, &by_hand.w1), (Param::W2, &by_hand.w2)];
        if let Some(b1) = &by_hand.b1 {
            params.push((Param::B1, b1));
        }
        for (which, grad) in params {
            let grad: Vec<f32> = grad.flatten_all().unwrap().to_vec1().unwrap();
            for (index, &g) in grad.iter().enumerate().take(40) {
                let numeric = finite_difference(&net64, &x64, &y, which, index, 1e-5).unwrap();
                let gap = (numeric - g as f64).abs();
                assert!(gap < 1e-3, "{which:?}[{index}]: {numeric} against {g}");
            }
        }
        // The nudges leave the parameters as they were: the f64 copy's gradient still
        // equals the f32 network's.
        let again = net64.autograd(&x64, &y).unwrap();
        let again = backprop::Gradients {
            w1: again.w1.to_dtype(DType::F32).unwrap(),
            w2: again.w2.to_dtype(DType::F32).unwrap(),
            b1: again.b1.map(|b| b.to_dtype(DType::F32).unwrap()),
        };
        assert!(again.max_difference(&by_hand).unwrap() < 1e-6);
    }
}

#[test]
fn gradients_have_their_parameters_shapes_whatever_the_batch() {
    for batch_size in [1, 8, 100] {
        let config = Config {
            batch_size,
            bias: true,
            ..Config::default()
        };
        let net = Net::new(&config, &CPU).unwrap();
        let (x, y) = batch(&config, &CPU).unwrap();
        let g = net.backward(&x, &y, &net.forward(&x, &y).unwrap()).unwrap();
        let shapes: Vec<_> = g.shapes().into_iter().map(|(_, s)| s).collect();
        assert_eq!(shapes, [vec![16, 20], vec![5, 16], vec![16]]);
    }
}

#[test]
fn training_holds_more_than_prediction_and_grows_with_the_batch() {
    let m = memory::footprints(&Config::default(), &[1, 64, 256], &CPU).unwrap();
    // Parameters: (16·20 + 5·16) f32 values.
    assert!(m.iter().all(|f| f.parameters == (16 * 20 + 5 * 16) * 4));
    for f in &m {
        assert!(f.training > f.prediction, "{f:?}");
    }
    // The kept intermediates grow with the batch: X (20) + Z, H (16 each) + O (5) values
    // per example, against 20 + 16 for prediction's largest layer.
    let per_example = |a: usize, b: usize| (a - b) / (256 - 64);
    assert_eq!(
        per_example(m[2].training, m[1].training),
        (20 + 16 + 16 + 5) * 4
    );
    assert_eq!(per_example(m[2].prediction, m[1].prediction), (20 + 16) * 4);
}

#[test]
fn the_graph_has_every_node_of_the_section() {
    use backprop::graph::{Direction, svg};
    let forward = svg(false, Direction::Forward);
    for label in [
        ">x<",
        ">W⁽¹⁾<",
        ">z<",
        ">h<",
        ">W⁽²⁾<",
        ">o<",
        ">y<",
        ">L<",
        ">s<",
        ">J<",
        ">λ<",
    ] {
        assert!(forward.contains(label), "{label}");
    }
    let backward = svg(false, Direction::Backward);
    assert!(backward.contains("∂J/∂W⁽¹⁾") && backward.contains("∂J/∂o"));
    assert!(svg(true, Direction::Forward).contains(">b⁽¹⁾<"));
}
