//! Ctrl-C (SIGINT) and SIGTERM stop a training run after the current batch, the same way `q`
//! does in the dashboard: the run writes its records and a checkpoint, prints where it stopped,
//! and exits with 130 (SIGINT) or 143 (SIGTERM). A second signal ends the process at once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use signal_hook::consts::{SIGINT, SIGTERM};

/// The signal received so far (0: none).
fn received_flag() -> &'static Arc<AtomicUsize> {
    static RECEIVED: OnceLock<Arc<AtomicUsize>> = OnceLock::new();
    RECEIVED.get_or_init(|| Arc::new(AtomicUsize::new(0)))
}

/// Starts catching SIGINT and SIGTERM (once per process). Until then, and for programs that
/// never train, the signals keep their default action.
pub fn catch() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        for signal in [SIGINT, SIGTERM] {
            let armed = Arc::new(AtomicBool::new(false));
            // The shutdown must be registered first: it exits on the second signal only.
            let registered = signal_hook::flag::register_conditional_shutdown(
                signal,
                128 + signal,
                armed.clone(),
            )
            .and_then(|_| signal_hook::flag::register(signal, armed))
            .and_then(|_| {
                signal_hook::flag::register_usize(signal, received_flag().clone(), signal as usize)
            });
            // Without the handler the signal keeps its default action: the run ends at once.
            let _ = registered;
        }
    });
}

/// Records a Ctrl-C pressed in the dashboard (whose raw-mode terminal turns it into a key) as
/// the SIGINT it stands for. Returns false when a signal had already asked the run to stop:
/// the second Ctrl-C, which ends the run at once.
pub(crate) fn interrupt_from_keyboard() -> bool {
    received_flag().swap(SIGINT as usize, Ordering::SeqCst) == 0
}

/// The signal that asked the run to stop, if one did.
pub fn received() -> Option<i32> {
    match received_flag().load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal as i32),
    }
}

/// The exit status for a run stopped by `signal`: 128 + its number (130 for SIGINT, 143 for
/// SIGTERM), as a shell reports it.
pub fn exit_status(signal: i32) -> u8 {
    (128 + signal).clamp(0, 255) as u8
}

/// The signal's name for messages.
pub fn name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "SIGINT",
        SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}
