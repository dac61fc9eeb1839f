//! Command-line flags (clap), and the render [`Job`] they ask for.
//!
//! Every flag's value is parsed by clap (value parsers below), so a bad one
//! is reported like any other usage error (exit code 2). What depends on a
//! scene (the size's aspect ratio, `--frame` within the scene, the frame
//! range) is checked once, by [`crate::render::plan`].

use std::path::{Path, PathBuf};

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};

use crate::gpu::{BackendChoice, GpuError};
use crate::render::{parse_formats, Destination, Format, GifSize, Job, WebSize};
use crate::tess::Antialias;

const AFTER_HELP: &str = "\
Examples:
  anim list                                  the scenes, their short names, duration and size
  anim render --scene loop                   renders/03-loop-treinamento.png and .mp4
  anim render --all                          every scene (PNG, MP4, storyboard); up-to-date outputs are kept
  anim render --scene loop -ql               a quick 480p15 draft, beside the figure
  anim render --scene loop --png-only --frame 4.5    renders/03-loop-treinamento-t4.5.png
  anim render --scene loop -o /tmp/loop.mp4  exactly that file
  anim render --all --scale 2 --png-only     print-resolution stills (…@2x.png)
  anim check scenes/*.ron                    validate scene files without rendering
  anim preview --scene loop                  a live window that reloads on save
  anim render --help                         how outputs are named, quality presets

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
    #[arg(long, global = true, value_parser = backend_parser())]
    pub backend: Option<BackendChoice>,
    /// Project folder holding scenes/ and assets/ (default: the current folder or the nearest parent that has them).
    #[arg(long, global = true)]
    pub root: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The graphics API: `--backend`, else `ANIM_BACKEND`, else auto.
    pub fn backend(&self) -> Result<BackendChoice, GpuError> {
        match self.backend {
            Some(b) => Ok(b),
            None => Ok(BackendChoice::from_env()?.unwrap_or_default()),
        }
    }
}

/// `--backend`'s parser: the names listed in the help, then [`BackendChoice`]'s own parsing.
fn backend_parser() -> impl TypedValueParser<Value = BackendChoice> {
    PossibleValuesParser::new(BackendChoice::NAMES).try_map(|s| s.parse::<BackendChoice>())
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Render scenes to a final-frame PNG and an H.264 MP4 in renders/ (--format: WebM, GIF, WebP, MOV too).
    Render(RenderArgs),
    /// List the scenes with their duration, frame rate and size.
    List,
    /// Open a live window that plays the scene and reloads it when its file changes.
    Preview(PreviewArgs),
    /// Validate scene files without rendering (all scenes when no file is given).
    ///
    /// Everything a render would refuse is reported, with file:line:col:
    /// fields, colours, texts, steps, and every expression (unknown names
    /// and functions, wrong types, division by zero, NaN), those that change
    /// over time evaluated at every frame time.
    Check {
        /// Scene files or names.
        files: Vec<String>,
        /// Print each scene as anim reads it once its values, templates, loops
        /// and components are worked out (animated values at their start).
        #[arg(long)]
        expanded: bool,
    },
    /// Join the chunks of one video (`render --chunk i/N`), given in order, into one MP4.
    #[command(after_help = SPLICE_HELP)]
    Splice {
        /// The chunk files, first to last (`NAME-chunk*of4.mp4` lists them in order).
        #[arg(required = true)]
        chunks: Vec<PathBuf>,
        /// The video to write.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: PathBuf,
    },
}

const SPLICE_HELP: &str = "\
A video is a run of 2 s segments, each encoded on its own, so it can be
rendered as N chunks on N machines and joined exactly: the result is the
file a single render writes.

  anim render --scene loop --chunk 1/4      renders/03-loop-treinamento-chunk1of4.mp4
  …                                         (chunks 2/4, 3/4, 4/4 anywhere)
  anim splice renders/03-loop-treinamento-chunk*of4.mp4 -o renders/03-loop-treinamento.mp4

docs/chunks.md shows how to drive it from GNU parallel, a CI matrix or a
Kubernetes indexed Job.";

/// x264's presets, fastest first.
pub const X264_PRESETS: [&str; 10] = [
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
    "placebo",
];

/// Quality presets with Manim's letters: a draft in a second, or the final cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Quality {
    /// 480p, 15 fps, crf 28, x264 ultrafast: a quick draft.
    #[value(name = "l")]
    Low,
    /// 720p, 30 fps, crf 23, x264 veryfast.
    #[value(name = "m")]
    Medium,
    /// 1080p, 60 fps, crf 18, x264 veryfast: the chapter's figures as they are.
    #[value(name = "h")]
    High,
    /// 1440p, 60 fps, crf 18, x264 veryfast.
    #[value(name = "p")]
    Production,
    /// 2160p (4K), 60 fps, crf 18, x264 veryfast.
    #[value(name = "k")]
    FourK,
}

/// What a [`Quality`] preset sets; flags given beside it win.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QualitySettings {
    /// Output height in pixels (the width follows the scene's aspect ratio).
    pub height: u32,
    pub fps: u32,
    pub crf: u8,
    pub preset: &'static str,
}

impl Quality {
    pub fn settings(self) -> QualitySettings {
        let (height, fps, crf, preset) = match self {
            Quality::Low => (480, 15, 28, "ultrafast"),
            Quality::Medium => (720, 30, 23, "veryfast"),
            Quality::High => (1080, 60, DEFAULT_CRF, DEFAULT_PRESET),
            Quality::Production => (1440, 60, DEFAULT_CRF, DEFAULT_PRESET),
            Quality::FourK => (2160, 60, DEFAULT_CRF, DEFAULT_PRESET),
        };
        QualitySettings {
            height,
            fps,
            crf,
            preset,
        }
    }
}

/// The x264 CRF and preset when neither a flag nor a quality preset sets them.
pub const DEFAULT_CRF: u8 = 18;
pub const DEFAULT_PRESET: &str = "veryfast";

const RENDER_HELP: &str = "\
Outputs:
  The book's figures are renders/NAME.png (the final frame) and renders/NAME.mp4.
  A render that differs from the scene as written gets its own name, so a
  draft or a still never replaces the figure by accident:
    --scale 2              NAME@2x.png / .mp4
    --size 1280x720, -qm   NAME-1280x720.png / .mp4
    --fps 30, -qm          NAME-30fps.mp4
    --frame 6.5            NAME-t6.5.png
    --frames 0..120        NAME-f0-120.mp4
    --chunk 2/4            NAME-chunk2of4.mp4 (join the chunks with anim splice)
    --transparent          NAME-transparent.png
  (suffixes combine: -qm gives NAME-1280x720-30fps.mp4). -o FILE writes one
  scene to exactly FILE instead, its kind (png, pdf, svg, mp4, webm, gif,
  webp, mov) taken from the extension.
  --crf, --preset, --dpi, --gif-* and --web-* keep the figure's name: they
  change how it is encoded, not what it shows.
  An output whose inputs (scene file, theme, fonts, data, images, options and
  the anim build) are unchanged since it was written is kept as it is:
  --force renders it anyway, and -v says why each output was rendered or kept.

Formats (--format, a comma list; default png,mp4, and with --all png,mp4,storyboard):
  png    NAME.png          the still (final frame, or --frame)
  mp4    NAME.mp4          H.264, plays everywhere (no alpha: with --transparent
                           it keeps the background)
  webm   NAME.webm         VP9 for web pages (crf 32); --transparent: VP9 with alpha
  gif    NAME.gif          --gif-width px wide (960), --gif-fps (15), 256 colours
  webp   NAME.webp         animated WebP (lossy, quality 80)
                           webm and webp: --web-width px wide, --web-fps
                           (default: the render's size and rate)
  mov    NAME.mov          ProRes 4444 with alpha, for video editors
  pdf    NAME.pdf          the still as vectors, for print: text stays text
                           (selectable, searchable; fonts subset and embedded),
                           1 px = 0.75 pt, so a 1920x1080 figure is 20 x 11.25 in
  svg    NAME.svg          the still as vectors, text as outlines (looks the
                           same everywhere), images embedded
  pdf and svg take the still's names (NAME-t6.5.pdf with --frame 6.5).
  storyboard  NAME.storyboard.png and .pdf: the key moments side by side,
                           numbered, with their times: the scene file's
                           Keyframe steps or storyboard: (times: [...]),
                           else the ends of the timeline's holds
  With any of webm, gif, webp or mov, NAME.poster.png is written too: the
  still frame at the render's size, for <video poster=…>. Every video is drawn
  from one run of frames: the scene is rendered once, whatever the list
  (but the MP4 beside --transparent ones, which keeps the background).
  With --transparent the names get -transparent (not the MP4's).
  docs/outputs.md has each format's settings and sizes.

Quality presets (--quality X or -qX, as in Manim; flags given beside one win):
  -ql  480p 15 fps, crf 28, ultrafast     -qh  1080p 60 fps, crf 18, veryfast
  -qm  720p 30 fps, crf 23, veryfast      -qp  1440p 60 fps
                                          -qk  2160p 60 fps

Examples:
  anim render --scene loop                       the book's PNG and MP4
  anim render --scene loop -ql                   a draft: renders/03-loop-treinamento-854x480-15fps.mp4 …
  anim render --scene loop --png-only --frame 6.5
  anim render --scene loop -o /tmp/loop.mp4      exactly that file
  anim render --scene loop --format webm,gif     renders/03-loop-treinamento.webm, .gif, .poster.png
  anim render --scene loop --format webm,webp --web-width 960 --web-fps 30   for a web page
  anim render --scene loop --format png,webm,mov --transparent
  anim render --all --format pdf                 every figure as a vector PDF, for print
  anim render --scene loop --format storyboard   renders/03-loop-treinamento.storyboard.png, .pdf
  anim render --all --png-only --scale 2 --dpi 600";

#[derive(Args, Debug)]
#[command(after_help = RENDER_HELP)]
pub struct RenderArgs {
    /// The scene: file name (03-loop-treinamento), short name (loop) or a path to a .ron file.
    #[arg(long, conflicts_with = "all")]
    pub scene: Option<String>,
    /// Render every scene in scenes/: the PNG, the MP4 and, for the book, the storyboard.
    #[arg(long)]
    pub all: bool,
    /// Only the still PNG.
    #[arg(long, conflicts_with = "video_only")]
    pub png_only: bool,
    /// Only the MP4.
    #[arg(long)]
    pub video_only: bool,
    /// Which files to write, a comma list of png, mp4, webm, gif, webp, mov, pdf, svg, storyboard
    /// (see "Formats" below) [default: png,mp4]
    #[arg(long, value_name = "LIST", value_parser = parse_format_list, conflicts_with_all = ["png_only", "video_only", "output"])]
    pub format: Option<FormatList>,
    /// Width of the GIF in pixels, at most the render's (the height follows) [default: 960]
    #[arg(long, value_name = "PX", value_parser = clap::value_parser!(u32).range(16..=4096))]
    pub gif_width: Option<u32>,
    /// Frame rate of the GIF, at most the video's [default: 15]
    #[arg(long, value_name = "FPS", value_parser = clap::value_parser!(u32).range(1..=50))]
    pub gif_fps: Option<u32>,
    /// Width of the WebM and WebP in pixels, at most the render's (made even; the height follows)
    /// [default: the render's]
    #[arg(long, value_name = "PX", value_parser = clap::value_parser!(u32).range(16..=8192))]
    pub web_width: Option<u32>,
    /// Frame rate of the WebM and WebP, at most the video's [default: the video's]
    #[arg(long, value_name = "FPS", value_parser = clap::value_parser!(u32).range(1..=240))]
    pub web_fps: Option<u32>,
    /// Time of the still PNG in seconds (default: the scene's final frame).
    #[arg(long, value_name = "SECONDS", conflicts_with = "video_only")]
    pub frame: Option<f64>,
    /// Only frames A..B (end exclusive) of the video, for a quick look.
    #[arg(long, value_name = "A..B", conflicts_with = "png_only", value_parser = parse_range)]
    pub frames: Option<(u64, u64)>,
    /// Only chunk I of N of the video (whole 2 s segments), to join with `anim splice`.
    #[arg(long, value_name = "I/N", conflicts_with_all = ["frames", "all", "png_only"], value_parser = parse_chunk)]
    pub chunk: Option<(u32, u32)>,
    /// Output folder (the file names are the scenes' own; see "Outputs" below).
    #[arg(long, default_value = "renders", value_name = "DIR")]
    pub out: PathBuf,
    /// Write exactly this file (one scene), its kind from the extension: .png, .pdf or .svg the still; .mp4, .webm, .gif, .webp or .mov the video.
    #[arg(short = 'o', long, value_name = "FILE", conflicts_with_all = ["all", "png_only", "video_only"])]
    pub output: Option<PathBuf>,
    /// Quality preset: l (480p15), m (720p30), h (1080p60), p (1440p60), k (2160p60);
    /// -ql, -qm, -qh, -qp and -qk are short for it, as in Manim.
    #[arg(long, value_enum, value_name = "l|m|h|p|k", hide_possible_values = true)]
    pub quality: Option<Quality>,
    /// Output size WxH at scale 1 (same aspect ratio as the scene).
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub size: Option<(u32, u32)>,
    /// Pixel scale: 2 renders at twice the size for print (file names get @2x).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f32,
    /// Video frame rate (default: the scene's, or the quality preset's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=120), conflicts_with = "png_only")]
    pub fps: Option<u32>,
    /// x264 quality: 1 best … 51 worst; 18 (the default) is visually lossless for flat graphics.
    /// (0, lossless, is not allowed: the High profile that every player decodes has no lossless mode.)
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=51))]
    pub crf: Option<u8>,
    /// x264 preset (slower = smaller file at the same quality) [default: veryfast]
    #[arg(long, value_parser = X264_PRESETS)]
    pub preset: Option<String>,
    /// Resolution written into the PNG (pHYs), in dots per inch: at 300 a 1920 px figure prints 16.3 cm wide.
    #[arg(long, default_value_t = crate::image::DEFAULT_DPI, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub dpi: u32,
    /// Anti-aliasing: coverage (computed per pixel in the shader; fast everywhere),
    /// msaa (4× multisampling; several times slower on a software adapter) or off.
    #[arg(long, default_value = "coverage", value_parser = parse_antialias)]
    pub aa: Antialias,
    /// Leave the background out: of the PNG, the PDF and SVG, the WebM (VP9 alpha), the MOV (ProRes 4444),
    /// the GIF and the WebP; the MP4 cannot carry alpha and keeps it.
    #[arg(long, conflicts_with_all = ["video_only", "chunk"])]
    pub transparent: bool,
    /// Render this many scenes at once with --all (each on its own thread, one shared GPU device).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=16))]
    pub jobs: u32,
    /// No progress bar or summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Render even outputs that are up to date (same scene, theme, fonts, data,
    /// images, options and anim build as when they were written).
    #[arg(long)]
    pub force: bool,
}

/// `--format`'s list.
#[derive(Clone, Debug, PartialEq)]
pub struct FormatList(pub Vec<Format>);

fn parse_format_list(s: &str) -> Result<FormatList, String> {
    parse_formats(s).map(FormatList)
}

/// Manim's quality flags (`-ql`, `-qm`, `-qh`, `-qp`, `-qk`) as `--quality X`.
/// They are one token that clap would read as `-q -l` (quiet, then an
/// unknown flag), so they are spelled out before parsing; anything after
/// `--` is left alone.
pub fn expand_quality_flags(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out = Vec::new();
    let mut rest = false;
    for a in args {
        rest |= a == "--";
        match a.to_str() {
            Some(flag @ ("-ql" | "-qm" | "-qh" | "-qp" | "-qk")) if !rest => {
                out.push("--quality".into());
                out.push(flag[2..].into());
            }
            _ => out.push(a),
        }
    }
    out
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
  H            show / hide the overlay (time, frame, scene, fps) and the
               timeline bar
  mouse        click or drag on the timeline bar (bottom edge) to seek
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
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub window: Option<(u32, u32)>,
    /// Start with the overlay hidden (for screenshot tests; H toggles it).
    #[arg(long, hide = true)]
    pub no_overlay: bool,
}

/// Parses `WxH` (`--size`, `--window`); the sides are checked where the
/// size is used ([`crate::render::plan`], [`crate::preview::run`]).
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| "expected WxH, e.g. 1280x720".to_string())?;
    let n = |v: &str| {
        v.trim()
            .parse::<u32>()
            .map_err(|_| format!("{v:?} is not a whole number"))
    };
    Ok((n(w)?, n(h)?))
}

/// Parses `I/N` (`--chunk`) with 1 <= I <= N.
pub fn parse_chunk(s: &str) -> Result<(u32, u32), String> {
    let bad = || "expected I/N with 1 <= I <= N, e.g. 2/4".to_string();
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (u32, u32) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if i == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Parses `A..B` (`--frames`, end exclusive) with A < B.
pub fn parse_range(s: &str) -> Result<(u64, u64), String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| "expected A..B, e.g. 0..60".to_string())?;
    let n = |v: &str| {
        v.trim()
            .parse::<u64>()
            .map_err(|_| format!("{v:?} is not a frame number"))
    };
    let (a, b) = (n(a)?, n(b)?);
    if a >= b {
        return Err("the end must be after the start".into());
    }
    Ok((a, b))
}

/// A combination of flags that cannot work (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FlagError(pub String);

/// File extensions of outputs anim writes: an `--out` with one of these is a
/// file name given where a folder is expected.
const OUTPUT_EXTENSIONS: [&str; 8] = ["png", "mp4", "webm", "gif", "webp", "mov", "pdf", "svg"];

impl RenderArgs {
    /// The job the flags ask for, in project `root`. A quality preset (`-q`)
    /// sets the size, frame rate, CRF and x264 preset; flags given beside it
    /// win. Only what needs no scene is checked here; [`crate::render::plan`]
    /// checks the rest against each scene.
    pub fn job(&self, root: &Path) -> Result<Job, FlagError> {
        let quality = self.quality.map(|q| q.settings());
        self.check_video_built()?;
        // The book's set: --all with no other choice of outputs also writes
        // each figure's storyboard, for the printed page.
        let storyboard = match &self.format {
            Some(FormatList(l)) => l.contains(&Format::Storyboard),
            None => self.all && !self.png_only && !self.video_only,
        };
        let (png, video, web, vector) = match (&self.output, &self.format) {
            (Some(_), _) => (true, true, vec![], vec![]), // the plan keeps the one the extension names
            (None, Some(FormatList(list))) => (
                list.contains(&Format::Png),
                list.contains(&Format::Mp4),
                list.iter().copied().filter(|f| f.is_web()).collect(),
                list.iter().copied().filter(|f| f.is_vector()).collect(),
            ),
            (None, None) if self.chunk.is_some() => (false, true, vec![], vec![]),
            (None, None) => (
                !self.video_only,
                !self.png_only && cfg!(feature = "video"),
                vec![],
                vec![],
            ),
        };
        if self.chunk.is_some() && (png || storyboard || !web.is_empty() || !vector.is_empty()) {
            return Err(FlagError(
                "--chunk cuts the MP4 only: give --format mp4 (or no --format) with it".into(),
            ));
        }
        if self.transparent
            && self.output.is_none()
            && !png
            && !storyboard
            && web.is_empty()
            && vector.is_empty()
        {
            return Err(FlagError(
                "--transparent: an MP4 cannot carry alpha; ask for a format that can, \
                 e.g. --format webm (VP9 with alpha) or --format mov (ProRes 4444)"
                    .into(),
            ));
        }
        self.check_flags_apply()?;
        self.check_size_flags()?;
        let gif = GifSize {
            width: self.gif_width.unwrap_or(GifSize::default().width),
            fps: self.gif_fps.unwrap_or(GifSize::default().fps),
        };
        Ok(Job {
            dest: self.destination(root)?,
            png,
            video,
            web,
            vector,
            storyboard,
            gif,
            web_size: WebSize {
                width: self.web_width,
                fps: self.web_fps,
            },
            size: self.size,
            height: quality.map(|q| q.height),
            scale: self.scale,
            still: self.frame,
            frames: self.frames,
            chunk: self.chunk,
            fps: self.fps.or(quality.map(|q| q.fps)),
            crf: self.crf.or(quality.map(|q| q.crf)).unwrap_or(DEFAULT_CRF),
            preset: self
                .preset
                .clone()
                .or(quality.map(|q| q.preset.to_string()))
                .unwrap_or_else(|| DEFAULT_PRESET.to_string()),
            transparent: self.transparent,
            dpi: self.dpi,
            force: self.force,
        })
    }

    /// The extension of `-o FILE`, lower case.
    fn output_extension(&self) -> Option<String> {
        let file = self.output.as_ref()?;
        file.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
    }

    /// Without the `video` feature anim writes PNGs only: a flag that asks
    /// for a video is an error rather than silently ignored.
    fn check_video_built(&self) -> Result<(), FlagError> {
        if cfg!(feature = "video") {
            return Ok(());
        }
        let ffmpeg = self
            .format
            .as_ref()
            .and_then(|FormatList(l)| l.iter().find(|f| f.needs_ffmpeg()))
            .map(|f| format!("--format {}", f.name()));
        if let Some(flag) = ffmpeg {
            return Err(FlagError(format!(
                "{flag} asks for a video, but this anim was built without the `video` feature \
                 (PNG, GIF, PDF and SVG only); rebuild it with the default features for MP4, WebM, WebP and MOV"
            )));
        }
        let ext = self.output_extension();
        let needs = ext
            .as_deref()
            .and_then(Format::from_name)
            .is_some_and(|f| f.needs_ffmpeg());
        let wants_video = [
            ("--video-only", self.video_only),
            ("--frames", self.frames.is_some()),
            ("--chunk", self.chunk.is_some()),
            ("-o FILE (a video)", needs),
        ];
        match wants_video.iter().find(|(_, given)| *given) {
            Some((flag, _)) => Err(FlagError(format!(
                "{flag} asks for a video, but this anim was built without the `video` feature \
                 (PNG only); rebuild it with the default features for MP4s"
            ))),
            None => Ok(()),
        }
    }

    /// Flags that shape the other output than the one `-o` names would be
    /// ignored: say so.
    fn check_flags_apply(&self) -> Result<(), FlagError> {
        let Some(file) = &self.output else {
            return Ok(());
        };
        let (kind, others): (&str, &[(&str, bool)]) = match self.output_extension().as_deref() {
            Some("png" | "pdf" | "svg") => (
                "the still",
                &[
                    ("--frames", self.frames.is_some()),
                    ("--fps", self.fps.is_some()),
                    ("--chunk", self.chunk.is_some()),
                ],
            ),
            Some("mp4") => (
                "the video",
                &[
                    ("--frame", self.frame.is_some()),
                    ("--transparent", self.transparent),
                ],
            ),
            Some("webm" | "gif" | "webp" | "mov") => ("the video", &[("--frame", self.frame.is_some())]),
            _ => ("", &[]),
        };
        match others.iter().find(|(_, given)| *given) {
            Some((flag, _)) => Err(FlagError(format!(
                "{flag} does not apply to {kind}, which is what -o {} writes",
                file.display()
            ))),
            None => Ok(()),
        }
    }

    /// `--gif-*` without a GIF, or `--web-*` without a WebM or WebP, would
    /// shape nothing: say so.
    fn check_size_flags(&self) -> Result<(), FlagError> {
        let ext = self.output_extension().as_deref().and_then(Format::from_name);
        let asked = |f: Format| match &self.format {
            Some(FormatList(l)) => l.contains(&f),
            None => ext == Some(f),
        };
        let (gif, web) = (asked(Format::Gif), asked(Format::Webm) || asked(Format::Webp));
        let checks = [
            ("--gif-width", self.gif_width.is_some() && !gif, "the GIF", "gif"),
            ("--gif-fps", self.gif_fps.is_some() && !gif, "the GIF", "gif"),
            (
                "--web-width",
                self.web_width.is_some() && !web,
                "the WebM and WebP",
                "webm",
            ),
            (
                "--web-fps",
                self.web_fps.is_some() && !web,
                "the WebM and WebP",
                "webm",
            ),
        ];
        match checks.iter().find(|c| c.1) {
            Some((flag, _, what, ext)) => Err(FlagError(format!(
                "{flag} shapes {what} only, and this render writes none: \
                 add it to --format (e.g. --format png,{ext}) or write -o FILE.{ext}"
            ))),
            None => Ok(()),
        }
    }

    /// Where the outputs go: exactly `-o FILE`, or a folder (`--out`,
    /// relative to the project), checked before anything is created.
    fn destination(&self, root: &Path) -> Result<Destination, FlagError> {
        if let Some(file) = &self.output {
            if file.is_dir() {
                return Err(FlagError(format!(
                    "-o {}: is a folder; -o names the file to write (use --out for a folder)",
                    file.display()
                )));
            }
            return Ok(Destination::File(file.clone()));
        }
        let dir = if self.out.is_absolute() {
            self.out.clone()
        } else {
            root.join(&self.out)
        };
        let ext = self
            .out
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if ext.is_some_and(|e| OUTPUT_EXTENSIONS.contains(&e.as_str())) {
            return Err(FlagError(format!(
                "--out {0} looks like a file name, but --out is the folder the outputs go in; \
                 to write exactly one file, use -o {0}",
                self.out.display()
            )));
        }
        if dir.exists() && !dir.is_dir() {
            return Err(FlagError(format!(
                "--out {}: exists and is not a folder",
                self.out.display()
            )));
        }
        Ok(Destination::Folder(dir))
    }
}

#[cfg(test)]
mod tests;
