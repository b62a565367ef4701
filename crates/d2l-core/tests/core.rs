//! Losses, metrics, SGD, initialisers, validation, the training loop and the run record.

use candle_core::{DType, Device, Module, Tensor, Var};
use candle_nn::Optimizer;
use d2l_core::data::{DataLoader, Dataset};
use d2l_core::metrics::{Accumulator, correct_count, evaluate_accuracy, evaluate_loss};
use d2l_core::optim::{ScratchSgd, Updater, sgd};
use d2l_core::train::{Reporter, train_ch3};
use d2l_core::{Error, init, loss, rng, validate};

const CPU: Device = Device::Cpu;

#[test]
fn cross_entropy_is_per_example_minus_log_softmax() {
    let logits = Tensor::new(&[[1f32, 2., 3.], [0., 0., 0.]], &CPU).unwrap();
    let y = Tensor::new(&[2u32, 0], &CPU).unwrap();
    let l: Vec<f32> = loss::cross_entropy(&logits, &y).unwrap().to_vec1().unwrap();
    let lse = (1f32.exp() + 2f32.exp() + 3f32.exp()).ln();
    assert!((l[0] - (lse - 3.0)).abs() < 1e-6);
    assert!((l[1] - 3f32.ln()).abs() < 1e-6);
    // Stable for huge logits.
    let big = Tensor::new(&[[1000f32, 0.]], &CPU).unwrap();
    let l = loss::cross_entropy(&big, &Tensor::new(&[1u32], &CPU).unwrap()).unwrap();
    assert_eq!(l.to_vec1::<f32>().unwrap(), [1000.0]);
}

#[test]
fn squared_loss_has_the_half_and_mse_does_not() {
    let y_hat = Tensor::new(&[[1f32], [3.]], &CPU).unwrap();
    let y = Tensor::new(&[2f32, 0.], &CPU).unwrap();
    let sq: Vec<Vec<f32>> = loss::squared_loss(&y_hat, &y).unwrap().to_vec2().unwrap();
    assert_eq!(sq, [[0.5], [4.5]]);
    let se: Vec<Vec<f32>> = loss::squared_error(&y_hat, &y).unwrap().to_vec2().unwrap();
    assert_eq!(se, [[1.0], [9.0]]);
}

#[test]
fn accuracy_counts_argmax_hits_and_tolerates_regression_outputs() {
    let y_hat = Tensor::new(&[[0.1f32, 0.9], [0.8, 0.2], [0.3, 0.7]], &CPU).unwrap();
    let y = Tensor::new(&[1u32, 1, 1], &CPU).unwrap();
    assert_eq!(correct_count(&y_hat, &y).unwrap(), 2.0);
    let reg = Tensor::new(&[[0.5f32], [2.0]], &CPU).unwrap();
    assert_eq!(
        correct_count(&reg, &Tensor::new(&[[0.5f32], [1.0]], &CPU).unwrap()).unwrap(),
        1.0
    );
    let mut acc = Accumulator::new(2);
    acc.add(&[2.0, 3.0]);
    acc.add(&[0.5, -1.0]);
    assert_eq!(
        (acc[0], acc[1]),
        (2.5, 2.0),
        "each slot sums its own values"
    );
    acc.reset();
    assert_eq!((acc[0], acc[1]), (0.0, 0.0), "reset zeroes every slot");
}

#[test]
fn scratch_sgd_divides_by_the_actual_batch_length() {
    let w = Var::new(&[1f32, 2.], &CPU).unwrap();
    // Loss per example = w·x with x = (1, 1) for 4 examples: d(sum)/dw = (4, 4).
    let x = Tensor::ones((4, 2), DType::F32, &CPU).unwrap();
    let l = x
        .broadcast_mul(&w.as_tensor().unsqueeze(0).unwrap())
        .unwrap()
        .sum(1)
        .unwrap();
    let mut updater = ScratchSgd::new(vec![w.clone()], 0.5);
    updater.update(&l).unwrap();
    assert_eq!(w.to_vec1::<f32>().unwrap(), [0.5, 1.5]);
    // The function form agrees.
    let l = x
        .broadcast_mul(&w.as_tensor().unsqueeze(0).unwrap())
        .unwrap()
        .sum(1)
        .unwrap();
    let grads = l.sum_all().unwrap().backward().unwrap();
    sgd(std::slice::from_ref(&w), &grads, 0.5, 4).unwrap();
    assert_eq!(w.to_vec1::<f32>().unwrap(), [0.0, 1.0]);
}

#[test]
fn candle_optimizers_step_on_the_batch_mean() {
    let w = Var::new(&[1f32, 2.], &CPU).unwrap();
    let x = Tensor::ones((4, 2), DType::F32, &CPU).unwrap();
    let l = x
        .broadcast_mul(&w.as_tensor().unsqueeze(0).unwrap())
        .unwrap()
        .sum(1)
        .unwrap();
    let mut opt = candle_nn::SGD::new(vec![w.clone()], 0.5).unwrap();
    Updater::update(&mut opt, &l).unwrap();
    assert_eq!(w.to_vec1::<f32>().unwrap(), [0.5, 1.5]);
    assert_eq!(Updater::learning_rate(&opt), 0.5);
}

#[test]
fn initialisers_have_the_right_shapes_and_spreads() {
    let mut r = rng::seeded(0);
    let (w, b) = init::pytorch_linear(&mut r, 400, 300, &CPU).unwrap();
    let bound = 1.0 / 20.0;
    assert!(
        w.abs()
            .unwrap()
            .max_all()
            .unwrap()
            .to_scalar::<f32>()
            .unwrap()
            <= bound
    );
    assert_eq!(b.dims(), [300]);
    let x = init::xavier_normal(&mut r, 1000, 1000, &CPU).unwrap();
    let var = x
        .sqr()
        .unwrap()
        .mean_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap() as f64;
    assert!(
        (var / (2.0 / 2000.0) - 1.0).abs() < 0.05,
        "xavier normal variance {var}"
    );
    let u = init::xavier_uniform(&mut r, 1000, 1000, &CPU).unwrap();
    let var = u
        .sqr()
        .unwrap()
        .mean_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap() as f64;
    assert!(
        (var / (2.0 / 2000.0) - 1.0).abs() < 0.05,
        "xavier uniform variance {var}"
    );
    let n = init::normal(&mut rng::seeded(1), (500, 500), 0.01, &CPU).unwrap();
    let std = n
        .sqr()
        .unwrap()
        .mean_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
        .sqrt();
    assert!((std - 0.01).abs() < 2e-4);
}

#[test]
fn validation_messages_state_the_rule() {
    assert_eq!(
        validate::positive_f64("lr", f64::NAN)
            .unwrap_err()
            .to_string(),
        "lr must be a finite number > 0, got NaN"
    );
    assert_eq!(
        validate::positive_f64("lr", -1.0).unwrap_err().to_string(),
        "lr must be a finite number > 0, got -1"
    );
    assert_eq!(
        validate::probability("dropout", -0.1)
            .unwrap_err()
            .to_string(),
        "dropout must be in [0, 1], got -0.1"
    );
    assert!(validate::probability("dropout", 1.0).is_ok());
    assert!(
        validate::positive_usize("epochs", 0)
            .unwrap_err()
            .is_usage()
    );
    assert!(validate::non_negative_f64("wd", 0.0).is_ok());
    // Finite as an f64 but not as the f32 the tensors compute in.
    assert_eq!(
        validate::positive_f64("lr", 1e308).unwrap_err().to_string(),
        "lr must be at most 3.4e38 in size (tensors compute in f32), got 1e308"
    );
    assert!(validate::finite_f32("swish_beta", -1e308).is_err());
}

/// A linearly separable two-class problem for the loop tests.
fn toy_loaders(seed: u64) -> (DataLoader, DataLoader) {
    let mut r = rng::seeded(seed);
    let x = rng::normal(&mut r, (512, 2), 0.0, 1.0, &CPU).unwrap();
    let y = x
        .narrow(1, 0, 1)
        .unwrap()
        .squeeze(1)
        .unwrap()
        .gt(0f32)
        .unwrap()
        .to_dtype(DType::U32)
        .unwrap();
    let data = Dataset::new(x, y).unwrap();
    (
        DataLoader::new(data.clone(), 32).unwrap().shuffled(seed),
        DataLoader::new(data, 128).unwrap(),
    )
}

struct Linear {
    w: Var,
    b: Var,
}

impl Module for Linear {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        x.matmul(self.w.as_tensor())?
            .broadcast_add(self.b.as_tensor())
    }
}

impl d2l_core::classifier::Classifier for Linear {
    fn named_parameters(&self) -> Vec<(String, Var)> {
        vec![("w".into(), self.w.clone()), ("b".into(), self.b.clone())]
    }
}

impl d2l_core::rng::Generators for Linear {}

fn toy_model() -> Linear {
    Linear {
        w: Var::zeros((2, 2), DType::F32, &CPU).unwrap(),
        b: Var::zeros(2, DType::F32, &CPU).unwrap(),
    }
}

#[derive(Default)]
struct Recorder {
    batches: usize,
    epochs: Vec<usize>,
    params: Vec<String>,
    last: Option<d2l_core::train::BatchProgress>,
    stop_after: Option<usize>,
}

impl Reporter for Recorder {
    fn on_checkpoint(
        &mut self,
        _: &[d2l_core::train::EpochMetrics],
        state: d2l_core::train::TrainingState<'_>,
    ) -> d2l_core::Result<()> {
        self.params = state.params.iter().map(|(n, _)| n.clone()).collect();
        Ok(())
    }
    fn on_batch(&mut self, p: &d2l_core::train::BatchProgress) {
        self.batches += 1;
        self.last = Some(*p);
    }
    fn should_stop(&self) -> bool {
        self.stop_after == Some(self.batches)
    }
    fn on_epoch(&mut self, m: &d2l_core::train::EpochMetrics) -> d2l_core::Result<()> {
        self.epochs.push(m.epoch);
        Ok(())
    }
}

#[test]
fn the_training_loop_learns_and_reports_every_batch_and_epoch() {
    let (mut train, mut test) = toy_loaders(0);
    let net = toy_model();
    let mut updater = ScratchSgd::new(vec![net.w.clone(), net.b.clone()], 0.5);
    let mut rec = Recorder::default();
    let history = train_ch3(
        &net,
        &mut train,
        &mut test,
        &loss::cross_entropy,
        3,
        &mut updater,
        &mut rec,
    )
    .unwrap();
    assert_eq!(rec.epochs, [1, 2, 3]);
    assert_eq!(rec.batches, 3 * 16);
    assert_eq!(rec.params, ["w", "b"]);
    // The last batch's running means are the epoch's train loss and accuracy.
    let last = rec.last.unwrap();
    assert_eq!((last.epoch, last.batch, last.num_batches), (3, 16, 16));
    assert!((last.train_loss - history[2].train_loss).abs() < 1e-12);
    assert!((last.train_acc - history[2].train_acc).abs() < 1e-12);
    assert!(history[2].train_loss < history[0].train_loss);
    assert!(history[2].test_acc > 0.95, "{history:?}");
    assert_eq!(
        evaluate_accuracy(&net, &mut test).unwrap(),
        history[2].test_acc
    );
    let l = evaluate_loss(&net, &mut test, &loss::cross_entropy).unwrap();
    assert!(l < history[0].train_loss);
}

#[test]
fn a_diverging_run_stops_with_the_epoch_batch_and_advice() {
    // Least squares with a learning rate far beyond 2/λ_max explodes geometrically to inf/NaN.
    let mut r = rng::seeded(1);
    let (x, y) = d2l_core::data::synthetic_data(&[2.0, -3.4], 4.2, 256, &mut r, &CPU).unwrap();
    let data = Dataset::new(x, y).unwrap();
    let (mut train, mut test) = (
        DataLoader::new(data.clone(), 16).unwrap().shuffled(1),
        DataLoader::new(data, 64).unwrap(),
    );
    let net = Linear {
        w: Var::zeros((2, 1), DType::F32, &CPU).unwrap(),
        b: Var::zeros(1, DType::F32, &CPU).unwrap(),
    };
    let mut updater = ScratchSgd::new(vec![net.w.clone(), net.b.clone()], 50.0);
    let mut rec = Recorder::default();
    let err = train_ch3(
        &net,
        &mut train,
        &mut test,
        &loss::squared_loss,
        50,
        &mut updater,
        &mut rec,
    )
    .unwrap_err();
    let Error::Diverged {
        epoch,
        batch,
        lr,
        loss,
    } = &err
    else {
        panic!("expected Diverged, got {err}")
    };
    let (epoch, batch, lr, loss) = (*epoch, *batch, *lr, *loss);
    assert_eq!(lr, 50.0);
    assert!(
        !loss.is_finite() || loss > d2l_core::train::EXPLOSION_FACTOR,
        "{loss}"
    );
    assert!((1..=16).contains(&batch));
    // The message of the error that training returned.
    let text = err.to_string();
    assert!(
        text.contains(&format!("epoch {epoch}, batch {batch}"))
            && text.contains("smaller learning rate"),
        "{text}"
    );
    assert_eq!(
        rec.epochs.len(),
        epoch - 1,
        "the epochs before the divergence were reported"
    );
}

#[test]
fn weight_decay_sgd_leaves_the_bias_undecayed_and_equals_plain_sgd_without_decay() {
    use d2l_core::optim::{ParamGroup, Sgd};
    let make = || {
        (
            Var::new(&[1f32, -2.], &CPU).unwrap(),
            Var::new(&[0.5f32], &CPU).unwrap(),
        )
    };
    let x = Tensor::new(&[[1f32, 2.], [3., -1.], [0.5, 0.5]], &CPU).unwrap();
    let y = Tensor::new(&[[1f32], [2.], [3.]], &CPU).unwrap();
    let loss_of = |w: &Var, b: &Var| {
        let y_hat =
            d2l_core::linreg::linreg(&x, &w.as_tensor().unsqueeze(1).unwrap(), b.as_tensor())
                .unwrap();
        loss::squared_error(&y_hat, &y).unwrap()
    };
    // wd = 0 equals candle-nn's plain SGD, step for step.
    let (w1, b1) = make();
    let (w2, b2) = make();
    let mut ours = Sgd::with_groups(
        vec![ParamGroup::new(vec![w1.clone(), b1.clone()], 0.0)],
        0.1,
    )
    .unwrap();
    let mut plain = candle_nn::SGD::new(vec![w2.clone(), b2.clone()], 0.1).unwrap();
    for _ in 0..5 {
        Updater::update(&mut ours, &loss_of(&w1, &b1)).unwrap();
        Updater::update(&mut plain, &loss_of(&w2, &b2)).unwrap();
    }
    assert_eq!(w1.to_vec1::<f32>().unwrap(), w2.to_vec1::<f32>().unwrap());
    assert_eq!(b1.to_vec1::<f32>().unwrap(), b2.to_vec1::<f32>().unwrap());
    // With the book's groups, one step moves w by lr·(g + λw) and b by lr·g only.
    let (w, b) = make();
    let (wd, lr) = (3.0, 0.01);
    let mut sgd = Sgd::with_groups(
        vec![
            ParamGroup::new(vec![w.clone()], wd),
            ParamGroup::new(vec![b.clone()], 0.0),
        ],
        lr,
    )
    .unwrap();
    let grads = loss_of(&w, &b).mean_all().unwrap().backward().unwrap();
    let (gw, gb): (Vec<f32>, Vec<f32>) = (
        grads.get(&w).unwrap().to_vec1().unwrap(),
        grads.get(&b).unwrap().to_vec1().unwrap(),
    );
    sgd.step(&grads).unwrap();
    let w_new: Vec<f32> = w.to_vec1().unwrap();
    for (i, w0) in [1f32, -2.].iter().enumerate() {
        let expected = w0 - lr as f32 * (gw[i] + wd as f32 * w0);
        assert!((w_new[i] - expected).abs() < 1e-6);
    }
    assert!((b.to_vec1::<f32>().unwrap()[0] - (0.5 - lr as f32 * gb[0])).abs() < 1e-7);
    // Negative decay is refused.
    assert!(Sgd::with_groups(vec![ParamGroup::new(vec![], -1.0)], 0.1).is_err());
}

#[test]
fn a_reporter_can_stop_training_after_a_batch() {
    let (mut train, mut test) = toy_loaders(0);
    let net = toy_model();
    let mut updater = ScratchSgd::new(vec![net.w.clone(), net.b.clone()], 0.5);
    let mut rec = Recorder {
        stop_after: Some(20),
        ..Recorder::default()
    };
    let err = train_ch3(
        &net,
        &mut train,
        &mut test,
        &loss::cross_entropy,
        3,
        &mut updater,
        &mut rec,
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Stopped { epoch: 2, batch: 4 }),
        "{err}"
    );
    assert_eq!(rec.epochs, [1], "the finished epoch was reported");
}
