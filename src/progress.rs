//! The progress bar of long commands (`run`, `index`): on stderr, only on a terminal.

use std::io::IsTerminal;

/// A bar over the bytes of the inputs with an ETA when their size is known, else a
/// spinner, starting with `message`; only on a terminal.
pub(crate) fn bar(
    wanted: bool,
    total_bytes: Option<u64>,
    message: &'static str,
) -> indicatif::ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let (bar, template) = match total_bytes {
        Some(total) => (
            indicatif::ProgressBar::new(total),
            "{bar:30} {bytes}/{total_bytes} read, {msg}, {elapsed} elapsed, ETA {eta}",
        ),
        None => (
            indicatif::ProgressBar::new_spinner(),
            "{spinner} {bytes} read, {msg}, {elapsed} elapsed",
        ),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
