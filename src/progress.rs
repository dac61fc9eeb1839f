//! How `anim render` shows its progress ([`crate::render::Progress`]): a
//! bar on a terminal, a few plain lines otherwise (logs, CI, several scenes
//! rendered at once), nothing with `--quiet`. Everything goes to stderr.

use std::io::Write;

use crate::render::Progress;

/// Prints a line on standard error; a closed or full stderr is ignored (a
/// message nobody can read must not stop a render, nor panic as eprintln! does).
pub fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// A progress bar on a terminal, plain lines otherwise, nothing when quiet.
pub struct Bar {
    bar: Option<indicatif::ProgressBar>,
    quiet: bool,
    tty: bool,
    total: u64,
    label: String,
}

impl Bar {
    /// `tty`: draw a bar (stderr is a terminal and this is the only scene
    /// rendering); otherwise plain lines at 0, ¼, ½ and ¾ of long renders.
    pub fn new(quiet: bool, tty: bool) -> Bar {
        Bar {
            bar: None,
            quiet,
            tty,
            total: 0,
            label: String::new(),
        }
    }

    /// Leaves the bar where it stopped (an interrupted render).
    pub fn abandon(&mut self) {
        if let Some(b) = self.bar.take() {
            b.abandon();
        }
    }
}

impl Progress for Bar {
    fn start(&mut self, label: &str, frames: u64) {
        self.total = frames;
        self.label = label.to_string();
        if self.quiet {
            return;
        }
        if self.tty {
            let bar = indicatif::ProgressBar::new(frames);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{prefix:>24} [{bar:32}] {pos}/{len} frames  {rate:>7}  ETA {eta}",
            ) {
                // A whole number of frames a second: "95 fps", not "95.212183844/s".
                let rate = |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} fps", s.per_sec());
                };
                bar.set_style(style.with_key("rate", rate).progress_chars("=> "));
            }
            bar.set_prefix(label.to_string());
            self.bar = Some(bar);
        } else {
            note(&format!("{label}: rendering {frames} frames"));
        }
    }
    fn frame(&mut self, done: u64) {
        if let Some(b) = &self.bar {
            b.set_position(done);
        } else if !self.quiet
            && !self.tty
            && self.total >= 100
            && done.is_multiple_of((self.total / 4).max(1))
        {
            note(&format!("{}: {done}/{} frames", self.label, self.total));
        }
    }
    fn finish(&mut self, summary: &str) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        if !self.quiet {
            note(summary);
        }
    }
}
