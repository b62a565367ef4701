//! Where the chapter the harness's tests drive lives: the example `mlp-scratch`
//! (`examples/mlp-scratch.rs`), which `cargo test -p d2l-experiment` (or `--workspace`)
//! builds next to the test binaries. A run filtered to one test file (`--test resume`) builds
//! that file alone and would drive the example as last built: build it first with
//! `cargo build -p d2l-experiment --example mlp-scratch` (add `--release` to match).

use std::path::PathBuf;

/// The path of the example binary: `target/<profile>/examples/mlp-scratch`, beside the
/// `target/<profile>/deps/` folder that holds the running test.
pub fn mlp_scratch() -> PathBuf {
    let test = std::env::current_exe().expect("the test binary's own path");
    let profile_dir = test
        .parent()
        .and_then(|deps| deps.parent())
        .expect("a test binary lives in target/<profile>/deps/");
    let exe = profile_dir
        .join("examples")
        .join(format!("mlp-scratch{}", std::env::consts::EXE_SUFFIX));
    assert!(
        exe.is_file(),
        "{} is missing: run these tests with `cargo test -p d2l-experiment`, which builds it, \
         or build it with `cargo build -p d2l-experiment --example mlp-scratch`",
        exe.display()
    );
    exe
}
