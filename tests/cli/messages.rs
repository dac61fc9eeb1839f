//! What a render prints: libav's and libx264's log lines by verbosity, and
//! the progress bar on a terminal.

use std::process::Command;

use crate::support::{mini, stderr, Project};

/// libav's and libx264's log lines come through anim's verbosity: none
/// by default, as `libav: <component>: …` with -v, never as raw `[libx264 @ 0x…]`.
#[test]
fn libav_logs_follow_verbosity() {
    let p = Project::new("avlog", &[("mini", &mini())]);
    let o = p.run(&["render", "--scene", "mini", "--video-only", "--frames", "0..3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("libx264"), "{}", stderr(&o));
    let o = p.run(&[
        "-v",
        "render",
        "--scene",
        "mini",
        "--video-only",
        "--frames",
        "0..3",
        "--force",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("libav: libx264: "), "{}", stderr(&o));
    assert!(!stderr(&o).contains("[libx264 @"), "{}", stderr(&o));
}

/// On a terminal the progress bar shows a whole number of frames a second.
#[test]
fn progress_shows_a_rounded_rate() {
    let p = Project::new("bar", &[("mini", &mini())]);
    // `script` gives the render a pseudo-terminal, so the bar is drawn.
    let cmd = format!("{} render --scene mini --video-only", env!("CARGO_BIN_EXE_anim"));
    let o = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(&p.dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let screen = String::from_utf8_lossy(&o.stdout);
    assert!(
        screen.contains("60/60 frames") || screen.contains("/60 frames"),
        "{screen}"
    );
    let rate = screen
        .split("frames")
        .skip(1)
        .find_map(|after| {
            after
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .try_into()
                .ok()
        })
        .map(|[n, unit]: [&str; 2]| (n.to_string(), unit.to_string()));
    let (n, unit) = rate.unwrap_or_else(|| panic!("no rate in {screen:?}"));
    assert_eq!(unit, "fps", "{screen:?}");
    assert!(
        n.parse::<u64>().is_ok(),
        "rate {n:?} is not a whole number: {screen:?}"
    );
}
