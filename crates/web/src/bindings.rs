//! The JavaScript face of the crate (`wasm-bindgen`): JSON in, JSON out, one callback per
//! epoch or loss record. The page's Web Worker (`docs/src/playground/worker.js`) calls these.

use js_sys::Function;
use wasm_bindgen::prelude::*;

use crate::Result;

/// Fashion-MNIST decoded in the worker.
#[wasm_bindgen]
pub struct Data(fashion_mnist::FashionMnist);

#[wasm_bindgen]
impl Data {
    /// Decodes the four `.gz` files (train images, train labels, test images, test labels).
    #[wasm_bindgen(constructor)]
    pub fn new(
        train_images: Vec<u8>,
        train_labels: Vec<u8>,
        test_images: Vec<u8>,
        test_labels: Vec<u8>,
    ) -> std::result::Result<Data, JsError> {
        let files = [train_images, train_labels, test_images, test_labels];
        Ok(Data(crate::decode_fashion_mnist(files).map_err(js)?))
    }

    /// Training examples.
    #[wasm_bindgen(getter)]
    pub fn train_len(&self) -> usize {
        self.0.train.len()
    }
}

fn js(message: String) -> JsError {
    JsError::new(&message)
}

fn parse<T: serde::de::DeserializeOwned>(json: &str) -> std::result::Result<T, JsError> {
    serde_json::from_str(json).map_err(|e| JsError::new(&format!("bad request: {e}")))
}

/// Calls `f` with `value` as JSON text.
fn call<T: serde::Serialize>(f: &Function, value: &T) -> Result<()> {
    let json = serde_json::to_string(value).map_err(|e| e.to_string())?;
    f.call1(&JsValue::NULL, &JsValue::from_str(&json))
        .map(|_| ())
        .map_err(|e| format!("the page's callback failed: {e:?}"))
}

fn to_json<T: serde::Serialize>(value: &T) -> std::result::Result<String, JsError> {
    serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))
}

/// Trains a Fashion-MNIST chapter (`request`: a [`crate::ClassifierRequest`] as JSON),
/// calling `on_epoch` with each epoch's JSON; returns the outcome as JSON.
#[wasm_bindgen]
pub fn train_fashion(
    data: &Data,
    request: &str,
    on_epoch: &Function,
) -> std::result::Result<String, JsError> {
    let request = parse(request)?;
    let outcome = crate::train_fashion(&data.0, &request, |m| call(on_epoch, m)).map_err(js)?;
    to_json(&outcome)
}

/// Trains one of section 4.4's polynomial fits (`request`: a [`crate::PolynomialRequest`]),
/// calling `on_record` with each loss record's JSON; returns the fit as JSON.
#[wasm_bindgen]
pub fn fit_polynomial(request: &str, on_record: &Function) -> std::result::Result<String, JsError> {
    let request = parse(request)?;
    to_json(&crate::fit_polynomial(&request, |r| call(on_record, r)).map_err(js)?)
}

/// Trains one of section 4.5's runs (`request`: a [`crate::WeightDecayRequest`]), calling
/// `on_record` with each loss record's JSON; returns the run as JSON.
#[wasm_bindgen]
pub fn weight_decay(request: &str, on_record: &Function) -> std::result::Result<String, JsError> {
    let request = parse(request)?;
    to_json(&crate::weight_decay(&request, |r| call(on_record, r)).map_err(js)?)
}

/// Section 4.1: an activation and its autograd derivative on the book's grid (`request`: a
/// [`crate::ActivationRequest`] as JSON); returns the curve as JSON.
#[wasm_bindgen]
pub fn activation(request: &str) -> std::result::Result<String, JsError> {
    let request = parse(request)?;
    to_json(&crate::activation(&request).map_err(js)?)
}

/// Section 4.8: the activations' and the gradients' variance layer by layer (`request`: a
/// [`crate::DepthRequest`] as JSON); returns the profile as JSON.
#[wasm_bindgen]
pub fn depth_profile(request: &str) -> std::result::Result<String, JsError> {
    let request = parse(request)?;
    to_json(&crate::depth_profile(&request).map_err(js)?)
}
