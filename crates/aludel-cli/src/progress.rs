//! How a run reports itself: a progress bar on a terminal, plain lines when piped.

use std::io::IsTerminal;
use std::time::Duration;

use aludel_runner::{Progress, Step};
use indicatif::{ProgressBar, ProgressStyle};

pub(crate) struct Reporter {
    bar: Option<ProgressBar>,
    terminal: bool,
    lock_timeout: Duration,
}

impl Reporter {
    pub(crate) fn new(lock_timeout: Duration) -> Reporter {
        Reporter {
            bar: None,
            terminal: std::io::stderr().is_terminal(),
            lock_timeout,
        }
    }

    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Reporter {
    fn waiting(&mut self, holder: &str) {
        eprintln!(
            "Another aludel run holds the migration lock; waiting for it (up to {} s)...",
            self.lock_timeout.as_secs()
        );
        if !holder.is_empty() {
            eprintln!("  held by {holder}");
        }
    }

    fn planned(&mut self, steps: &[Step<'_>]) {
        self.finish();
        if self.terminal && steps.len() > 1 {
            let bar = ProgressBar::new(steps.len() as u64);
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{pos}/{len}] {wide_msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            self.bar = Some(bar);
        }
    }

    fn step(&mut self, step: &Step<'_>) {
        match &self.bar {
            Some(bar) => bar.set_message(step.describe()),
            None => eprintln!("{}", step.describe()),
        }
    }

    fn done(&mut self, step: &Step<'_>) {
        if let Some(bar) = &self.bar {
            bar.println(step.describe());
            bar.inc(1);
        }
    }
}
