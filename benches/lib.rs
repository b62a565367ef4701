//! Criterion benches for d2l-rs. The harnesses live in `benches/benches/`; run them all with
//! `cargo bench` at the workspace root, or one topic with `cargo bench -- <filter>`.
