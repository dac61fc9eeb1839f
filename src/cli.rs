//! Command-line flags (clap), turned into validated jobs by `main`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::gpu::BackendChoice;
use crate::tess::Antialias;

const AFTER_HELP: &str = "\
Examples:
  anim list                                  the scenes, with duration and size
  anim render --scene loop                   renders/03-loop-treinamento.png and .mp4
  anim render --scene loop --png-only --frame 4.5
  anim render --all --scale 2 --png-only     print-resolution stills (…@2x.png)
  anim check scenes/*.ron                    validate scene files without rendering
  anim preview --scene loop                  a live window that reloads on save

Scenes are found by file name (03-loop-treinamento) or short name (loop).
Exit codes: 0 ok, 1 render or environment failure, 2 bad input (scene file,
flags), 130/143 interrupted (SIGINT/SIGTERM). See docs/errors.md.";

/// anim — renders animated infographics from scene files to PNG and MP4.
#[derive(Parser, Debug)]
#[command(name = "anim", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// Print the chosen GPU adapter and per-scene timings.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Graphics API to use [env: ANIM_BACKEND].
    #[arg(long, global = true, value_enum)]
    pub backend: Option<BackendChoice>,
    /// Project folder holding scenes/ and assets/ (default: the current folder or the nearest parent that has them).
    #[arg(long, global = true)]
    pub root: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Render scenes to a final-frame PNG and an H.264 MP4 in renders/.
    Render(RenderArgs),
    /// List the scenes with their duration, frame rate and size.
    List,
    /// Open a live window that plays the scene and reloads it when its file changes.
    Preview(PreviewArgs),
    /// Validate scene files without rendering (all scenes when no file is given).
    Check {
        /// Scene files or names.
        files: Vec<String>,
    },
}

#[derive(Args, Debug)]
pub struct RenderArgs {
    /// The scene: file name (03-loop-treinamento), short name (loop) or a path to a .ron file.
    #[arg(long, required_unless_present = "all", conflicts_with = "all")]
    pub scene: Option<String>,
    /// Render every scene in scenes/.
    #[arg(long)]
    pub all: bool,
    /// Only the still PNG.
    #[arg(long, conflicts_with = "video_only")]
    pub png_only: bool,
    /// Only the MP4.
    #[arg(long)]
    pub video_only: bool,
    /// Time of the still PNG in seconds (default: the scene's final frame).
    #[arg(long, value_name = "SECONDS")]
    pub frame: Option<f64>,
    /// Only frames A..B (end exclusive) of the video, for a quick look.
    #[arg(long, value_name = "A..B")]
    pub frames: Option<String>,
    /// Output folder.
    #[arg(long, default_value = "renders", value_name = "DIR")]
    pub out: PathBuf,
    /// Output size WxH at scale 1 (same aspect ratio as the scene).
    #[arg(long, value_name = "WxH")]
    pub size: Option<String>,
    /// Pixel scale: 2 renders at twice the size for print (file names get @2x).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f32,
    /// x264 quality: 1 best … 51 worst; 18 is visually lossless for flat graphics. (0, lossless,
    /// is not allowed: the High profile that every player decodes has no lossless mode.)
    #[arg(long, default_value_t = 18, value_parser = clap::value_parser!(u8).range(1..=51))]
    pub crf: u8,
    /// x264 preset: ultrafast … veryslow (slower = smaller file, same quality).
    #[arg(long, default_value = "veryfast")]
    pub preset: String,
    /// Anti-aliasing: coverage (computed per pixel in the shader; fast everywhere),
    /// msaa (4× multisampling; several times slower on a software adapter) or off.
    #[arg(long, default_value = "coverage", value_parser = parse_antialias)]
    pub aa: Antialias,
    /// PNG with a transparent background instead of the scene's (videos keep it).
    #[arg(long)]
    pub transparent: bool,
    /// Render this many scenes at once with --all (each on its own thread, one shared GPU device).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=16))]
    pub jobs: u32,
    /// No progress bar or summary.
    #[arg(short, long)]
    pub quiet: bool,
}

fn parse_antialias(s: &str) -> Result<Antialias, String> {
    [Antialias::Coverage, Antialias::Msaa4, Antialias::Off]
        .into_iter()
        .find(|a| a.name() == s)
        .ok_or_else(|| "expected coverage, msaa or off".into())
}

const PREVIEW_KEYS: &str = "\
Keys:
  space        play / pause
  ← / →        one frame back / forward (Shift: one second)
  Home / End   first / last frame
  1 … 5        jump to the chapter's scenes 01 … 05
  L            loop on / off
  [ / ]        half / double speed
  R            reload now
  H            show / hide the overlay (time, frame, scene, fps)
  Esc / Q      quit

The scene file, the theme, assets and shaders are watched: a change reloads
within half a second at the same time; a broken file keeps the last good
frame and shows the error.";

#[derive(Args, Debug)]
#[command(after_help = PREVIEW_KEYS)]
pub struct PreviewArgs {
    /// The scene: file name (03-loop-treinamento) or short name (loop).
    #[arg(long)]
    pub scene: String,
    /// Start at this time in seconds.
    #[arg(long, default_value_t = 0.0, value_name = "SECONDS")]
    pub start: f64,
    /// Start paused.
    #[arg(long)]
    pub paused: bool,
    /// Initial window size WxH (default: half the scene's size).
    #[arg(long, value_name = "WxH")]
    pub window: Option<String>,
    /// Start with the overlay hidden (for screenshot tests; H toggles it).
    #[arg(long, hide = true)]
    pub no_overlay: bool,
}

/// Parses `WxH`.
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("--size {s:?}: expected WxH, e.g. 1280x720"))?;
    let n = |v: &str| {
        v.trim()
            .parse::<u32>()
            .map_err(|_| format!("--size {s:?}: {v:?} is not a whole number"))
    };
    Ok((n(w)?, n(h)?))
}

/// Parses `A..B` (end exclusive).
pub fn parse_range(s: &str) -> Result<(u64, u64), String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("--frames {s:?}: expected A..B, e.g. 0..60"))?;
    let n = |v: &str| {
        v.trim()
            .parse::<u64>()
            .map_err(|_| format!("--frames {s:?}: {v:?} is not a frame number"))
    };
    let (a, b) = (n(a)?, n(b)?);
    if a >= b {
        return Err(format!("--frames {s:?}: the end must be after the start"));
    }
    Ok((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_ranges() {
        assert_eq!(parse_size("1280x720"), Ok((1280, 720)));
        assert!(parse_size("1280").is_err());
        assert!(parse_size("ax720").is_err());
        assert_eq!(parse_range("0..60"), Ok((0, 60)));
        assert!(parse_range("60..0").is_err());
    }

    #[test]
    fn the_cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
