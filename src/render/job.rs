//! A render job checked against a scene before anything is drawn: the
//! output size, the frames, the file names ([`plan`]); and the errors and
//! progress reports of a render.

use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use super::formats::Format;
use crate::gpu::GpuError;
use crate::scene::Scene;
use crate::tess::TessError;
#[cfg(feature = "video")]
use crate::video::{VideoError, VideoSettings};

/// The signal that stopped a render, if any: 0 none, else its number.
pub type StopFlag = Arc<AtomicUsize>;

/// Where a job writes.
#[derive(Clone, Debug, PartialEq)]
pub enum Destination {
    /// A folder; each output is named after its scene and how the render
    /// differs from the scene as written ([`output_name`]).
    Folder(PathBuf),
    /// Exactly this file of one scene, its format named by its extension
    /// (`.png`, `.pdf` or `.svg` the still; `.mp4`, `.webm`, `.gif`, `.webp`, `.mov` a video).
    File(PathBuf),
}

/// What to produce.
#[derive(Clone, Debug)]
pub struct Job {
    pub dest: Destination,
    pub png: bool,
    /// The MP4.
    pub video: bool,
    /// The other videos (`--format webm,gif,webp,mov`), fed from one frame loop.
    pub web: Vec<Format>,
    /// The vector stills (`--format pdf,svg`), drawn from the still's display list.
    pub vector: Vec<Format>,
    /// The storyboard (`--format storyboard`).
    pub storyboard: bool,
    /// The GIF's size and rate.
    pub gif: GifSize,
    /// The WebM's and WebP's size and rate (default: the render's).
    pub web_size: WebSize,
    /// Output size at scale 1 (default: the scene's).
    pub size: Option<(u32, u32)>,
    /// Output height at scale 1 when `size` is not given, the width following
    /// the scene's aspect ratio (a quality preset's 480p, 720p, …).
    pub height: Option<u32>,
    pub scale: f32,
    /// Time of the PNG (default: the scene's `still`).
    pub still: Option<f64>,
    /// Frame range of the video, `[start, end)`, in frames at the video's frame rate.
    pub frames: Option<(u64, u64)>,
    /// Only chunk `i` of `n` (1-based) of the video: the scene's segments cut
    /// into `n` runs as even as possible, to render on separate machines and
    /// join with `anim splice` ([`crate::video::splice`]).
    pub chunk: Option<(u32, u32)>,
    /// Frame rate of the video (default: the scene's).
    pub fps: Option<u32>,
    pub crf: u8,
    pub preset: String,
    /// Leave the background out: of the PNG, the PDF and SVG, the WebM (VP9 with alpha), the
    /// ProRes 4444 MOV, the GIF and the WebP. The MP4 cannot carry alpha and keeps it.
    pub transparent: bool,
    /// Resolution recorded in the PNG, dots per inch.
    pub dpi: u32,
    /// Render even outputs the cache says are up to date ([`crate::cache`]).
    pub force: bool,
}

/// The GIF's width in pixels (at most the render's; the height follows) and frame rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GifSize {
    pub width: u32,
    pub fps: u32,
}

impl Default for GifSize {
    fn default() -> GifSize {
        GifSize { width: 960, fps: 15 }
    }
}

/// The WebM's and WebP's width in pixels (at most the render's, made even;
/// the height follows) and frame rate (at most the video's), each `None` for
/// the render's own. The MOV, for editors, always keeps the render's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WebSize {
    pub width: Option<u32>,
    pub fps: Option<u32>,
}

/// Frames `start..end` of a video at `fps`: frame `i` shows the scene at `i / fps` s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameRange {
    pub start: u64,
    pub end: u64,
    pub fps: u32,
    /// Frames per video segment, counted from frame 0: each segment is drawn
    /// from a fresh start (no redraw, underlay or YUV state carried in) and
    /// encoded on its own ([`crate::video::VideoEncoder::begin_segment`]), so
    /// it comes out the same whether the frames before it were rendered or
    /// copied from an earlier video. `u64::MAX`: one segment.
    pub segment: u64,
}

impl FrameRange {
    /// Frames `start..end` of `scene` at its own frame rate, as one segment.
    pub fn of(scene: &Scene, (start, end): (u64, u64)) -> FrameRange {
        FrameRange {
            start,
            end,
            fps: scene.fps,
            segment: u64::MAX,
        }
    }

    /// The segments this range touches, each clipped to the range.
    pub fn segments(&self) -> Vec<FrameRange> {
        let mut out = Vec::new();
        let mut a = self.start;
        while a < self.end {
            let segment = self.segment.max(1);
            let b = (a / segment)
                .saturating_add(1)
                .saturating_mul(segment)
                .min(self.end);
            out.push(FrameRange {
                start: a,
                end: b,
                ..*self
            });
            a = b;
        }
        out
    }
    pub fn len(&self) -> u64 {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start >= self.end
    }
}

/// A [`Job`] checked against one scene: sizes, frames and file paths, all
/// known before anything is drawn or written.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Output pixels.
    pub size: (u32, u32),
    pub frames: FrameRange,
    /// Time of the still.
    pub still: f64,
    pub png: Option<PathBuf>,
    pub video: Option<PathBuf>,
    /// The other videos and their files.
    pub web: Vec<(Format, PathBuf)>,
    /// The still frame beside the other videos, for a web page's `<video poster>`:
    /// `NAME.poster.png`, at the videos' size and with their background.
    pub poster: Option<PathBuf>,
    /// The vector stills and their files.
    pub vector: Vec<(Format, PathBuf)>,
    /// The storyboard's PNG and PDF.
    pub storyboard: Option<[PathBuf; 2]>,
}

/// Checks `job` against `scene` and names its outputs. Touches no file.
pub fn plan(scene: &Scene, job: &Job) -> Result<Plan, RenderError> {
    let size = output_size(scene, job)?;
    let still = job.still.unwrap_or(scene.still);
    if !still.is_finite() || !(0.0..=scene.duration).contains(&still) {
        return Err(RenderError::Invalid(format!(
            "--frame {still} is outside 0..={} s",
            scene.duration
        )));
    }
    let fps = job.fps.unwrap_or(scene.fps);
    if fps == 0 || fps > crate::scene::limits::MAX_FPS {
        return Err(RenderError::Invalid(format!(
            "--fps {fps}: give 1..={}",
            crate::scene::limits::MAX_FPS
        )));
    }
    let total = scene.frame_count_at(fps);
    #[cfg(feature = "video")]
    let segment = crate::video::keyframe_interval(fps) as u64;
    // Without video there are no segments to cut the frames into.
    #[cfg(not(feature = "video"))]
    let segment = u64::MAX;
    let (start, end) = match job.chunk {
        Some(chunk) => chunk_frames(total, segment, chunk)?,
        None => job.frames.unwrap_or((0, total)),
    };
    if start >= end || end > total {
        return Err(RenderError::Invalid(format!(
            "frame range {start}..{end} is outside the scene's 0..{total} frames at {fps} fps"
        )));
    }
    let frames = FrameRange {
        start,
        end,
        fps,
        segment,
    };
    let mut storyboard = None;
    let (png, video, web, poster, vector) = match &job.dest {
        Destination::File(path) => {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .and_then(Format::from_name);
            match ext {
                Some(Format::Png) => (Some(path.clone()), None, vec![], None, vec![]),
                Some(Format::Mp4) => (None, Some(path.clone()), vec![], None, vec![]),
                Some(f) if f.is_vector() => (None, None, vec![], None, vec![(f, path.clone())]),
                Some(f) => (None, None, vec![(f, path.clone())], None, vec![]),
                None => {
                    return Err(RenderError::Invalid(format!(
                        "-o {}: name a still (.png, .pdf, .svg) or a video (.mp4, .webm, .gif, .webp, .mov)",
                        path.display()
                    )))
                }
            }
        }
        Destination::Folder(dir) => {
            let named = |ext| dir.join(output_name(scene, job, size, frames, ext));
            let web: Vec<_> = job.web.iter().map(|&f| (f, named(f.name()))).collect();
            let poster = (!web.is_empty()).then(|| named("poster.png"));
            let vector = job.vector.iter().map(|&f| (f, named(f.name()))).collect();
            if job.storyboard {
                storyboard = Some([named("storyboard.png"), named("storyboard.pdf")]);
            }
            (
                job.png.then(|| named("png")),
                job.video.then(|| named("mp4")),
                web,
                poster,
                vector,
            )
        }
    };
    let ffmpeg = video.is_some() || web.iter().any(|(f, _)| f.needs_ffmpeg());
    #[cfg(feature = "video")]
    if ffmpeg {
        crate::video::validate(&video_settings(job, size, frames, total))?;
    }
    #[cfg(not(feature = "video"))]
    if ffmpeg {
        return Err(RenderError::Invalid(
            "this anim was built without the `video` feature: it writes no MP4, WebM, WebP or MOV".into(),
        ));
    }
    if job.chunk.is_some() && !web.is_empty() {
        return Err(RenderError::Invalid(
            "--chunk cuts the MP4 only: render the other formats whole".into(),
        ));
    }
    Ok(Plan {
        size,
        frames,
        still,
        png,
        video,
        web,
        poster,
        vector,
        storyboard,
    })
}

/// The frames of chunk `i` of `n` of a `total`-frame video cut into
/// `segment`-frame segments: whole segments, as even a share as possible, so
/// the chunks' segments are exactly those of a single render.
fn chunk_frames(total: u64, segment: u64, (i, n): (u32, u32)) -> Result<(u64, u64), RenderError> {
    let segments = total.div_ceil(segment);
    if i == 0 || i > n || u64::from(n) > segments {
        return Err(RenderError::Invalid(format!(
            "--chunk {i}/{n}: give 1..={n} of at most {segments} chunks (the video has {segments} segments of {segment} frames)"
        )));
    }
    let first = |k: u64| k * segments / u64::from(n) * segment;
    Ok((first(u64::from(i) - 1), first(u64::from(i)).min(total)))
}

/// The encoder settings of a job's video at `size` and `fps`.
#[cfg(feature = "video")]
pub(super) fn video_settings(
    job: &Job,
    (width, height): (u32, u32),
    frames: FrameRange,
    total: u64,
) -> VideoSettings {
    let comment = job.chunk.map(|(index, count)| {
        crate::video::ChunkTag {
            index,
            count,
            start: frames.start,
            end: frames.end,
            total,
        }
        .comment()
    });
    VideoSettings {
        width,
        height,
        fps: frames.fps,
        crf: job.crf,
        preset: job.preset.clone(),
        comment,
    }
}

/// The file name of an output in a folder: the scene's name, then one
/// suffix for each way the render differs from the scene as written, so
/// that no variant replaces the book's figure (`03-loop-treinamento.png`):
/// `@2x` (--scale), `-1280x720` (--size or a quality preset), `-30fps`
/// (video), `-t6.5` (the still's time), `-f0-120` (a part of the video),
/// `-transparent` (the stills and the videos that carry alpha: not the MP4).
/// The stills (PNG, PDF, SVG) take the still's suffixes, the storyboard
/// only `-transparent`, the rest the video's.
/// `--gif-*`, `--web-*`, the x264 settings and the PNG's dpi change how the
/// same picture is encoded, so they keep the name.
pub fn output_name(scene: &Scene, job: &Job, size: (u32, u32), frames: FrameRange, ext: &str) -> String {
    let mut name = scene.name.clone();
    if (job.scale - 1.0).abs() > 1e-6 {
        name += &format!("@{}x", job.scale);
    }
    if unscaled_size(scene, job) != (scene.width, scene.height) {
        name += &format!("-{}x{}", size.0, size.1);
    }
    if ext.starts_with("storyboard.") {
        if job.transparent {
            name += "-transparent";
        }
    } else if Format::from_name(ext).is_some_and(Format::is_still) {
        if let Some(t) = job.still.filter(|t| (t - scene.still).abs() > 1e-9) {
            name += &format!("-t{t}");
        }
        if job.transparent {
            name += "-transparent";
        }
    } else {
        if frames.fps != scene.fps {
            name += &format!("-{}fps", frames.fps);
        }
        match job.chunk {
            Some((i, n)) => {
                let width = n.to_string().len();
                name += &format!("-chunk{i:0width$}of{n}");
            }
            None if (frames.start, frames.end) != (0, scene.frame_count_at(frames.fps)) => {
                name += &format!("-f{}-{}", frames.start, frames.end);
            }
            None => {}
        }
        if job.transparent && ext != "mp4" {
            name += "-transparent";
        }
    }
    format!("{name}.{ext}")
}

/// Why a render failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Gpu(#[from] GpuError),
    #[error(transparent)]
    Tess(#[from] TessError),
    #[error(transparent)]
    #[cfg(feature = "video")]
    Video(#[from] VideoError),
    /// Writing an output failed.
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// A PNG could not be encoded.
    #[error("cannot write {path}: {message}")]
    Png { path: PathBuf, message: String },
    /// One output format could not be written (the others were).
    #[error("cannot write the {format}: {message} (the other outputs were written)")]
    Format { format: &'static str, message: String },
    /// Several output formats could not be written, each said.
    #[error("{0}")]
    Formats(String),
    /// The requested size or range is not possible for this scene.
    #[error("{0}")]
    Invalid(String),
    /// A signal asked us to stop.
    #[error("interrupted by signal {0}")]
    Interrupted(usize),
}

/// Progress reports, so the CLI can draw a bar and tests can stay quiet.
pub trait Progress {
    fn start(&mut self, _label: &str, _frames: u64) {}
    fn frame(&mut self, _done: u64) {}
    fn finish(&mut self, _summary: &str) {}
}

/// A progress sink that says nothing.
pub struct Silent;
impl Progress for Silent {}

/// What a finished render wrote and how long it took.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub png: Option<PathBuf>,
    pub video: Option<PathBuf>,
    /// The other videos written, and the poster.
    pub web: Vec<PathBuf>,
    /// The vector stills and the storyboard written.
    pub vector: Vec<PathBuf>,
    /// Outputs not rendered because they were up to date ([`crate::cache`]).
    pub up_to_date: Vec<PathBuf>,
    /// Outputs rendered, each with why the cache could not keep it.
    pub stale: Vec<(PathBuf, crate::cache::Stale)>,
    /// Of the video's segments, how many were copied from the earlier video, and how many there are.
    pub segments: (usize, usize),
    pub frames: u64,
    /// Frames whose snapshot equalled the previous one and were not re-rendered.
    pub reused: u64,
    pub seconds: f64,
}

/// Output pixel size for a job ([`plan`] calls it).
fn output_size(scene: &Scene, job: &Job) -> Result<(u32, u32), RenderError> {
    let (w, h) = unscaled_size(scene, job);
    if w == 0 || h == 0 {
        return Err(RenderError::Invalid(format!("size {w}x{h} is impossible")));
    }
    let aspect = |a: u32, b: u32| a as f64 / b as f64;
    if (aspect(w, h) / aspect(scene.width, scene.height) - 1.0).abs() > 0.01 {
        return Err(RenderError::Invalid(format!(
            "--size {w}x{h} changes the aspect ratio of {} ({}x{}); keep {:.3}:1",
            scene.name,
            scene.width,
            scene.height,
            aspect(scene.width, scene.height)
        )));
    }
    if !job.scale.is_finite() || job.scale <= 0.0 {
        return Err(RenderError::Invalid(format!(
            "--scale must be positive, got {}",
            job.scale
        )));
    }
    let (sw, sh) = (
        (w as f32 * job.scale).round() as u32,
        (h as f32 * job.scale).round() as u32,
    );
    let max = crate::scene::limits::MAX_SIDE;
    if sw > max || sh > max || sw == 0 || sh == 0 {
        return Err(RenderError::Invalid(format!(
            "{sw}x{sh} is outside 1..={max} pixels per side"
        )));
    }
    Ok((sw, sh))
}

/// The output size before `--scale`: `--size`, else a preset's height at
/// the scene's aspect ratio (the width rounded to even, for video), else the
/// scene's own.
fn unscaled_size(scene: &Scene, job: &Job) -> (u32, u32) {
    match (job.size, job.height) {
        (Some(size), _) => size,
        (None, Some(h)) => {
            let w = h as f64 * scene.width as f64 / scene.height.max(1) as f64;
            (((w / 2.0).round() * 2.0) as u32, h)
        }
        (None, None) => (scene.width, scene.height),
    }
}
