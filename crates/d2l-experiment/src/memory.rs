//! The memory check before a run starts: a configuration whose estimate
//! ([`Validate::memory_estimate`](d2l_core::validate::Validate::memory_estimate)) exceeds the
//! memory the machine has available is refused with both figures, instead of aborting when an
//! allocation fails halfway through.

use crate::exit::InputError;

/// Refuses `needed` bytes when they exceed the available memory (the user's error, exit 2).
/// Where the system does not say what is available (outside Linux), nothing is refused.
pub fn check(needed: u64) -> anyhow::Result<()> {
    match available() {
        Some(available) if needed > available => {
            Err(InputError::new(std::io::Error::other(format!(
                "this configuration needs about {} of memory (parameters, gradients, activations \
                 and data), and this machine has {} available: choose smaller sizes",
                human(needed),
                human(available)
            )))
            .into())
        }
        _ => Ok(()),
    }
}

/// `MemAvailable` of `/proc/meminfo`, in bytes.
fn available() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// Bytes in decimal units: `3.1 TB`.
fn human(bytes: u64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", units[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_decimal_units_and_the_impossible_is_refused() {
        assert_eq!(human(3_136_000_000_000), "3.1 TB");
        assert_eq!(human(512), "512.0 B");
        if available().is_some() {
            let refused = check(u64::MAX).unwrap_err();
            assert_eq!(crate::exit::exit_status(&refused), 2);
            assert!(refused.to_string().contains("available"), "{refused}");
            check(1 << 20).unwrap();
        }
    }
}
