//! The vanishing-gradient figure: sigmoid and its gradient on `arange(-8, 8, 0.1)`.

use candle_core::{Device, Tensor, Var};
use d2l_core::Result;
use d2l_plot::{LegendPosition, LinePlot};

/// The grid, the sigmoid and its autograd gradient, computed on `device`.
pub fn sigmoid_and_gradient(device: &Device) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let xs: Vec<f32> = (0..160).map(|i| (-8.0 + 0.1 * i as f64) as f32).collect();
    let x = Var::from_tensor(&Tensor::from_vec(xs, 160, device)?)?;
    let y = candle_nn::ops::sigmoid(x.as_tensor())?;
    let grad = y
        .sum_all()?
        .backward()?
        .get(&x)
        .cloned()
        .expect("x is a leaf of y");
    let v = |t: &Tensor| -> Result<Vec<f64>> {
        Ok(t.to_vec1::<f32>()?.into_iter().map(f64::from).collect())
    };
    Ok((v(x.as_tensor())?, v(&y)?, v(&grad)?))
}

/// The book's figure: sigmoid (solid) and gradient (magenta dashed), 4.5 × 2.5 in.
pub fn figure(device: &Device) -> Result<LinePlot> {
    let (x, y, g) = sigmoid_and_gradient(device)?;
    Ok(LinePlot::new()
        .figsize(4.5, 2.5)
        .legend_position(LegendPosition::UpperLeft)
        .series_fmt("sigmoid", &x, &y, "-")
        .series_fmt("gradient", &x, &g, "m--"))
}
