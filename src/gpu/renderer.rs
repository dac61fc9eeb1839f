//! Draws a [`Mesh`] into an offscreen target and reads it back, or into a
//! window's surface texture.
//!
//! Every offscreen draw is one [`DrawRequest`] handed to [`Renderer::draw`],
//! which says what comes back ([`Readback`]); window draws are one
//! [`WindowDraw`] handed to [`Renderer::encode_window`]. The renderer does
//! not decide what to redraw: a request with a [`Redraw`] is trusted to be
//! possible (`crate::render::Frames` decides) and one that is not is an error.
//! The passes themselves are [`super::fill`]'s; readback is
//! [`super::readback`]'s.

use super::context::{GpuContext, GpuError};
use super::fill::{FillPass, Pass, PixelRect, Target};
use super::pipeline::{check_size, texture_2d};
use super::readback::{padded_bytes_per_row, read_buffer};
use super::yuv::YuvConverter;
use crate::color::Color;
use crate::damage::PixelBox;
use crate::image::RgbaImage;
use crate::tess::{Antialias, Mesh};
use crate::yuv::Yuv420Image;

/// The render target format: 8-bit sRGB, so shaders output linear light.
pub const TARGET_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8UnormSrgb;

/// Per-render settings.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RenderOptions {
    /// How edges are anti-aliased; meshes drawn must be tessellated with the same value.
    pub antialias: Antialias,
}

impl RenderOptions {
    /// Samples per pixel of the render target.
    pub fn samples(&self) -> u32 {
        self.antialias.samples()
    }
}

/// A partial redraw over the frame a renderer drew last.
#[derive(Clone, Copy, Debug)]
pub struct Redraw<'a> {
    /// The rectangles to redraw, each with its part of the mesh ([`Mesh::parts`]); not empty.
    pub boxes: &'a [PixelBox],
    /// Whether the mesh leaves out the first items of the frame because the
    /// underlay holds them ([`Renderer::build_underlay`]): it is copied
    /// under each rectangle instead of the background.
    pub underlay: bool,
}

/// One draw of a frame into the renderer's offscreen target.
#[derive(Clone, Copy)]
pub struct DrawRequest<'a> {
    pub mesh: &'a Mesh,
    /// The scene's size in scene units, mapped onto the whole target.
    pub viewport: [f32; 2],
    pub background: Color,
    /// Output pixels.
    pub size: (u32, u32),
    /// Redraw only these rectangles over the frame this renderer drew last
    /// at this size (single-sampled, opaque background); `None` draws it all.
    pub redraw: Option<Redraw<'a>>,
}

/// What [`Renderer::draw`] reads back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readback {
    /// Nothing: the frame stays in the offscreen target, for a window that
    /// copies it into its surface ([`Renderer::copy_target`]).
    Keep,
    /// RGBA pixels: the whole frame, or for a partial redraw the box around
    /// the rectangles widened to even edges, so that a yuv420p frame can be
    /// patched with it ([`crate::yuv::align_to_chroma`]).
    Rgba,
    /// The whole frame converted to BT.709 limited-range yuv420p on the GPU
    /// (see [`super::yuv`]); needs an opaque background (alpha is dropped
    /// without un-premultiplying), a size [`super::gpu_yuv_supported`]
    /// accepts and an adapter that [`Renderer::can_convert_yuv`].
    Yuv,
}

/// What [`Renderer::draw`] read back.
#[derive(Clone, Debug)]
pub enum Drawn {
    Kept,
    /// The box read and its pixels.
    Rgba(PixelBox, RgbaImage),
    Yuv(Yuv420Image),
}

impl Drawn {
    /// The pixels read, if any.
    pub fn into_rgba(self) -> Option<RgbaImage> {
        match self {
            Drawn::Rgba(_, image) => Some(image),
            _ => None,
        }
    }
}

/// One draw into a window's surface texture.
pub struct WindowDraw<'a> {
    pub mesh: &'a Mesh,
    /// The scene's size in scene units, mapped onto `rect`.
    pub viewport: [f32; 2],
    pub rect: PixelRect,
    /// The surface texture, `size` pixels, single-sampled.
    pub surface: &'a wgpu::TextureView,
    pub size: (u32, u32),
    /// `Some(surround)`: the whole surface is cleared to it and the mesh
    /// drawn letterboxed (the mesh paints the scene's own background).
    /// `None`: the mesh is drawn over what the surface holds (panels over a
    /// frame copied there with [`Renderer::copy_target`]).
    pub clear: Option<Color>,
}

/// The first items of frames drawn once over the background and kept:
/// partial redraws copy it under their rectangles instead of drawing those
/// items again. Which items it holds is its builder's business.
struct Underlay {
    texture: wgpu::Texture,
    view: wgpu::TextureView,
    size: (u32, u32),
}

struct Targets {
    size: (u32, u32),
    msaa: Option<wgpu::TextureView>,
    resolve: wgpu::Texture,
    resolve_view: wgpu::TextureView,
    /// The resolved target seen without sRGB decoding, for the YUV pass.
    /// `None` where the adapter cannot view a texture in another format (GL).
    raw_view: Option<wgpu::TextureView>,
    readback: wgpu::Buffer,
}

/// Draws meshes into an offscreen target and reads them back, or into a
/// window's surface texture ([`Renderer::encode_window`]). Create once,
/// reuse for every frame: the targets and buffers are kept between frames
/// and only re-made when the size changes.
pub struct Renderer {
    fill: FillPass,
    options: RenderOptions,
    format: wgpu::TextureFormat,
    targets: Option<Targets>,
    /// The multisampled texture of a window (`encode_window`) and its size.
    window_msaa: Option<((u32, u32), wgpu::TextureView)>,
    /// Made on the first [`Readback::Yuv`].
    yuv: Option<YuvConverter>,
    underlay: Option<Underlay>,
}

impl Renderer {
    /// A renderer drawing into `TARGET_FORMAT` textures.
    pub fn new(ctx: &GpuContext, options: RenderOptions) -> Renderer {
        Self::with_format(ctx, options, TARGET_FORMAT)
    }

    /// A renderer drawing into textures of `format` (a window's surface format).
    pub fn with_format(ctx: &GpuContext, options: RenderOptions, format: wgpu::TextureFormat) -> Renderer {
        Renderer {
            fill: FillPass::new(ctx, format, options.samples()),
            options,
            format,
            targets: None,
            window_msaa: None,
            yuv: None,
            underlay: None,
        }
    }

    /// How this renderer anti-aliases; tessellate its meshes with the same value.
    pub fn antialias(&self) -> Antialias {
        self.options.antialias
    }

    fn ensure_targets(&mut self, ctx: &GpuContext, (width, height): (u32, u32)) -> Result<(), GpuError> {
        if matches!(&self.targets, Some(t) if t.size == (width, height)) {
            return Ok(());
        }
        check_size(ctx, width, height)?;
        let raw_format = self.format.remove_srgb_suffix();
        let raw_formats: &[wgpu::TextureFormat] = if self.can_convert_yuv(ctx) {
            &[raw_format]
        } else {
            &[]
        };
        let make = |samples: u32, usage: wgpu::TextureUsages, view_formats: &[wgpu::TextureFormat]| {
            texture_2d(
                ctx,
                "target",
                (width, height),
                samples,
                self.format,
                usage,
                view_formats,
            )
        };
        let msaa = (self.options.samples() > 1).then(|| {
            make(
                self.options.samples(),
                wgpu::TextureUsages::RENDER_ATTACHMENT,
                &[],
            )
            .create_view(&Default::default())
        });
        let resolve = make(
            1,
            wgpu::TextureUsages::RENDER_ATTACHMENT
                | wgpu::TextureUsages::COPY_SRC
                | wgpu::TextureUsages::COPY_DST
                | wgpu::TextureUsages::TEXTURE_BINDING,
            raw_formats,
        );
        let resolve_view = resolve.create_view(&Default::default());
        let raw_view = (!raw_formats.is_empty()).then(|| {
            resolve.create_view(&wgpu::TextureViewDescriptor {
                format: Some(raw_format),
                ..Default::default()
            })
        });
        let readback = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: padded_bytes_per_row(width) as u64 * height as u64,
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        self.targets = Some(Targets {
            size: (width, height),
            msaa,
            resolve,
            resolve_view,
            raw_view,
            readback,
        });
        Ok(())
    }

    /// Whether [`Readback::Yuv`] works here: the YUV pass reads the frame
    /// through a non-sRGB view, which GL adapters cannot make.
    pub fn can_convert_yuv(&self, ctx: &GpuContext) -> bool {
        ctx.adapter
            .get_downlevel_capabilities()
            .flags
            .contains(wgpu::DownlevelFlags::VIEW_FORMATS)
    }

    /// Whether this renderer can redraw part of a frame it drew ([`Redraw`]):
    /// its target is single-sampled. The frame's background must also be opaque.
    pub fn redraws_partially(&self) -> bool {
        self.options.samples() == 1
    }

    /// Draws `req` into the offscreen target and reads back what `readback` asks for.
    pub fn draw(
        &mut self,
        ctx: &GpuContext,
        req: &DrawRequest<'_>,
        readback: Readback,
    ) -> Result<Drawn, GpuError> {
        if readback == Readback::Yuv && !self.can_convert_yuv(ctx) {
            return Err(GpuError::Readback(
                "this adapter cannot convert to YUV on the GPU (no texture view formats); use ANIM_YUV=cpu"
                    .into(),
            ));
        }
        let (mut encoder, targets) = self.record(ctx, req)?;
        let (width, height) = req.size;
        let drawn = match readback {
            Readback::Keep => {
                ctx.queue.submit([encoder.finish()]);
                Ok(Drawn::Kept)
            }
            Readback::Rgba => {
                let b = req.redraw.map_or(PixelBox::whole(width, height), |r| {
                    crate::yuv::align_to_chroma(PixelBox::bounds(r.boxes), width, height)
                });
                copy_to_readback(&mut encoder, &targets, b);
                ctx.queue.submit([encoder.finish()]);
                let stride = padded_bytes_per_row(b.width);
                read_buffer(ctx, &targets.readback, b.width, b.height, stride)
                    .map(|image| Drawn::Rgba(b, image))
            }
            Readback::Yuv => {
                let converter = self.yuv.get_or_insert_with(|| YuvConverter::new(ctx));
                let recorded = match &targets.raw_view {
                    Some(view) => converter.encode(ctx, &mut encoder, view, width, height),
                    None => Err(GpuError::Readback("no raw view of the target".into())),
                };
                match recorded {
                    Ok(()) => {
                        ctx.queue.submit([encoder.finish()]);
                        converter.read(ctx).map(Drawn::Yuv)
                    }
                    Err(e) => Err(e),
                }
            }
        };
        self.targets = Some(targets);
        drawn
    }

    /// Records the draw of `req` into the offscreen target (resolved when
    /// multisampled); only its `redraw` rectangles when given.
    fn record(
        &mut self,
        ctx: &GpuContext,
        req: &DrawRequest<'_>,
    ) -> Result<(wgpu::CommandEncoder, Targets), GpuError> {
        if let Some(r) = &req.redraw {
            let held = matches!(&self.targets, Some(t) if t.size == req.size && t.msaa.is_none());
            if r.boxes.is_empty() || !held || req.background.a < 1.0 {
                return Err(GpuError::Readback(
                    "a partial redraw needs the previous frame at this size, single-sampled, over an opaque background".into(),
                ));
            }
        }
        self.ensure_targets(ctx, req.size)?;
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        let targets = self
            .targets
            .take()
            .ok_or_else(|| GpuError::Readback("no target".into()))?;
        // The underlay under each rectangle, when the mesh leaves its items out.
        let underlay = match (req.redraw, &self.underlay) {
            (Some(r), Some(u)) if r.underlay && u.size == req.size => Some(u),
            (Some(r), _) if r.underlay => {
                self.targets = Some(targets);
                return Err(GpuError::Readback(
                    "the underlay does not hold the items left out".into(),
                ));
            }
            _ => None,
        };
        if let (Some(r), Some(u)) = (req.redraw, underlay) {
            for b in r.boxes {
                let at = wgpu::Origin3d { x: b.x, y: b.y, z: 0 };
                let texel = |texture| wgpu::TexelCopyTextureInfo {
                    texture,
                    mip_level: 0,
                    origin: at,
                    aspect: wgpu::TextureAspect::All,
                };
                let size = wgpu::Extent3d {
                    width: b.width,
                    height: b.height,
                    depth_or_array_layers: 1,
                };
                encoder.copy_texture_to_texture(texel(&u.texture), texel(&targets.resolve), size);
            }
        }
        let target = match &targets.msaa {
            Some(msaa) => Target {
                view: msaa,
                resolve: Some(&targets.resolve_view),
                redraw: None,
                backdrop: false,
            },
            None => Target {
                view: &targets.resolve_view,
                resolve: None,
                redraw: req.redraw.map(|r| r.boxes),
                backdrop: underlay.is_none(),
            },
        };
        self.fill.encode(
            ctx,
            &mut encoder,
            Pass {
                mesh: req.mesh,
                viewport: req.viewport,
                clear: req.background,
                rect: None,
                target,
            },
        );
        Ok((encoder, targets))
    }

    /// Drops the underlay: the frames after this draw as if the renderer
    /// were new, which a video segment needs to come out the same however it
    /// is reached (a new one costs one texture every segment).
    pub fn forget_underlay(&mut self) {
        self.underlay = None;
    }

    /// Draws `req` (a whole draw: its `redraw` is ignored), the first items
    /// of the frames to come, into the underlay, which partial redraws then
    /// copy under their rectangles ([`Redraw::underlay`]). Only
    /// single-sampled renderers redraw partially; a multisampled one keeps
    /// no underlay and returns false.
    pub fn build_underlay(&mut self, ctx: &GpuContext, req: &DrawRequest<'_>) -> Result<bool, GpuError> {
        if !self.redraws_partially() {
            return Ok(false);
        }
        let (width, height) = req.size;
        let (texture, view) = match self.underlay.take() {
            Some(u) if u.size == req.size => (u.texture, u.view),
            _ => {
                check_size(ctx, width, height)?;
                let t = texture_2d(
                    ctx,
                    "underlay",
                    req.size,
                    1,
                    self.format,
                    wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
                    &[],
                );
                let v = t.create_view(&Default::default());
                (t, v)
            }
        };
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        let target = Target {
            view: &view,
            resolve: None,
            redraw: None,
            backdrop: false,
        };
        let pass = Pass {
            mesh: req.mesh,
            viewport: req.viewport,
            clear: req.background,
            rect: None,
            target,
        };
        self.fill.encode(ctx, &mut encoder, pass);
        // Submitted now: the frame's own mesh upload comes after it.
        ctx.queue.submit([encoder.finish()]);
        self.underlay = Some(Underlay {
            texture,
            view,
            size: req.size,
        });
        Ok(true)
    }

    /// Records the draw of `req` into a window's surface texture (see
    /// [`WindowDraw::clear`]). With multisampling, a multisampled texture the
    /// size of the surface is kept between frames and resolved into the
    /// surface; drawing over what the surface holds needs one sample, and a
    /// multisampled renderer asked for it draws nothing and returns false.
    pub fn encode_window(
        &mut self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        req: &WindowDraw<'_>,
    ) -> Result<bool, GpuError> {
        let pass = |target| Pass {
            mesh: req.mesh,
            viewport: req.viewport,
            clear: req.clear.unwrap_or(Color::TRANSPARENT),
            rect: Some(req.rect),
            target,
        };
        let Some(_) = req.clear else {
            if self.options.samples() > 1 {
                return Ok(false);
            }
            let whole = [PixelBox::whole(req.size.0, req.size.1)];
            let target = Target {
                view: req.surface,
                resolve: None,
                redraw: Some(&whole),
                backdrop: false,
            };
            self.fill.encode(ctx, encoder, pass(target));
            return Ok(true);
        };
        if self.options.samples() <= 1 {
            let target = Target {
                view: req.surface,
                resolve: None,
                redraw: None,
                backdrop: false,
            };
            self.fill.encode(ctx, encoder, pass(target));
            return Ok(true);
        }
        if !matches!(&self.window_msaa, Some((s, _)) if *s == req.size) {
            check_size(ctx, req.size.0, req.size.1)?;
            let texture = texture_2d(
                ctx,
                "window msaa",
                req.size,
                self.options.samples(),
                self.format,
                wgpu::TextureUsages::RENDER_ATTACHMENT,
                &[],
            );
            self.window_msaa = Some((req.size, texture.create_view(&Default::default())));
        }
        let msaa = self.window_msaa.take();
        if let Some((_, view)) = &msaa {
            let target = Target {
                view,
                resolve: Some(req.surface),
                redraw: None,
                backdrop: false,
            };
            self.fill.encode(ctx, encoder, pass(target));
        }
        self.window_msaa = msaa;
        Ok(true)
    }

    /// Records a clear of `view` to `color`.
    pub fn encode_clear(encoder: &mut wgpu::CommandEncoder, view: &wgpu::TextureView, color: Color) {
        let [r, g, b, a] = color.to_linear_premultiplied();
        encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("clear"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color {
                        r: r as f64,
                        g: g as f64,
                        b: b as f64,
                        a: a as f64,
                    }),
                    store: wgpu::StoreOp::Store,
                },
            })],
            depth_stencil_attachment: None,
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
    }

    /// Records a copy of the offscreen target (the frame drawn last, of
    /// `size` pixels) into `dst` with its top-left corner at `at`. `dst` must
    /// have this renderer's format (or its sRGB twin) and `COPY_DST` usage,
    /// and room for it. Returns false, recording nothing, when the target is
    /// not of `size`.
    pub fn copy_target(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        size: (u32, u32),
        dst: &wgpu::Texture,
        at: (u32, u32),
    ) -> bool {
        let Some(t) = self.targets.as_ref().filter(|t| t.size == size) else {
            return false;
        };
        encoder.copy_texture_to_texture(
            t.resolve.as_image_copy(),
            wgpu::TexelCopyTextureInfo {
                texture: dst,
                mip_level: 0,
                origin: wgpu::Origin3d {
                    x: at.0,
                    y: at.1,
                    z: 0,
                },
                aspect: wgpu::TextureAspect::All,
            },
            wgpu::Extent3d {
                width: size.0,
                height: size.1,
                depth_or_array_layers: 1,
            },
        );
        true
    }
}

/// Records the copy of box `b` of the resolved target into the readback buffer.
fn copy_to_readback(encoder: &mut wgpu::CommandEncoder, targets: &Targets, b: PixelBox) {
    encoder.copy_texture_to_buffer(
        wgpu::TexelCopyTextureInfo {
            texture: &targets.resolve,
            mip_level: 0,
            origin: wgpu::Origin3d { x: b.x, y: b.y, z: 0 },
            aspect: wgpu::TextureAspect::All,
        },
        wgpu::TexelCopyBufferInfo {
            buffer: &targets.readback,
            layout: wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(padded_bytes_per_row(b.width)),
                rows_per_image: Some(b.height),
            },
        },
        wgpu::Extent3d {
            width: b.width,
            height: b.height,
            depth_or_array_layers: 1,
        },
    );
}
