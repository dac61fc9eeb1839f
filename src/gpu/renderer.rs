//! Draws a [`Mesh`] into a texture and reads it back.
//!
//! ## Anti-aliasing
//! By default edges are anti-aliased by coverage computed in the fragment
//! shader from terms the tessellator put on every vertex
//! ([`Antialias::Coverage`], see `tess`), at one sample per pixel; blending
//! happens in linear light. [`Antialias::Msaa4`] renders 4× multisampled
//! into a buffer resolved into the sRGB target instead: on lavapipe it costs
//! several times a one-sample render (see benches/README.md).
//!
//! ## Readback
//! `copy_texture_to_buffer` needs rows aligned to
//! [`wgpu::COPY_BYTES_PER_ROW_ALIGNMENT`]; [`padded_bytes_per_row`] computes the
//! stride and [`Renderer::render`] strips the padding while copying out.

use bytemuck::{Pod, Zeroable};
use wgpu::util::DeviceExt;

use super::context::{GpuContext, GpuError};
use super::images::ImagePass;
use super::yuv::{Yuv420Image, YuvConverter};
use crate::color::Color;
use crate::damage::PixelBox;
use crate::image::RgbaImage;
use crate::tess::{Antialias, Mesh, MeshPart, Vertex};

/// The render target format: 8-bit sRGB, so shaders output linear light.
pub const TARGET_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8UnormSrgb;

/// Uniforms. Keep in sync with `Globals` in shaders/common.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct Globals {
    pub viewport: [f32; 2],
    pub _pad: [f32; 2],
}

/// The WGSL source of the fill pipeline: common definitions, then the pipeline.
pub fn fill_shader_source() -> String {
    format!(
        "{}\n{}",
        include_str!("../../shaders/common.wgsl"),
        include_str!("../../shaders/fill.wgsl")
    )
}

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

/// Bytes per row of a readback buffer for an RGBA8 image `width` pixels wide.
pub fn padded_bytes_per_row(width: u32) -> u32 {
    let unpadded = width * 4;
    unpadded.div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT) * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT
}

/// Everything needed to describe one render pipeline. Every pipeline in anim
/// is made by [`create_pipeline`] from one of these.
pub struct PipelineSpec<'a> {
    pub label: &'a str,
    pub source: &'a str,
    pub vertex_entry: &'a str,
    pub fragment_entry: &'a str,
    /// `None` for a pass that makes its vertices from `vertex_index`.
    pub vertex_layout: Option<wgpu::VertexBufferLayout<'a>>,
    /// Bind group layouts, in group order.
    pub bind_group_layouts: &'a [&'a wgpu::BindGroupLayout],
    /// One colour target per format, all blended with `blend`.
    pub formats: &'a [wgpu::TextureFormat],
    pub blend: Option<wgpu::BlendState>,
    pub samples: u32,
}

/// Refuses a `width`×`height` texture the adapter cannot make.
pub(crate) fn check_size(ctx: &GpuContext, width: u32, height: u32) -> Result<(), GpuError> {
    let max = ctx.device.limits().max_texture_dimension_2d;
    if width == 0 || height == 0 || width > max || height > max {
        return Err(GpuError::TooLarge { width, height, max });
    }
    Ok(())
}

/// A 2D texture of one mip level, `width`×`height` pixels.
pub(crate) fn texture_2d(
    ctx: &GpuContext,
    label: &str,
    (width, height): (u32, u32),
    samples: u32,
    format: wgpu::TextureFormat,
    usage: wgpu::TextureUsages,
    view_formats: &[wgpu::TextureFormat],
) -> wgpu::Texture {
    ctx.device.create_texture(&wgpu::TextureDescriptor {
        label: Some(label),
        size: wgpu::Extent3d {
            width,
            height,
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: samples,
        dimension: wgpu::TextureDimension::D2,
        format,
        usage,
        view_formats,
    })
}

/// The one pipeline factory.
pub fn create_pipeline(device: &wgpu::Device, spec: PipelineSpec<'_>) -> wgpu::RenderPipeline {
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(spec.label),
        source: wgpu::ShaderSource::Wgsl(spec.source.into()),
    });
    let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: Some(spec.label),
        bind_group_layouts: &spec
            .bind_group_layouts
            .iter()
            .map(|l| Some(*l))
            .collect::<Vec<_>>(),
        immediate_size: 0,
    });
    device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: Some(spec.label),
        layout: Some(&layout),
        vertex: wgpu::VertexState {
            module: &module,
            entry_point: Some(spec.vertex_entry),
            compilation_options: Default::default(),
            buffers: &[spec.vertex_layout],
        },
        primitive: wgpu::PrimitiveState {
            cull_mode: None,
            ..Default::default()
        },
        depth_stencil: None,
        multisample: wgpu::MultisampleState {
            count: spec.samples,
            ..Default::default()
        },
        fragment: Some(wgpu::FragmentState {
            module: &module,
            entry_point: Some(spec.fragment_entry),
            compilation_options: Default::default(),
            targets: &spec
                .formats
                .iter()
                .map(|&format| {
                    Some(wgpu::ColorTargetState {
                        format,
                        blend: spec.blend,
                        write_mask: wgpu::ColorWrites::ALL,
                    })
                })
                .collect::<Vec<_>>(),
        }),
        multiview_mask: None,
        cache: None,
    })
}

/// A rectangle of a render target in pixels (origin top-left), where the
/// scene is drawn when it does not fill the target (a letterboxed window).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PixelRect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// Where a frame is drawn: `view`, resolved into `resolve` when `view` is multisampled.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    pub view: &'a wgpu::TextureView,
    pub resolve: Option<&'a wgpu::TextureView>,
    /// Redraw only these rectangles over what `view` holds (a single-sampled
    /// view kept from the previous frame, opaque background), each with the
    /// mesh's part for it ([`Mesh::parts`]); `None` clears and draws everything.
    pub redraw: Option<&'a [PixelBox]>,
    /// Whether a redrawn rectangle is first repainted with the background;
    /// not when the underlay was copied there ([`Renderer::build_underlay`]).
    pub backdrop: bool,
}

/// A partial redraw over the frame a renderer drew last.
#[derive(Clone, Copy, Debug)]
pub struct Redraw<'a> {
    /// The rectangles to redraw, each with its part of the mesh ([`Mesh::parts`]).
    pub boxes: &'a [PixelBox],
    /// How many first items of the frame the mesh leaves out because the
    /// underlay holds them ([`Renderer::underlay_len`]); 0 for none.
    pub underlay: usize,
}

/// The first items of frames drawn once over the background and kept, with
/// the keys ([`crate::snapshot::DrawItem::key`]) of the items it holds:
/// partial redraws copy it under their rectangles instead of drawing those
/// items again.
struct Underlay {
    texture: wgpu::Texture,
    view: wgpu::TextureView,
    width: u32,
    height: u32,
    background: Color,
    keys: Vec<u64>,
}

/// The mesh buffers and the stretch of a mesh [`Renderer::draw_range`] draws.
struct DrawRange<'a> {
    vb: &'a wgpu::Buffer,
    ib: &'a wgpu::Buffer,
    from: MeshPart,
    to: MeshPart,
}

struct Targets {
    width: u32,
    height: u32,
    msaa: Option<wgpu::TextureView>,
    resolve: wgpu::Texture,
    resolve_view: wgpu::TextureView,
    /// The resolved target seen without sRGB decoding, for the YUV pass.
    /// `None` where the adapter cannot view a texture in another format (GL).
    raw_view: Option<wgpu::TextureView>,
    readback: wgpu::Buffer,
}

/// Draws meshes into an offscreen target and reads them back, or into a
/// window's surface texture ([`Renderer::encode_window`]). Create once, reuse for every frame: the targets and
/// buffers are kept between frames and only re-made when the size changes.
pub struct Renderer {
    pipeline: wgpu::RenderPipeline,
    globals: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    options: RenderOptions,
    format: wgpu::TextureFormat,
    targets: Option<Targets>,
    /// The multisampled texture of a window (`encode_window`) and its size.
    window_msaa: Option<((u32, u32), wgpu::TextureView)>,
    vertices: Option<(wgpu::Buffer, u64)>,
    indices: Option<(wgpu::Buffer, u64)>,
    /// Made on the first [`Renderer::render_yuv`].
    yuv: Option<YuvConverter>,
    /// The layout of `bind_group`, shared with the image pipeline.
    globals_layout: wgpu::BindGroupLayout,
    /// Made on the first frame that has an image.
    images: Option<ImagePass>,
    /// Frames drawn into `targets` so far (see [`Renderer::serial`]).
    serial: u64,
    /// Vertex and index buffers of the background quad of partial redraws.
    backdrop: Option<(wgpu::Buffer, wgpu::Buffer)>,
    underlay: Option<Underlay>,
}

impl Renderer {
    /// A renderer drawing into `TARGET_FORMAT` textures.
    pub fn new(ctx: &GpuContext, options: RenderOptions) -> Renderer {
        Self::with_format(ctx, options, TARGET_FORMAT)
    }

    /// A renderer drawing into textures of `format` (a window's surface format).
    pub fn with_format(ctx: &GpuContext, options: RenderOptions, format: wgpu::TextureFormat) -> Renderer {
        let device = &ctx.device;
        let bgl = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("globals"),
            entries: &[wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: wgpu::ShaderStages::VERTEX,
                ty: wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Uniform,
                    has_dynamic_offset: false,
                    min_binding_size: None,
                },
                count: None,
            }],
        });
        let globals = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("globals"),
            contents: bytemuck::bytes_of(&Globals {
                viewport: [1.0, 1.0],
                _pad: [0.0; 2],
            }),
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        });
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("globals"),
            layout: &bgl,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: globals.as_entire_binding(),
            }],
        });
        let source = fill_shader_source();
        let pipeline = create_pipeline(
            device,
            PipelineSpec {
                label: "fill",
                source: &source,
                vertex_entry: "vs_main",
                fragment_entry: "fs_main",
                vertex_layout: Some(wgpu::VertexBufferLayout {
                    array_stride: std::mem::size_of::<Vertex>() as u64,
                    step_mode: wgpu::VertexStepMode::Vertex,
                    attributes: &wgpu::vertex_attr_array![0 => Float32x2, 1 => Float32x4, 2 => Float32x3, 3 => Float32x2],
                }),
                bind_group_layouts: &[&bgl],
                formats: &[format],
                blend: Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING),
                samples: options.samples(),
            },
        );
        Renderer {
            pipeline,
            globals,
            bind_group,
            options,
            format,
            targets: None,
            window_msaa: None,
            vertices: None,
            indices: None,
            yuv: None,
            globals_layout: bgl,
            images: None,
            serial: 0,
            backdrop: None,
            underlay: None,
        }
    }

    /// How this renderer anti-aliases; tessellate its meshes with the same value.
    pub fn antialias(&self) -> Antialias {
        self.options.antialias
    }

    fn ensure_targets(&mut self, ctx: &GpuContext, width: u32, height: u32) -> Result<(), GpuError> {
        if matches!(&self.targets, Some(t) if t.width == width && t.height == height) {
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
            width,
            height,
            msaa,
            resolve,
            resolve_view,
            raw_view,
            readback,
        });
        Ok(())
    }

    /// Uploads `mesh`, growing the buffers when needed.
    fn upload(&mut self, ctx: &GpuContext, mesh: &Mesh) {
        fn put(
            ctx: &GpuContext,
            slot: &mut Option<(wgpu::Buffer, u64)>,
            bytes: &[u8],
            usage: wgpu::BufferUsages,
        ) {
            let need = (bytes.len() as u64).max(4).next_power_of_two();
            if !matches!(slot, Some((_, cap)) if *cap >= need) {
                let buf = ctx.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("mesh"),
                    size: need,
                    usage: usage | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                });
                *slot = Some((buf, need));
            }
            if let Some((buf, _)) = slot {
                if !bytes.is_empty() {
                    ctx.queue.write_buffer(buf, 0, bytes);
                }
            }
        }
        put(
            ctx,
            &mut self.vertices,
            bytemuck::cast_slice(&mesh.vertices),
            wgpu::BufferUsages::VERTEX,
        );
        put(
            ctx,
            &mut self.indices,
            bytemuck::cast_slice(&mesh.indices),
            wgpu::BufferUsages::INDEX,
        );
    }

    /// Records the draw of `mesh` into `target`. `viewport` is the scene size in scene units.
    pub fn encode(
        &mut self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        mesh: &Mesh,
        viewport: [f32; 2],
        background: Color,
        target: Target<'_>,
    ) {
        self.pass(ctx, encoder, mesh, viewport, background, None, target);
    }

    /// Records the draw of `mesh` into a window's surface texture `surface`
    /// (`size` pixels, single-sampled), letterboxed: the whole surface is
    /// cleared to `surround` and the scene (`viewport` scene units) is mapped
    /// onto the pixel rectangle `rect`. The mesh should paint the scene's own
    /// background itself (a full-scene rectangle), since the clear colour is
    /// the surround's. With multisampling, a multisampled texture the size of
    /// the surface is kept between frames and resolved into `surface`.
    #[allow(clippy::too_many_arguments)]
    pub fn encode_window(
        &mut self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        mesh: &Mesh,
        viewport: [f32; 2],
        surround: Color,
        rect: PixelRect,
        surface: &wgpu::TextureView,
        size: (u32, u32),
    ) -> Result<(), GpuError> {
        if self.options.samples() <= 1 {
            let target = Target {
                view: surface,
                resolve: None,
                redraw: None,
                backdrop: false,
            };
            self.pass(ctx, encoder, mesh, viewport, surround, Some(rect), target);
            return Ok(());
        }
        if !matches!(&self.window_msaa, Some((s, _)) if *s == size) {
            check_size(ctx, size.0, size.1)?;
            let texture = texture_2d(
                ctx,
                "window msaa",
                size,
                self.options.samples(),
                self.format,
                wgpu::TextureUsages::RENDER_ATTACHMENT,
                &[],
            );
            self.window_msaa = Some((size, texture.create_view(&Default::default())));
        }
        let msaa = self.window_msaa.take();
        if let Some((_, view)) = &msaa {
            let target = Target {
                view,
                resolve: Some(surface),
                redraw: None,
                backdrop: false,
            };
            self.pass(ctx, encoder, mesh, viewport, surround, Some(rect), target);
        }
        self.window_msaa = msaa;
        Ok(())
    }

    /// Records the draw of `mesh` over what the window's surface texture
    /// `surface` (`size` pixels) already holds, the scene (`viewport` scene
    /// units) mapped onto `rect`: panels drawn on a frame copied there
    /// ([`Renderer::copy_target`]). With `clear`, the surface is first
    /// cleared to it. Single-sampled renderers only (those that
    /// [`Renderer::can_redraw`]); a multisampled one draws nothing and says so.
    #[allow(clippy::too_many_arguments)]
    pub fn encode_window_over(
        &mut self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        mesh: &Mesh,
        viewport: [f32; 2],
        rect: PixelRect,
        surface: &wgpu::TextureView,
        size: (u32, u32),
    ) -> bool {
        if self.options.samples() > 1 {
            return false;
        }
        let whole = [PixelBox::whole(size.0, size.1)];
        let target = Target {
            view: surface,
            resolve: None,
            redraw: Some(&whole),
            backdrop: false,
        };
        self.pass(
            ctx,
            encoder,
            mesh,
            viewport,
            Color::TRANSPARENT,
            Some(rect),
            target,
        );
        true
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

    /// One render pass: clear to `clear`, draw `mesh` mapped onto `rect` (the whole target when `None`).
    #[allow(clippy::too_many_arguments)]
    fn pass(
        &mut self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        mesh: &Mesh,
        viewport: [f32; 2],
        clear: Color,
        rect: Option<PixelRect>,
        target: Target<'_>,
    ) {
        let Target {
            view,
            resolve,
            redraw,
            backdrop,
        } = target;
        self.upload(ctx, mesh);
        if redraw.is_some() && backdrop {
            self.upload_backdrop(ctx, viewport, clear);
        }
        if !mesh.images.is_empty() {
            let (format, samples) = (self.format, self.options.samples());
            let layout = &self.globals_layout;
            self.images
                .get_or_insert_with(|| ImagePass::new(ctx, layout, format, samples))
                .prepare(ctx, &mesh.images);
        }
        ctx.queue.write_buffer(
            &self.globals,
            0,
            bytemuck::bytes_of(&Globals {
                viewport,
                _pad: [0.0; 2],
            }),
        );
        let [r, g, b, a] = clear.to_linear_premultiplied();
        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("frame"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view,
                depth_slice: None,
                resolve_target: resolve,
                ops: wgpu::Operations {
                    load: if redraw.is_some() {
                        wgpu::LoadOp::Load
                    } else {
                        wgpu::LoadOp::Clear(wgpu::Color {
                            r: r as f64,
                            g: g as f64,
                            b: b as f64,
                            a: a as f64,
                        })
                    },
                    // The multisampled buffer is only needed until it is resolved.
                    store: if resolve.is_some() {
                        wgpu::StoreOp::Discard
                    } else {
                        wgpu::StoreOp::Store
                    },
                },
            })],
            depth_stencil_attachment: None,
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        if let Some(r) = rect {
            pass.set_viewport(r.x, r.y, r.width, r.height, 0.0, 1.0);
        }
        let Some((vb, _)) = &self.vertices else { return };
        let Some((ib, _)) = &self.indices else { return };
        let whole = MeshPart {
            index_end: mesh.indices.len() as u32,
            image_end: mesh.images.len(),
        };
        let Some(boxes) = redraw else {
            let r = DrawRange {
                vb,
                ib,
                from: MeshPart::default(),
                to: whole,
            };
            return self.draw_range(&mut pass, mesh, r);
        };
        // Each rectangle's part of the mesh; a mesh not split per rectangle is drawn whole in each.
        let split = mesh.parts.len() == boxes.len();
        let mut from = MeshPart::default();
        for (k, b) in boxes.iter().enumerate() {
            // Only the damaged rectangle: repaint its background, then its items clipped to it.
            pass.set_scissor_rect(b.x, b.y, b.width, b.height);
            if let (true, Some((bvb, bib))) = (backdrop, &self.backdrop) {
                pass.set_pipeline(&self.pipeline);
                pass.set_bind_group(0, &self.bind_group, &[]);
                pass.set_vertex_buffer(0, bvb.slice(..));
                pass.set_index_buffer(bib.slice(..), wgpu::IndexFormat::Uint32);
                pass.draw_indexed(0..6, 0, 0..1);
            }
            let to = if split { mesh.parts[k] } else { whole };
            self.draw_range(&mut pass, mesh, DrawRange { vb, ib, from, to });
            if split {
                from = to;
            }
        }
    }

    /// Draws the vector triangles and images of `mesh` from `range.from` to
    /// `range.to`: the triangles up to each image, the image, then on.
    fn draw_range(&self, pass: &mut wgpu::RenderPass<'_>, mesh: &Mesh, range: DrawRange<'_>) {
        let DrawRange { vb, ib, from, to } = range;
        let mut drawn = from.index_end;
        let ends = mesh.images[from.image_end..to.image_end]
            .iter()
            .map(|q| q.index_start)
            .chain([to.index_end]);
        for (i, end) in ends.enumerate() {
            if end > drawn {
                pass.set_pipeline(&self.pipeline);
                pass.set_bind_group(0, &self.bind_group, &[]);
                pass.set_vertex_buffer(0, vb.slice(..));
                pass.set_index_buffer(ib.slice(..), wgpu::IndexFormat::Uint32);
                pass.draw_indexed(drawn..end, 0, 0..1);
                drawn = end;
            }
            let image = from.image_end + i;
            if let (Some(images), true) = (&self.images, image < to.image_end) {
                images.draw(pass, &self.bind_group, &mesh.images, image);
            }
        }
    }

    /// How many first items of a frame with item keys `keys` the underlay
    /// holds, drawn at `width`×`height` over `background`; 0 when it holds
    /// none of them (or there is none).
    pub fn underlay_len(&self, keys: &[u64], width: u32, height: u32, background: Color) -> usize {
        match &self.underlay {
            Some(u)
                if (u.width, u.height) == (width, height)
                    && u.background == background
                    && keys.starts_with(&u.keys) =>
            {
                u.keys.len()
            }
            _ => 0,
        }
    }

    /// Drops the underlay: the frames after this draw as if the renderer
    /// were new, which a video segment needs to come out the same however it
    /// is reached (a new one costs one texture every segment).
    pub fn forget_underlay(&mut self) {
        self.underlay = None;
    }

    /// Draws `mesh`, the first items of the frames to come (`keys`), over
    /// `background` into the underlay, which partial redraws then copy under
    /// their rectangles ([`Redraw::underlay`]). Only single-sampled
    /// renderers redraw partially; a multisampled one keeps no underlay.
    #[allow(clippy::too_many_arguments)]
    pub fn build_underlay(
        &mut self,
        ctx: &GpuContext,
        mesh: &Mesh,
        viewport: [f32; 2],
        background: Color,
        (width, height): (u32, u32),
        keys: Vec<u64>,
    ) -> Result<(), GpuError> {
        if self.options.samples() > 1 {
            return Ok(());
        }
        let texture = match self.underlay.take() {
            Some(u) if (u.width, u.height) == (width, height) => (u.texture, u.view),
            _ => {
                check_size(ctx, width, height)?;
                let t = texture_2d(
                    ctx,
                    "underlay",
                    (width, height),
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
            view: &texture.1,
            resolve: None,
            redraw: None,
            backdrop: false,
        };
        self.encode(ctx, &mut encoder, mesh, viewport, background, target);
        // Submitted now: the frame's own mesh upload comes after it.
        ctx.queue.submit([encoder.finish()]);
        self.underlay = Some(Underlay {
            texture: texture.0,
            view: texture.1,
            width,
            height,
            background,
            keys,
        });
        Ok(())
    }

    /// Whether [`Renderer::render_yuv`] works here: the YUV pass reads the
    /// frame through a non-sRGB view, which GL adapters cannot make.
    pub fn can_convert_yuv(&self, ctx: &GpuContext) -> bool {
        ctx.adapter
            .get_downlevel_capabilities()
            .flags
            .contains(wgpu::DownlevelFlags::VIEW_FORMATS)
    }

    /// Whether [`Renderer::render_region`] can redraw part of the last frame
    /// drawn at `width`×`height`: the target is kept and single-sampled.
    pub fn can_redraw(&self, width: u32, height: u32, background: Color) -> bool {
        matches!(&self.targets, Some(t) if t.width == width && t.height == height && t.msaa.is_none())
            && background.a >= 1.0
    }

    /// Counts the frames drawn into the offscreen target: a caller that kept
    /// the value from its previous frame knows nobody drew in between.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// The full-viewport background quad drawn under a partial redraw.
    fn upload_backdrop(&mut self, ctx: &GpuContext, viewport: [f32; 2], background: Color) {
        let color = background.to_linear_premultiplied();
        let [w, h] = viewport;
        let vertex = |x: f32, y: f32| Vertex {
            position: [x, y],
            color,
            across: [0.0, 0.0, 1.0],
            along: [1.0, 1.0],
        };
        let vertices = [vertex(0.0, 0.0), vertex(w, 0.0), vertex(w, h), vertex(0.0, h)];
        let (vb, ib) = self.backdrop.get_or_insert_with(|| {
            let make = |usage| {
                ctx.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("backdrop"),
                    size: std::mem::size_of_val(&vertices) as u64,
                    usage: usage | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                })
            };
            (make(wgpu::BufferUsages::VERTEX), make(wgpu::BufferUsages::INDEX))
        });
        ctx.queue.write_buffer(vb, 0, bytemuck::cast_slice(&vertices));
        ctx.queue
            .write_buffer(ib, 0, bytemuck::cast_slice(&[0u32, 1, 2, 0, 2, 3]));
    }

    /// Records the draw of `mesh` into the offscreen target (resolved when
    /// multisampled); only the `redraw` rectangles of it when given and
    /// [`Renderer::can_redraw`]. Returns the box around what it redraws,
    /// `None` for the whole frame.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        ctx: &GpuContext,
        mesh: &Mesh,
        viewport: [f32; 2],
        background: Color,
        width: u32,
        height: u32,
        redraw: Option<Redraw<'_>>,
    ) -> Result<(wgpu::CommandEncoder, Targets, Option<PixelBox>), GpuError> {
        let redraw = redraw.filter(|r| !r.boxes.is_empty() && self.can_redraw(width, height, background));
        self.ensure_targets(ctx, width, height)?;
        self.serial += 1;
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        let targets = self
            .targets
            .take()
            .ok_or_else(|| GpuError::Readback("no target".into()))?;
        // The underlay under each rectangle, when the mesh leaves its items out.
        let underlay = match (redraw, &self.underlay) {
            (Some(r), Some(u))
                if r.underlay > 0 && r.underlay == u.keys.len() && (u.width, u.height) == (width, height) =>
            {
                Some(u)
            }
            (Some(r), _) if r.underlay > 0 => {
                self.targets = Some(targets);
                return Err(GpuError::Readback(
                    "the underlay does not hold the items left out".into(),
                ));
            }
            _ => None,
        };
        if let (Some(r), Some(u)) = (redraw, underlay) {
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
                redraw: redraw.map(|r| r.boxes),
                backdrop: underlay.is_none(),
            },
        };
        self.encode(ctx, &mut encoder, mesh, viewport, background, target);
        Ok((encoder, targets, redraw.map(|r| PixelBox::bounds(r.boxes))))
    }

    /// Renders `mesh` at `width`×`height` output pixels (the scene's
    /// `viewport` scaled to fit) and returns the pixels.
    pub fn render(
        &mut self,
        ctx: &GpuContext,
        mesh: &Mesh,
        viewport: [f32; 2],
        background: Color,
        width: u32,
        height: u32,
    ) -> Result<RgbaImage, GpuError> {
        self.render_region(ctx, mesh, viewport, background, width, height, None)
            .map(|(_, image)| image)
    }

    /// Like [`Renderer::render`], but when `redraw` is given and
    /// [`Renderer::can_redraw`], redraws only those rectangles over the frame
    /// this renderer drew last (`mesh` made for them, see [`Mesh::parts`]) and
    /// reads back only the box around them, widened to even edges (the
    /// target holds the previous frame's pixels there) so that a yuv420p
    /// frame can be patched with it ([`crate::yuv::align_to_chroma`]).
    /// Returns the box read (the whole frame when the redraw could not be
    /// partial) and its pixels.
    #[allow(clippy::too_many_arguments)]
    pub fn render_region(
        &mut self,
        ctx: &GpuContext,
        mesh: &Mesh,
        viewport: [f32; 2],
        background: Color,
        width: u32,
        height: u32,
        redraw: Option<Redraw<'_>>,
    ) -> Result<(PixelBox, RgbaImage), GpuError> {
        let (mut encoder, targets, redraw) =
            self.record(ctx, mesh, viewport, background, width, height, redraw)?;
        let b = redraw.map_or(PixelBox::whole(width, height), |b| {
            crate::yuv::align_to_chroma(b, width, height)
        });
        let stride = padded_bytes_per_row(b.width);
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
                    bytes_per_row: Some(stride),
                    rows_per_image: Some(b.height),
                },
            },
            wgpu::Extent3d {
                width: b.width,
                height: b.height,
                depth_or_array_layers: 1,
            },
        );
        ctx.queue.submit([encoder.finish()]);
        let image = read_buffer(ctx, &targets.readback, b.width, b.height, stride);
        self.targets = Some(targets);
        Ok((b, image?))
    }

    /// Like [`Renderer::render_region`], but reads nothing back: the frame
    /// stays in the offscreen target, for a window that copies it into its
    /// surface every frame ([`Renderer::copy_target`]) and, on the next
    /// frame, redraws only what changed over it.
    #[allow(clippy::too_many_arguments)]
    pub fn draw_kept(
        &mut self,
        ctx: &GpuContext,
        mesh: &Mesh,
        viewport: [f32; 2],
        background: Color,
        width: u32,
        height: u32,
        redraw: Option<Redraw<'_>>,
    ) -> Result<(), GpuError> {
        let (encoder, targets, _) = self.record(ctx, mesh, viewport, background, width, height, redraw)?;
        ctx.queue.submit([encoder.finish()]);
        self.targets = Some(targets);
        Ok(())
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
        let Some(t) = self.targets.as_ref().filter(|t| (t.width, t.height) == size) else {
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

    /// Like [`Renderer::render`], but converts the frame to BT.709
    /// limited-range yuv420p on the GPU and reads back only the planes (see
    /// [`super::yuv`]). Needs an opaque background (alpha is dropped
    /// without un-premultiplying) and a size [`super::gpu_yuv_supported`] accepts.
    /// With `redraw`, only those rectangles of the previous frame are redrawn
    /// (see [`Renderer::render_region`]); the whole frame is converted.
    #[allow(clippy::too_many_arguments)]
    pub fn render_yuv(
        &mut self,
        ctx: &GpuContext,
        mesh: &Mesh,
        viewport: [f32; 2],
        background: Color,
        width: u32,
        height: u32,
        redraw: Option<Redraw<'_>>,
    ) -> Result<Yuv420Image, GpuError> {
        if !self.can_convert_yuv(ctx) {
            return Err(GpuError::Readback(
                "this adapter cannot convert to YUV on the GPU (no texture view formats); use ANIM_YUV=cpu"
                    .into(),
            ));
        }
        let (mut encoder, targets, _) =
            self.record(ctx, mesh, viewport, background, width, height, redraw)?;
        let converter = self.yuv.get_or_insert_with(|| YuvConverter::new(ctx));
        let recorded = match &targets.raw_view {
            Some(view) => converter.encode(ctx, &mut encoder, view, width, height),
            None => Err(GpuError::Readback("no raw view of the target".into())),
        };
        self.targets = Some(targets);
        recorded?;
        ctx.queue.submit([encoder.finish()]);
        converter.read(ctx)
    }
}

/// Maps all of `buffer` for reading, waiting for the GPU, and returns the
/// mapped bytes; the caller unmaps once the view is dropped.
pub(crate) fn map_read(ctx: &GpuContext, buffer: &wgpu::Buffer) -> Result<wgpu::BufferView, GpuError> {
    let slice = buffer.slice(..);
    let (tx, rx) = std::sync::mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    ctx.wait()?;
    rx.recv()
        .map_err(|e| GpuError::Readback(e.to_string()))?
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    slice
        .get_mapped_range()
        .map_err(|e| GpuError::Readback(e.to_string()))
}

/// Maps `buffer`, copies the image out row by row (dropping the padding) and unmaps.
fn read_buffer(
    ctx: &GpuContext,
    buffer: &wgpu::Buffer,
    width: u32,
    height: u32,
    stride: u32,
) -> Result<RgbaImage, GpuError> {
    let mut image = RgbaImage::new(width, height);
    {
        let mapped = map_read(ctx, buffer)?;
        let row = width as usize * 4;
        for (y, out) in image.data.chunks_exact_mut(row).enumerate() {
            let start = y * stride as usize;
            out.copy_from_slice(&mapped[start..start + row]);
        }
    }
    buffer.unmap();
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_padded_to_the_copy_alignment() {
        assert_eq!(padded_bytes_per_row(64), 256);
        assert_eq!(padded_bytes_per_row(1920), 7680);
        // 854 * 4 = 3416 → next multiple of 256.
        assert_eq!(padded_bytes_per_row(854), 3584);
        assert_eq!(padded_bytes_per_row(1), 256);
        for w in 1..2000 {
            let p = padded_bytes_per_row(w);
            assert_eq!(p % wgpu::COPY_BYTES_PER_ROW_ALIGNMENT, 0);
            assert!(p >= w * 4 && p < w * 4 + wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
        }
    }

    #[test]
    fn globals_match_the_shader_struct() {
        // Globals in shaders/common.wgsl: vec2<f32> + vec2<f32> padding = 16 bytes.
        assert_eq!(std::mem::size_of::<Globals>(), 16);
        let src = fill_shader_source();
        assert!(src.contains("viewport: vec2<f32>"));
    }
}
