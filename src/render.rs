//! Render jobs: a loaded scene → final-frame PNG and H.264 MP4 in `renders/`.
//!
//! The loop is `t = i / fps` → `evaluate` → (if the snapshot differs from
//! the previous frame) `tessellate` → GPU draw and readback → encoder
//! thread. Holds are common in these scenes, so an unchanged snapshot reuses
//! the previous pixels without touching the GPU; a changed one redraws only
//! the few rectangles that changed and reads back the box around them
//! ([`crate::damage`]). Elements drawn from the same inputs as in the
//! previous frame reuse their items ([`Evaluator`]) and items drawn
//! identically reuse their triangles ([`TessCache`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use crate::cache::{FileHashes, Inputs};
use crate::damage::{damage_keyed, Damage, PixelBox};
use crate::eval::{evaluate, Evaluator};
use crate::gpu::{gpu_yuv_supported, GpuContext, GpuError, Redraw, Renderer, Yuv420Image};
use crate::image::RgbaImage;
use crate::output::{temp_path, TempGuard};
use crate::scene::Scene;
use crate::snapshot::Snapshot;
use crate::tess::{tessellate, tessellate_cached, Antialias, TessCache, TessError};
use crate::video::{EncodedPacket, EncoderThread, VideoError, VideoSettings};

/// The signal that stopped a render, if any: 0 none, else its number.
pub type StopFlag = Arc<AtomicUsize>;

/// Where a job writes.
#[derive(Clone, Debug, PartialEq)]
pub enum Destination {
    /// A folder; each output is named after its scene and how the render
    /// differs from the scene as written ([`output_name`]).
    Folder(PathBuf),
    /// Exactly this file: a `.png` still or a `.mp4` video of one scene.
    File(PathBuf),
}

/// What to produce.
#[derive(Clone, Debug)]
pub struct Job {
    pub dest: Destination,
    pub png: bool,
    pub video: bool,
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
    /// Draw the PNG over a transparent background.
    pub transparent: bool,
    /// Resolution recorded in the PNG, dots per inch.
    pub dpi: u32,
    /// Render even outputs the cache says are up to date ([`crate::cache`]).
    pub force: bool,
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
    let segment = crate::video::keyframe_interval(fps) as u64;
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
    let (png, video) = match &job.dest {
        Destination::File(path) => match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("png") => (Some(path.clone()), None),
            Some(e) if e.eq_ignore_ascii_case("mp4") => (None, Some(path.clone())),
            _ => {
                return Err(RenderError::Invalid(format!(
                    "-o {}: name a .png (the still) or a .mp4 (the video)",
                    path.display()
                )))
            }
        },
        Destination::Folder(dir) => {
            let named = |ext| dir.join(output_name(scene, job, size, frames, ext));
            (job.png.then(|| named("png")), job.video.then(|| named("mp4")))
        }
    };
    if video.is_some() {
        crate::video::validate(&video_settings(job, size, frames, total))?;
    }
    Ok(Plan {
        size,
        frames,
        still,
        png,
        video,
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
fn video_settings(job: &Job, (width, height): (u32, u32), frames: FrameRange, total: u64) -> VideoSettings {
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
/// `-transparent` (PNG). The x264 settings and the PNG's dpi change how the
/// same picture is encoded, so they keep the name.
pub fn output_name(scene: &Scene, job: &Job, size: (u32, u32), frames: FrameRange, ext: &str) -> String {
    let mut name = scene.name.clone();
    if (job.scale - 1.0).abs() > 1e-6 {
        name += &format!("@{}x", job.scale);
    }
    if unscaled_size(scene, job) != (scene.width, scene.height) {
        name += &format!("-{}x{}", size.0, size.1);
    }
    if ext == "png" {
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
    Video(#[from] VideoError),
    /// Writing an output failed.
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// A PNG could not be encoded.
    #[error("cannot write {path}: {message}")]
    Png { path: PathBuf, message: String },
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

/// Tessellates `snap` for an output `width` pixels wide; returns the mesh
/// and the viewport (the scene's size in scene units) it is drawn in.
fn mesh_for(
    snap: &Snapshot,
    width: u32,
    aa: Antialias,
) -> Result<(crate::tess::Mesh, [f32; 2]), RenderError> {
    let scale = width as f32 / snap.width as f32;
    Ok((
        tessellate(snap, scale, aa)?,
        [snap.width as f32, snap.height as f32],
    ))
}

/// [`mesh_for`] of the snapshot's `items` only, reaching `clips` (output
/// pixels) when given, reusing triangles from `cache` ([`tessellate_cached`]).
fn cached_mesh_for(
    snap: &Snapshot,
    width: u32,
    aa: Antialias,
    cache: &mut TessCache,
    items: std::ops::Range<usize>,
    clips: Option<&[PixelBox]>,
) -> Result<(crate::tess::Mesh, [f32; 2]), RenderError> {
    let scale = width as f32 / snap.width as f32;
    let clips: Option<Vec<_>> = clips.map(|c| c.iter().map(|b| b.to_scene(scale)).collect());
    let mesh = tessellate_cached(snap, scale, aa, cache, items, clips.as_deref())?;
    Ok((mesh, [snap.width as f32, snap.height as f32]))
}

/// Draws one snapshot.
pub fn draw(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    snap: &Snapshot,
    width: u32,
    height: u32,
) -> Result<RgbaImage, RenderError> {
    let (mesh, viewport) = mesh_for(snap, width, renderer.antialias())?;
    let mut img = renderer.render(ctx, &mesh, viewport, snap.background, width, height)?;
    if snap.background.a < 1.0 {
        img.unpremultiply();
    }
    Ok(img)
}

/// Renders the still PNG at `t` to `path`, through a temporary file.
pub fn render_png(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    scene: &Scene,
    job: &Job,
    plan: &Plan,
    path: &Path,
) -> Result<(), RenderError> {
    let (w, h) = plan.size;
    let mut snap = evaluate(scene, plan.still);
    if job.transparent {
        snap.background = crate::color::Color::TRANSPARENT;
    }
    let img = draw(ctx, renderer, &snap, w, h)?;
    let guard = TempGuard::new(temp_path(path));
    let io = |source| RenderError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::create(&guard.path).map_err(io)?;
    let mut wr = std::io::BufWriter::new(file);
    img.encode_png(&mut wr, Some(job.dpi))
        .map_err(|e| RenderError::Png {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    let file = wr.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    guard.commit(path).map_err(io)?;
    Ok(())
}

/// One rendered frame, in the form the next stage wants, owned by it.
///
/// Frames after the first may come as what changed since the frame handed
/// over before ([`Frame::Patch`], [`Frame::Same`]): the renderer's target
/// holds the rest, so no full copy of the previous frame is kept on the CPU.
#[derive(Clone, Debug)]
pub enum Frame {
    /// The whole frame.
    Rgba(RgbaImage),
    /// The pixels of this rectangle; the rest is the previous frame's. The
    /// rectangle is 2×2-aligned ([`crate::yuv::align_to_chroma`]), so the
    /// video's yuv420p planes can be patched with it as they are.
    Patch(PixelBox, RgbaImage),
    /// The whole frame converted to BT.709 limited-range yuv420p on the GPU,
    /// for the video encoder.
    Yuv420p(Yuv420Image),
    /// Identical to the previous frame.
    Same,
}

/// Draws one snapshot for the video: as yuv420p planes converted on the GPU
/// when `yuv` is set and the frame allows it (opaque background, even
/// width and height), else as RGBA. Items unchanged since the previous
/// frame reuse their triangles from `cache`. With `partial`, only its
/// rectangles are redrawn over the renderer's last frame, and (for RGBA)
/// only the aligned box around them is read back, as a [`Frame::Patch`].
#[allow(clippy::too_many_arguments)]
pub fn draw_frame(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    cache: &mut TessCache,
    snap: &Snapshot,
    (width, height): (u32, u32),
    yuv: bool,
    partial: Option<Partial>,
) -> Result<Frame, RenderError> {
    let bg = snap.background;
    let (mesh, viewport, redraw) = mesh_to_redraw(renderer, cache, snap, (width, height), partial.as_ref())?;
    if yuv && bg.a >= 1.0 && gpu_yuv_supported(width, height) && renderer.can_convert_yuv(ctx) {
        let planes = renderer.render_yuv(ctx, &mesh, viewport, bg, width, height, redraw)?;
        return Ok(Frame::Yuv420p(planes));
    }
    let (drawn, mut img) = renderer.render_region(ctx, &mesh, viewport, bg, width, height, redraw)?;
    if (drawn.width, drawn.height) == (width, height) {
        if bg.a < 1.0 {
            img.unpremultiply();
        }
        return Ok(Frame::Rgba(img));
    }
    // Partial redraws only happen over an opaque background (`can_redraw`).
    Ok(Frame::Patch(drawn, img))
}

/// [`draw_frame`] for a window: draws `snap` into the renderer's offscreen
/// target (only `partial`'s rectangles when given and possible) and leaves
/// it there, reading nothing back; the preview copies the target into its
/// surface ([`Renderer::copy_target`]).
pub(crate) fn draw_kept(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    cache: &mut TessCache,
    snap: &Snapshot,
    (width, height): (u32, u32),
    partial: Option<Partial>,
) -> Result<(), RenderError> {
    let (mesh, viewport, redraw) = mesh_to_redraw(renderer, cache, snap, (width, height), partial.as_ref())?;
    renderer.draw_kept(ctx, &mesh, viewport, snap.background, width, height, redraw)?;
    Ok(())
}

/// The mesh that draws `snap` at `width`×`height`: with `partial`, when the
/// renderer can redraw partially, only the items that can paint inside its
/// rectangles and that the underlay does not hold (and the [`Redraw`] that
/// says so); every item otherwise.
fn mesh_to_redraw<'p>(
    renderer: &Renderer,
    cache: &mut TessCache,
    snap: &Snapshot,
    (width, height): (u32, u32),
    partial: Option<&'p Partial>,
) -> Result<(crate::tess::Mesh, [f32; 2], Option<Redraw<'p>>), RenderError> {
    let redraw = partial
        .filter(|_| renderer.can_redraw(width, height, snap.background))
        .map(|p| Redraw {
            boxes: &p.boxes,
            underlay: p.underlay,
        });
    let items = redraw.map_or(0, |r| r.underlay)..snap.items.len();
    let clips = redraw.map(|r| r.boxes);
    let (mesh, viewport) = cached_mesh_for(snap, width, renderer.antialias(), cache, items, clips)?;
    Ok((mesh, viewport, redraw))
}

/// A partial redraw for [`draw_frame`].
pub struct Partial {
    /// What changed since the renderer's last frame ([`crate::damage`]).
    pub boxes: Vec<PixelBox>,
    /// How many first items of the frame the renderer's underlay holds
    /// ([`Renderer::underlay_len`]): they are not drawn again.
    pub underlay: usize,
}

/// A prefix of unchanged items shorter than this is not worth an underlay.
const UNDERLAY_MIN_ITEMS: usize = 64;

/// Frames between two underlay builds at most: a build draws the whole
/// prefix, so a prefix that keeps changing must not be rebuilt every frame.
const UNDERLAY_EVERY: u64 = 30;

/// How many first items of `snap` (item keys `keys`; `prev_keys` those of
/// the frame before) the renderer's underlay holds for frame `i` at
/// `w`×`h`, after (re)building it from the items unchanged since the previous
/// frame when that prefix is long enough, at least twice what the underlay
/// holds, and the last build (`last`) was [`UNDERLAY_EVERY`] frames ago.
pub(crate) fn refresh_underlay(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    cache: &mut TessCache,
    (snap, keys, prev_keys): (&Snapshot, &[u64], &[u64]),
    (w, h): (u32, u32),
    (i, last): (u64, &mut Option<u64>),
) -> Result<usize, RenderError> {
    let held = renderer.underlay_len(keys, w, h, snap.background);
    let common = prev_keys.iter().zip(keys).take_while(|(a, b)| a == b).count();
    let due = last.is_none_or(|f| i >= f + UNDERLAY_EVERY);
    if common < UNDERLAY_MIN_ITEMS || common < 2 * held || !due || !renderer.can_redraw(w, h, snap.background)
    {
        return Ok(held);
    }
    let (mesh, viewport) = cached_mesh_for(snap, w, renderer.antialias(), cache, 0..common, None)?;
    renderer.build_underlay(
        ctx,
        &mesh,
        viewport,
        snap.background,
        (w, h),
        keys[..common].to_vec(),
    )?;
    *last = Some(i);
    Ok(common)
}

/// Whether the video path converts frames to YUV on the GPU. `ANIM_YUV=gpu`
/// or `ANIM_YUV=cpu` decides (benches/ratio.rs measures both in one run);
/// by default the GPU does it on a hardware adapter, and the encoder thread
/// on a software one, converting only the rectangle that changed
/// (`crate::yuv`): on lavapipe the GPU pass costs more CPU than the whole
/// render and runs in series with it (benches/README.md).
pub fn gpu_yuv_enabled(ctx: &GpuContext) -> bool {
    match std::env::var("ANIM_YUV").as_deref() {
        Ok("cpu") => false,
        Ok("gpu") => true,
        _ => ctx.info.device_type != wgpu::DeviceType::Cpu,
    }
}

/// Renders `frames` of `scene` at `w`×`h` and hands each to `sink` with
/// its index, the first whole, the others as what changed since the frame
/// handed over before ([`Frame`]); returns how many frames reused the previous one's pixels
/// because nothing on screen changed. `yuv` asks for GPU-converted
/// yuv420p frames where possible (see [`draw_frame`]). Shared by the video
/// job and the benchmarks (`benches/ratio.rs` passes a sink that drops the frames).
#[allow(clippy::too_many_arguments)]
pub fn render_frames(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    scene: &Scene,
    (w, h): (u32, u32),
    frames: FrameRange,
    stop: &StopFlag,
    yuv: bool,
    mut sink: impl FnMut(u64, Frame) -> Result<(), RenderError>,
) -> Result<u64, RenderError> {
    // The previous frame's snapshot, its items' keys, and the renderer's serial after drawing it.
    let mut prev: Option<(Snapshot, Vec<u64>, u64)> = None;
    let mut cache = TessCache::new();
    let mut evaluator = Evaluator::new(scene);
    let scale = w as f32 / scene.width.max(1) as f32;
    let mut reused = 0;
    let mut last_underlay: Option<u64> = None;
    for i in frames.start..frames.end {
        let sig = stop.load(Ordering::Relaxed);
        if sig != 0 {
            return Err(RenderError::Interrupted(sig));
        }
        if i % frames.segment.max(1) == 0 {
            // A segment starts from scratch (see FrameRange::segment).
            prev = None;
            last_underlay = None;
            renderer.forget_underlay();
        }
        let (snap, keys) = evaluator.frame(i as f64 / frames.fps as f64);
        // Only what changed since the previous frame is redrawn, if this
        // renderer drew that frame and nothing since.
        let damage = match &prev {
            Some((ps, pk, _)) if *pk == keys && ps.background == snap.background => Damage::None,
            Some((ps, pk, serial)) if *serial == renderer.serial() => {
                damage_keyed((ps, pk), (&snap, &keys), scale)
            }
            _ => Damage::Full,
        };
        match (&prev, damage) {
            (Some(_), Damage::None) => {
                reused += 1;
                sink(i, Frame::Same)?;
            }
            (_, damage) => {
                let partial = match (prev.take(), damage) {
                    (Some((_, pk, _)), Damage::Region(boxes)) => {
                        let underlay = refresh_underlay(
                            ctx,
                            renderer,
                            &mut cache,
                            (&snap, &keys, &pk),
                            (w, h),
                            (i, &mut last_underlay),
                        )?;
                        Some(Partial { boxes, underlay })
                    }
                    _ => None,
                };
                let frame = draw_frame(ctx, renderer, &mut cache, &snap, (w, h), yuv, partial)?;
                sink(i, frame)?;
                prev = Some((snap, keys, renderer.serial()));
            }
        }
    }
    Ok(reused)
}

/// What [`render_video`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VideoDone {
    /// Frames in the video.
    pub frames: u64,
    /// Frames whose pixels were the previous frame's (not redrawn).
    pub reused: u64,
    /// Segments copied from the earlier video, and all segments.
    pub copied: usize,
    pub segments: usize,
}

/// Renders the video, frame by frame, to `path` via a temp file. Segment
/// `j` of the frames ([`FrameRange::segments`]) is copied from the video
/// already at `path` where `keep[j]` (its frames look the same,
/// [`segment_hashes`]) and that video holds it whole; the others are
/// rendered. Either way each segment is encoded on its own, so the result
/// decodes to the frames a render of every segment gives.
#[allow(clippy::too_many_arguments)]
pub fn render_video(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    scene: &Scene,
    (job, plan): (&Job, &Plan),
    path: &Path,
    keep: &[bool],
    stop: &StopFlag,
    progress: &mut dyn Progress,
) -> Result<VideoDone, RenderError> {
    let (w, h) = plan.size;
    let frames = plan.frames;
    let segments = frames.segments();
    let mut copies = kept_segments(path, &segments, keep);
    let guard = TempGuard::new(temp_path(path));
    let total = scene.frame_count_at(frames.fps);
    let encoder = EncoderThread::spawn(guard.path.clone(), video_settings(job, plan.size, frames, total))?;
    progress.start(&scene.name, frames.len());
    let mut done = VideoDone {
        segments: segments.len(),
        ..VideoDone::default()
    };
    let mut j = 0;
    while j < segments.len() {
        if let Some(packets) = copies[j].take() {
            encoder.copy_segment(packets, segments[j].len())?;
            progress.frame(segments[j].end - frames.start);
            done.copied += 1;
            j += 1;
            continue;
        }
        // A run of segments to render, up to the next one kept.
        let run_end = (j..segments.len())
            .find(|&k| copies[k].is_some())
            .unwrap_or(segments.len());
        let run = FrameRange {
            start: segments[j].start,
            end: segments[run_end - 1].end,
            ..frames
        };
        done.reused += render_frames(
            ctx,
            renderer,
            scene,
            (w, h),
            run,
            stop,
            gpu_yuv_enabled(ctx),
            |i, frame| {
                if i % frames.segment.max(1) == 0 {
                    encoder.begin_segment()?;
                }
                // RGBA frames go to the encoder thread as the rectangle that
                // changed, converted to YUV there into the kept previous planes.
                match frame {
                    Frame::Same => encoder.repeat()?,
                    Frame::Yuv420p(yuv) => encoder.send_yuv420p(yuv.data)?,
                    Frame::Rgba(img) => encoder.send_patch(PixelBox::whole(w, h), img.data)?,
                    Frame::Patch(b, img) => encoder.send_patch(b, img.data)?,
                }
                progress.frame(i - frames.start + 1);
                Ok(())
            },
        )?;
        j = run_end;
    }
    done.frames = encoder.finish()?;
    guard.commit(path).map_err(|source| RenderError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(done)
}

/// For each segment to keep, its packets in the video at `path`: one per
/// frame, the first a keyframe, in decode order. A segment the file does not
/// hold whole (or a file that cannot be read) is rendered instead.
fn kept_segments(path: &Path, segments: &[FrameRange], keep: &[bool]) -> Vec<Option<Vec<EncodedPacket>>> {
    let mut out = vec![None; segments.len()];
    if !keep.iter().any(|&k| k) {
        return out;
    }
    let Some(fps) = segments.first().map(|s| s.fps) else {
        return out;
    };
    let kept = |j: usize| keep.get(j).copied().unwrap_or(false);
    let segment_of = |pts: i64| {
        segments
            .iter()
            .position(|s| (s.start as i64..s.end as i64).contains(&pts))
    };
    let Ok(packets) = crate::video::read_packets(path, fps, |pts| segment_of(pts).is_some_and(kept)) else {
        return out;
    };
    let mut by_segment: Vec<Vec<EncodedPacket>> = vec![Vec::new(); segments.len()];
    for p in packets {
        if let Some(j) = segment_of(p.pts) {
            by_segment[j].push(p);
        }
    }
    for (j, (seg, mine)) in segments.iter().zip(by_segment).enumerate() {
        if !kept(j) {
            continue;
        }
        let mut pts: Vec<i64> = mine.iter().map(|p| p.pts).collect();
        pts.sort_unstable();
        let whole = pts.iter().copied().eq(seg.start as i64..seg.end as i64);
        if whole && mine.first().is_some_and(|p| p.key) {
            out[j] = Some(mine);
        }
    }
    out
}

/// A hash of what each segment of `frames` shows ([`FrameRange::segments`]):
/// every frame's background and item keys. Keys name paths, paints and
/// images by content ([`crate::snapshot::DrawItem::key`]), so two runs of
/// anim give the same hash for segments that look the same.
pub fn segment_hashes(scene: &Scene, frames: FrameRange) -> Vec<u64> {
    use std::hash::Hasher;
    let mut evaluator = Evaluator::new(scene);
    frames
        .segments()
        .iter()
        .map(|seg| {
            let mut h = std::hash::DefaultHasher::new();
            for i in seg.start..seg.end {
                let (snap, keys) = evaluator.frame(i as f64 / seg.fps as f64);
                let bg = snap.background;
                for c in [bg.r, bg.g, bg.b, bg.a] {
                    h.write_u32(c.to_bits());
                }
                h.write_usize(keys.len());
                keys.iter().for_each(|&k| h.write_u64(k));
            }
            h.finish()
        })
        .collect()
}

/// Renders what `job` asks for; [`plan`] checks it first, so a job that
/// cannot be done writes nothing, not even its folder. Outputs whose
/// inputs are unchanged since they were written are kept as they are
/// unless `job.force` ([`crate::cache`]).
pub fn render_scene(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    scene: &Scene,
    job: &Job,
    stop: &StopFlag,
    progress: &mut dyn Progress,
) -> Result<Report, RenderError> {
    let started = Instant::now();
    let mut plan = plan(scene, job)?;
    let mut report = Report::default();
    for path in plan.video.iter().chain(&plan.png) {
        prepare_folder(path)?;
    }
    let engine = format!("{} aa={}", ctx.describe(), renderer.antialias().name());
    let files = FileHashes::new(&scene.inputs);
    let png_inputs = Inputs::new(&files, &png_options(job, &plan, &engine));
    let video_inputs = Inputs::new(&files, &video_options(job, &plan, &engine));
    for (slot, inputs) in [(&mut plan.png, &png_inputs), (&mut plan.video, &video_inputs)] {
        let Some(path) = slot.clone() else { continue };
        match inputs.check(&path) {
            Ok(()) if !job.force => {
                report.up_to_date.push(path);
                *slot = None;
            }
            Ok(()) => report.stale.push((path, crate::cache::Stale::Forced)),
            Err(why) => report.stale.push((path, why)),
        }
    }
    if let Some(path) = &plan.video {
        // Segments that look as they did are copied from the earlier video.
        let hashes = segment_hashes(scene, plan.frames);
        let keep: Vec<bool> = match video_inputs.old_segments(path).filter(|_| !job.force) {
            Some(old) => hashes
                .iter()
                .enumerate()
                .map(|(j, h)| old.get(j) == Some(h))
                .collect(),
            None => vec![false; hashes.len()],
        };
        let done = render_video(ctx, renderer, scene, (job, &plan), path, &keep, stop, progress)?;
        record(&video_inputs.with_segments(hashes), path)?;
        report.video = Some(path.clone());
        report.frames = done.frames;
        report.reused = done.reused;
        report.segments = (done.copied, done.segments);
    }
    if let Some(path) = &plan.png {
        render_png(ctx, renderer, scene, job, &plan, path)?;
        record(&png_inputs, path)?;
        report.png = Some(path.clone());
    }
    report.seconds = started.elapsed().as_secs_f64();
    progress.finish(&summary(&report));
    Ok(report)
}

/// What shapes the still besides the scene's files (and anim itself).
fn png_options(job: &Job, plan: &Plan, engine: &str) -> String {
    format!(
        "png {}x{} t={} transparent={} dpi={} {engine}",
        plan.size.0, plan.size.1, plan.still, job.transparent, job.dpi
    )
}

/// What shapes the video besides the scene's files (and anim itself).
fn video_options(job: &Job, plan: &Plan, engine: &str) -> String {
    let f = plan.frames;
    format!(
        "mp4 {}x{} frames={}..{}@{} crf={} preset={} x264={} {engine}",
        plan.size.0,
        plan.size.1,
        f.start,
        f.end,
        f.fps,
        job.crf,
        job.preset,
        crate::video::x264_params(f.fps)
    )
}

/// Writes the cache record of a finished output.
fn record(inputs: &Inputs, path: &Path) -> Result<(), RenderError> {
    inputs.record(path).map_err(|source| RenderError::Io {
        path: crate::cache::record_path(path),
        source,
    })
}

/// Creates the folder `path` goes in and removes what killed runs left there.
fn prepare_folder(path: &Path) -> Result<(), RenderError> {
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    std::fs::create_dir_all(dir).map_err(|source| RenderError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    crate::output::clean_leftovers(dir);
    Ok(())
}

fn summary(r: &Report) -> String {
    let mut parts = Vec::new();
    if let Some(v) = &r.video {
        let copied = match r.segments {
            (0, _) => String::new(),
            (c, n) => format!(", {c} of {n} segments unchanged and kept"),
        };
        parts.push(format!(
            "{} ({} frames, {} reused{copied})",
            display(v),
            r.frames,
            r.reused
        ));
    }
    if let Some(p) = &r.png {
        parts.push(display(p));
    }
    let kept: Vec<String> = r.up_to_date.iter().map(|p| display(p)).collect();
    match (parts.is_empty(), kept.is_empty()) {
        (false, true) => format!("wrote {} in {:.1} s", parts.join(" and "), r.seconds),
        (false, false) => format!(
            "wrote {} in {:.1} s; {} up to date",
            parts.join(" and "),
            r.seconds,
            kept.join(" and ")
        ),
        (true, _) => format!("up to date: {} (--force renders anyway)", kept.join(" and ")),
    }
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
