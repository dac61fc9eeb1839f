//! Incremental rendering: one owner, [`Frames`], decides for every frame
//! what to redraw.
//!
//! Holds are common in these scenes, so a frame whose items (by key,
//! [`crate::snapshot::DrawItem::key`]) and background equal the frame before
//! is not drawn at all ([`Frame::Same`]); a changed one redraws only the few
//! rectangles that changed ([`crate::damage`]) over the frame the renderer's
//! target holds, and reads back the box around them ([`Frame::Patch`]). A
//! long run of first items unchanged between frames is drawn once into an
//! underlay that partial redraws copy under their rectangles; items drawn
//! identically reuse their triangles ([`TessCache`]).
//!
//! [`Frames`] holds the renderer (owned, or borrowed for a render job) for
//! as long as it keeps a frame in its target, so nothing else can draw there
//! in between: the renderer never has to be asked what it drew, and it does
//! not re-check a [`Redraw`] it is given.

use std::borrow::BorrowMut;
use std::sync::atomic::Ordering;

use super::job::{FrameRange, RenderError, StopFlag};
use crate::color::Color;
use crate::damage::{damage_keyed, Damage, PixelBox};
use crate::eval::Evaluator;
use crate::gpu::{
    gpu_yuv_supported, DrawRequest, Drawn, GpuContext, GpuError, Readback, Redraw, Renderer, WindowDraw,
};
use crate::image::RgbaImage;
use crate::scene::Scene;
use crate::snapshot::Snapshot;
use crate::tess::{tessellate_cached, Antialias, Mesh, TessCache};
use crate::yuv::Yuv420Image;

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

/// A prefix of unchanged items shorter than this is not worth an underlay.
const UNDERLAY_MIN_ITEMS: usize = 64;

/// Frames between two underlay builds at most: a build draws the whole
/// prefix, so a prefix that keeps changing must not be rebuilt every frame.
const UNDERLAY_EVERY: u64 = 30;

/// The frame in the renderer's target.
struct Held {
    snap: Snapshot,
    keys: Vec<u64>,
    size: (u32, u32),
}

/// What the renderer's underlay holds: the first items of a frame (their
/// keys), drawn at `size` over `background`.
struct HeldUnderlay {
    keys: Vec<u64>,
    size: (u32, u32),
    background: Color,
}

/// What [`Frames::step`] reads back.
#[derive(Clone, Copy)]
enum Output {
    /// Nothing: a window copies the target.
    Keep,
    /// Pixels for the video: yuv420p converted on the GPU where `yuv` asks
    /// for it and the frame allows it, else RGBA.
    Video { yuv: bool },
}

/// Draws a sequence of snapshots incrementally with one [`Renderer`]
/// (owned, `Frames<Renderer>`, or borrowed, `Frames<&mut Renderer>`).
pub struct Frames<R: BorrowMut<Renderer> = Renderer> {
    renderer: R,
    /// Triangles of items unchanged since the last frame drawn.
    cache: TessCache,
    held: Option<Held>,
    underlay: Option<HeldUnderlay>,
    /// Frames asked for since this was made, and the one the underlay was last built at.
    count: u64,
    underlay_at: Option<u64>,
}

impl<R: BorrowMut<Renderer>> Frames<R> {
    pub fn new(renderer: R) -> Frames<R> {
        Frames {
            renderer,
            cache: TessCache::new(),
            held: None,
            underlay: None,
            count: 0,
            underlay_at: None,
        }
    }

    /// The renderer, to copy its target into a window ([`Renderer::copy_target`]).
    pub fn renderer(&self) -> &Renderer {
        self.renderer.borrow()
    }

    /// How this renderer anti-aliases.
    pub fn antialias(&self) -> Antialias {
        self.renderer().antialias()
    }

    /// Forgets the frame held and the underlay: the next frame is drawn
    /// whole, as by a new renderer. A video segment starts so (see
    /// [`FrameRange::segment`]); a reloaded scene too (items are compared by
    /// content, but the underlay's would come from the old scene).
    pub fn restart(&mut self) {
        self.held = None;
        self.underlay = None;
        self.underlay_at = None;
        self.renderer.borrow_mut().forget_underlay();
    }

    /// How many first items of the frame drawn last the underlay holds (0: none).
    pub fn underlay_len(&self) -> usize {
        match (&self.underlay, &self.held) {
            (Some(u), Some(h)) if h.keys.starts_with(&u.keys) => u.keys.len(),
            _ => 0,
        }
    }

    /// The next frame for the video: `snap` (its items' keys `keys`) at
    /// `size` pixels, as yuv420p planes converted on the GPU when `yuv` is
    /// set and the frame allows it (opaque background, even sides), else as
    /// RGBA, whole or the part that changed.
    pub fn next(
        &mut self,
        ctx: &GpuContext,
        snap: Snapshot,
        keys: Vec<u64>,
        size: (u32, u32),
        yuv: bool,
    ) -> Result<Frame, RenderError> {
        let background = snap.background;
        Ok(match self.step(ctx, snap, keys, size, Output::Video { yuv })? {
            None => Frame::Same,
            Some(Drawn::Yuv(planes)) => Frame::Yuv420p(planes),
            Some(Drawn::Rgba(b, mut img)) if (b.width, b.height) == size => {
                if background.a < 1.0 {
                    img.unpremultiply();
                }
                Frame::Rgba(img)
            }
            // Partial redraws only happen over an opaque background.
            Some(Drawn::Rgba(b, img)) => Frame::Patch(b, img),
            Some(Drawn::Kept) => return Err(GpuError::Readback("the frame was not read back".into()).into()),
        })
    }

    /// Brings the renderer's target to `snap` (item keys `keys`) at `size`
    /// pixels and reads nothing back: nothing when it already shows it, the
    /// rectangles that changed when it shows the frame before at this size,
    /// else all of it. A window then copies the target into its surface
    /// ([`Renderer::copy_target`]).
    pub fn draw_kept(
        &mut self,
        ctx: &GpuContext,
        snap: Snapshot,
        keys: Vec<u64>,
        size: (u32, u32),
    ) -> Result<(), RenderError> {
        self.step(ctx, snap, keys, size, Output::Keep).map(|_| ())
    }

    /// Records a draw into a window's surface ([`Renderer::encode_window`]);
    /// the frame held offscreen is not touched.
    pub fn encode_window(
        &mut self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        req: &WindowDraw<'_>,
    ) -> Result<bool, GpuError> {
        self.renderer.borrow_mut().encode_window(ctx, encoder, req)
    }

    /// Decides what to redraw for `snap` and draws it; `None` when the target
    /// already shows it.
    fn step(
        &mut self,
        ctx: &GpuContext,
        snap: Snapshot,
        keys: Vec<u64>,
        size: (u32, u32),
        out: Output,
    ) -> Result<Option<Drawn>, RenderError> {
        self.count += 1;
        let scale = size.0 as f32 / snap.width.max(1) as f32;
        let background = snap.background;
        let damage = match &self.held {
            Some(h) if h.size != size => Damage::Full,
            Some(h) if h.keys == keys && h.snap.background == background => return Ok(None),
            Some(h) => damage_keyed((&h.snap, &h.keys), (&snap, &keys), scale),
            None => Damage::Full,
        };
        let held = self.held.take();
        let partial = match (damage, held) {
            (Damage::Region(boxes), Some(h))
                if !boxes.is_empty() && self.renderer().redraws_partially() && background.a >= 1.0 =>
            {
                let underlay = self.refresh_underlay(ctx, &snap, &keys, &h.keys, size)?;
                Some((boxes, underlay))
            }
            _ => None,
        };
        let items = partial.as_ref().map_or(0, |(_, u)| *u)..snap.items.len();
        let clips = partial.as_ref().map(|(boxes, _)| &boxes[..]);
        let (mesh, viewport) = self.mesh(&snap, size.0, items, clips)?;
        let readback = match out {
            Output::Keep => Readback::Keep,
            Output::Video { yuv: true }
                if background.a >= 1.0
                    && gpu_yuv_supported(size.0, size.1)
                    && self.renderer().can_convert_yuv(ctx) =>
            {
                Readback::Yuv
            }
            Output::Video { .. } => Readback::Rgba,
        };
        let req = DrawRequest {
            mesh: &mesh,
            viewport,
            background,
            size,
            redraw: partial.as_ref().map(|(boxes, underlay)| Redraw {
                boxes,
                underlay: *underlay > 0,
            }),
        };
        let drawn = self.renderer.borrow_mut().draw(ctx, &req, readback)?;
        self.held = Some(Held { snap, keys, size });
        Ok(Some(drawn))
    }

    /// How many first items of `snap` (item keys `keys`; `prev_keys` those
    /// of the frame before) the underlay holds for this frame at `size`,
    /// after (re)building it from the items unchanged since the previous
    /// frame when that prefix is long enough, at least twice what the
    /// underlay holds, and the last build was [`UNDERLAY_EVERY`] frames ago.
    fn refresh_underlay(
        &mut self,
        ctx: &GpuContext,
        snap: &Snapshot,
        keys: &[u64],
        prev_keys: &[u64],
        size: (u32, u32),
    ) -> Result<usize, RenderError> {
        let held = match &self.underlay {
            Some(u) if u.size == size && u.background == snap.background && keys.starts_with(&u.keys) => {
                u.keys.len()
            }
            _ => 0,
        };
        let common = prev_keys.iter().zip(keys).take_while(|(a, b)| a == b).count();
        let i = self.count;
        let due = self.underlay_at.is_none_or(|f| i >= f + UNDERLAY_EVERY);
        if common < UNDERLAY_MIN_ITEMS || common < 2 * held || !due {
            return Ok(held);
        }
        let (mesh, viewport) = self.mesh(snap, size.0, 0..common, None)?;
        let req = DrawRequest {
            mesh: &mesh,
            viewport,
            background: snap.background,
            size,
            redraw: None,
        };
        self.underlay = None;
        let built = self.renderer.borrow_mut().build_underlay(ctx, &req)?;
        self.underlay_at = Some(i);
        if !built {
            return Ok(0);
        }
        self.underlay = Some(HeldUnderlay {
            keys: keys[..common].to_vec(),
            size,
            background: snap.background,
        });
        Ok(common)
    }

    /// The mesh of `snap`'s `items` for an output `width` pixels wide,
    /// reaching `clips` (output pixels) when given, reusing triangles from
    /// the cache ([`tessellate_cached`]); and the viewport (the scene's size
    /// in scene units) it is drawn in.
    fn mesh(
        &mut self,
        snap: &Snapshot,
        width: u32,
        items: std::ops::Range<usize>,
        clips: Option<&[PixelBox]>,
    ) -> Result<(Mesh, [f32; 2]), RenderError> {
        let scale = width as f32 / snap.width as f32;
        let clips: Option<Vec<_>> = clips.map(|c| c.iter().map(|b| b.to_scene(scale)).collect());
        let aa = self.antialias();
        let mesh = tessellate_cached(snap, scale, aa, &mut self.cache, items, clips.as_deref())?;
        Ok((mesh, [snap.width as f32, snap.height as f32]))
    }
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

/// The frames [`render_frames`] draws.
#[derive(Clone, Copy)]
pub struct FrameRun<'a> {
    pub scene: &'a Scene,
    /// Output pixels.
    pub size: (u32, u32),
    pub range: FrameRange,
    pub stop: &'a StopFlag,
    /// Ask for GPU-converted yuv420p frames where possible ([`Frames::next`]).
    pub yuv: bool,
}

/// Renders `run`'s frames with `frames` and hands each to `sink` with its
/// index, the first whole, the others as what changed since the frame
/// handed over before ([`Frame`]); returns how many frames reused the
/// previous one's pixels because nothing on screen changed. Shared by the
/// video job and the benchmarks (`benches/ratio.rs` passes a sink that drops
/// the frames).
pub fn render_frames<R: BorrowMut<Renderer>>(
    ctx: &GpuContext,
    frames: &mut Frames<R>,
    run: FrameRun<'_>,
    sink: impl FnMut(u64, Frame) -> Result<(), RenderError>,
) -> Result<u64, RenderError> {
    render_frames_over(ctx, frames, run, None, sink)
}

/// [`render_frames`], every frame over `background` when given (the
/// transparent videos' [`Color::TRANSPARENT`]) instead of the scene's.
pub fn render_frames_over<R: BorrowMut<Renderer>>(
    ctx: &GpuContext,
    frames: &mut Frames<R>,
    run: FrameRun<'_>,
    background: Option<Color>,
    mut sink: impl FnMut(u64, Frame) -> Result<(), RenderError>,
) -> Result<u64, RenderError> {
    let mut evaluator = Evaluator::new(run.scene);
    let range = run.range;
    let mut reused = 0;
    for i in range.start..range.end {
        let sig = run.stop.load(Ordering::Relaxed);
        if sig != 0 {
            return Err(RenderError::Interrupted(sig));
        }
        if i % range.segment.max(1) == 0 {
            // A segment starts from scratch (see FrameRange::segment).
            frames.restart();
        }
        let (mut snap, keys) = evaluator.frame(i as f64 / range.fps as f64);
        if let Some(bg) = background {
            snap.background = bg;
        }
        let frame = frames.next(ctx, snap, keys, run.size, run.yuv)?;
        if matches!(frame, Frame::Same) {
            reused += 1;
        }
        sink(i, frame)?;
    }
    Ok(reused)
}
