//! Interrupts (SIGINT, SIGTERM, SIGHUP) while a command runs: remove the
//! unfinished output folder and exit with 128 + the signal's number (130
//! for Ctrl-C, 143 for `kill`, 129 for a closed terminal), leaving the
//! previous results as they were. Installed by the binary only: a library
//! user keeps its own signal handling.

/// Starts a thread that waits for an interrupt and then cleans up and
/// exits ([`crate::report::folder::interrupt_and_exit`]). Without it the
/// signals keep their default action.
#[cfg(unix)]
pub fn handle_interrupts() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;

    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("interrupts".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                crate::report::folder::interrupt_and_exit(128 + signal);
            }
        })?;
    Ok(())
}

/// Elsewhere than on Unix the signals keep their default action (the next
/// run removes what an interrupted one left).
#[cfg(not(unix))]
pub fn handle_interrupts() -> std::io::Result<()> {
    Ok(())
}
