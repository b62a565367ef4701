//! Checkpoints: `model.safetensors` holds the model's named parameters in the safetensors
//! format (what the book's `torch.save(net.state_dict(), ...)` holds) and, in its metadata,
//! the training state ([`TrainState`]: the epochs so far and where the generators stand), so
//! that `--resume` continues a run exactly. `--eval-only` reads the parameters alone.
//!
//! ```
//! use candle_core::{Device, Tensor, Var};
//! use d2l_experiment::checkpoint;
//! let w = Var::from_tensor(&Tensor::ones((2, 3), candle_core::DType::F32, &Device::Cpu)?)?;
//! let params = vec![("W1".to_string(), w)];
//! let bytes = checkpoint::encode(&params, None)?;
//! let saved = checkpoint::decode(&bytes, &Device::Cpu).unwrap();
//! assert_eq!(saved.tensors["W1"].dims(), [2, 3]);
//! checkpoint::load_into(&saved, &params).unwrap();
//! # anyhow::Ok(())
//! ```

use std::collections::HashMap;
use std::path::Path;

use candle_core::safetensors::Load;
use candle_core::{Device, Tensor, Var};
use d2l_core::rng::RngState;
use d2l_core::train::EpochMetrics;
use serde::{Deserialize, Serialize};

use crate::exit::InputError;

/// Everything a classifier run needs besides its parameters to continue after an epoch
/// exactly as if it had never stopped: the training state a checkpoint holds. (The SGD
/// updaters keep no state of their own.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainState {
    /// The metrics of the epochs finished so far.
    pub history: Vec<EpochMetrics>,
    /// The training loader's shuffling generator.
    pub shuffle: Option<RngState>,
    /// The model's own generators (dropout masks).
    pub model_rngs: Vec<RngState>,
}

/// The checkpoint's name in a run folder.
pub const FILE: &str = "model.safetensors";

/// The metadata key of the training state.
const STATE_KEY: &str = "d2l.train_state";

/// A checkpoint read back: the named tensors, and the training state when it was saved by a
/// training run.
#[derive(Debug)]
pub struct Checkpoint {
    /// The parameters by name.
    pub tensors: HashMap<String, Tensor>,
    /// The state to resume from.
    pub state: Option<TrainState>,
}

/// The safetensors bytes of `params`, with `state` in the metadata.
pub fn encode(params: &[(String, Var)], state: Option<&TrainState>) -> anyhow::Result<Vec<u8>> {
    let metadata = state
        .map(|s| {
            anyhow::Ok(HashMap::from([(
                STATE_KEY.to_string(),
                serde_json::to_string(s)?,
            )]))
        })
        .transpose()?;
    let views = params.iter().map(|(n, v)| (n.as_str(), v.as_tensor()));
    Ok(safetensors::serialize(views, metadata)?)
}

/// Decodes checkpoint bytes onto `device`; the error says what is wrong with them.
pub fn decode(bytes: &[u8], device: &Device) -> Result<Checkpoint, String> {
    let file = safetensors::SafeTensors::deserialize(bytes)
        .map_err(|e| format!("not a safetensors file ({e})"))?;
    let (_, metadata) = safetensors::SafeTensors::read_metadata(bytes)
        .map_err(|e| format!("not a safetensors file ({e})"))?;
    let state = match metadata.metadata().as_ref().and_then(|m| m.get(STATE_KEY)) {
        Some(json) => Some(
            serde_json::from_str(json)
                .map_err(|e| format!("its training state is damaged ({e})"))?,
        ),
        None => None,
    };
    let tensors = file
        .tensors()
        .into_iter()
        .map(|(name, view)| {
            let tensor = view
                .load(device)
                .map_err(|e| format!("tensor {name} cannot be read ({e})"))?;
            check_finite(&name, &tensor)?;
            Ok((name, tensor))
        })
        .collect::<Result<_, String>>()?;
    Ok(Checkpoint { tensors, state })
}

/// The largest checkpoint `--eval-only` reads: far more than any chapter's model (the widest
/// the memory check allows is a few hundred MB), far less than a device that never ends.
pub const MAX_EVAL_BYTES: u64 = 4 << 30;

/// The bytes of the checkpoint file at `path`, when it is a regular file (not a device, a
/// FIFO or a folder, which could block or never end) of at most `max_bytes`.
pub fn read_bytes(path: &Path, max_bytes: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    // Looked at before opening: opening a FIFO to read waits for a writer, forever.
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "a device, FIFO or socket"
        };
        return Err(format!("{what}, not a model.safetensors file"));
    }
    if meta.len() > max_bytes {
        return Err(format!(
            "{} bytes, more than a checkpoint of this model can hold ({max_bytes})",
            meta.len()
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!("it grew past {max_bytes} bytes while being read"));
    }
    Ok(bytes)
}

/// The most bytes a checkpoint of `params` can take: their values, and room for the
/// safetensors header and the training state (which grows by a line per epoch).
pub fn max_bytes(params: &[(String, Var)]) -> u64 {
    let values: u64 = params
        .iter()
        .map(|(_, v)| (v.elem_count() * v.dtype().size_in_bytes()) as u64)
        .sum();
    values + (16 << 20)
}

/// Refuses a parameter holding a NaN or an infinite value: no run saves one (a diverged run
/// stops before its checkpoint), so the file was damaged or edited.
fn check_finite(name: &str, tensor: &Tensor) -> Result<(), String> {
    if !tensor.dtype().is_float() {
        return Ok(());
    }
    // A NaN or an infinity makes the sum NaN or infinite.
    let total = tensor
        .sum_all()
        .and_then(|t| t.to_dtype(candle_core::DType::F64))
        .and_then(|t| t.to_scalar::<f64>())
        .map_err(|e| format!("tensor {name} cannot be read ({e})"))?;
    if total.is_finite() {
        Ok(())
    } else {
        Err(format!(
            "tensor {name} holds a NaN or infinite value: the file was damaged or edited"
        ))
    }
}

/// Reads the checkpoint at `path` onto `device`. A missing, unreadable, oversized or damaged
/// file, or one that is not a regular file, is the user's error (exit status 2), naming the
/// file.
pub fn read(path: &Path, device: &Device) -> anyhow::Result<Checkpoint> {
    let refuse = |why: String| {
        InputError::new(std::io::Error::other(format!(
            "cannot read checkpoint {}: {why}",
            path.display()
        )))
    };
    let bytes = read_bytes(path, MAX_EVAL_BYTES).map_err(refuse)?;
    Ok(decode(&bytes, device).map_err(refuse)?)
}

/// Loads a checkpoint's tensors into `params`, after checking that they fit: the same names,
/// shapes and dtypes. The error names the first mismatch.
pub fn load_into(checkpoint: &Checkpoint, params: &[(String, Var)]) -> Result<(), String> {
    for (name, var) in params {
        let saved = checkpoint
            .tensors
            .get(name)
            .ok_or_else(|| format!("it has no tensor {name}"))?;
        if saved.dims() != var.dims() || saved.dtype() != var.dtype() {
            return Err(format!(
                "{name} is {:?} {:?} in it and {:?} {:?} in this model",
                saved.dims(),
                saved.dtype(),
                var.dims(),
                var.dtype()
            ));
        }
    }
    if let Some(extra) = checkpoint
        .tensors
        .keys()
        .find(|k| !params.iter().any(|(n, _)| n == *k))
    {
        return Err(format!("its tensor {extra} is not in this model"));
    }
    for (name, var) in params {
        var.set(&checkpoint.tensors[name])
            .map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Damaged files: random bytes, and random bytes behind a header length that points
        /// inside, past or far past them. An error, never a panic, and nothing allocated
        /// beyond the bytes themselves.
        #[test]
        fn arbitrary_bytes_are_an_error_not_a_panic(
            header_len in proptest::num::u64::ANY,
            small in 0u64..64,
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512),
        ) {
            let _ = decode(&bytes, &Device::Cpu);
            for len in [header_len, small] {
                let mut file = len.to_le_bytes().to_vec();
                file.extend_from_slice(&bytes);
                let _ = decode(&file, &Device::Cpu);
            }
        }
    }

    #[test]
    fn a_parameter_that_is_not_finite_is_refused() {
        let d = Device::Cpu;
        for bad in [f32::INFINITY, f32::NAN] {
            let w = Var::new(&[1f32, bad, 3.0], &d).unwrap();
            let bytes = encode(&[("W1".to_string(), w)], None).unwrap();
            let why = decode(&bytes, &d).unwrap_err();
            assert!(
                why.contains("tensor W1 holds a NaN or infinite value"),
                "{why}"
            );
        }
        let fine = Var::new(&[1f32, 2.0], &d).unwrap();
        assert!(decode(&encode(&[("W1".to_string(), fine)], None).unwrap(), &d).is_ok());
    }

    #[test]
    fn only_a_regular_file_of_bounded_size_is_read() {
        let dir = tempfile::tempdir().unwrap();
        // A device that never ends, through a link as `--resume` would meet it.
        let link = dir.path().join("model.safetensors");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let why = read_bytes(&link, 1 << 20).unwrap_err();
        assert!(why.contains("device, FIFO or socket"), "{why}");
        // A FIFO: refused without waiting for a writer.
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(read_bytes(&fifo, 1 << 20).unwrap_err().contains("FIFO"));
        // A folder, and a file larger than the bound.
        assert!(
            read_bytes(dir.path(), 1 << 20)
                .unwrap_err()
                .contains("a folder")
        );
        let big = dir.path().join("big");
        std::fs::write(&big, vec![0u8; 2048]).unwrap();
        assert!(read_bytes(&big, 1024).unwrap_err().contains("2048 bytes"));
        assert_eq!(read_bytes(&big, 4096).unwrap().len(), 2048);
    }

    #[test]
    fn a_checkpoint_round_trips_its_state_and_refuses_other_shapes() {
        let d = Device::Cpu;
        let var = |shape: &[usize]| Var::zeros(shape, candle_core::DType::F32, &d).unwrap();
        let params = vec![
            ("w".to_string(), var(&[2, 3])),
            ("b".to_string(), var(&[3])),
        ];
        let state = TrainState {
            history: vec![EpochMetrics {
                epoch: 1,
                train_loss: 0.1 + 0.2,
                train_acc: 0.5,
                test_acc: 0.25,
                seconds: 0.0,
            }],
            shuffle: Some(d2l_core::rng::RngState::of(&d2l_core::rng::seeded(3))),
            model_rngs: Vec::new(),
        };
        let saved = decode(&encode(&params, Some(&state)).unwrap(), &d).unwrap();
        assert_eq!(
            saved.state.as_ref(),
            Some(&state),
            "bit for bit, 0.1 + 0.2 included"
        );
        load_into(&saved, &params).unwrap();
        let other = vec![
            ("w".to_string(), var(&[3, 2])),
            ("b".to_string(), var(&[3])),
        ];
        assert_eq!(
            load_into(&saved, &other).unwrap_err(),
            "w is [2, 3] F32 in it and [3, 2] F32 in this model"
        );
        let fewer = vec![("w".to_string(), var(&[2, 3]))];
        assert_eq!(
            load_into(&saved, &fewer).unwrap_err(),
            "its tensor b is not in this model"
        );
    }
}
