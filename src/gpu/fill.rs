//! The fill pass: records the draw of a tessellated [`Mesh`] (its triangles
//! and, between them, its images) into one colour target, whole or only
//! inside the rectangles of a partial redraw.
//!
//! ## Anti-aliasing
//! By default edges are anti-aliased by coverage computed in the fragment
//! shader from terms the tessellator put on every vertex
//! ([`Antialias::Coverage`](crate::tess::Antialias), see `tess`), at one
//! sample per pixel; blending happens in linear light.
//! [`Antialias::Msaa4`](crate::tess::Antialias) renders 4× multisampled into
//! a buffer resolved into the sRGB target instead: on lavapipe it costs
//! several times a one-sample render (see benches/README.md).

use bytemuck::{Pod, Zeroable};
use wgpu::util::DeviceExt;

use super::context::GpuContext;
use super::images::ImagePass;
use super::pipeline::{create_pipeline, PipelineSpec};
use crate::color::Color;
use crate::damage::PixelBox;
use crate::tess::{Mesh, MeshPart, Vertex};

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

/// A rectangle of a render target in pixels (origin top-left), where the
/// scene is drawn when it does not fill the target (a letterboxed window).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PixelRect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// Where a pass draws: `view`, resolved into `resolve` when `view` is multisampled.
#[derive(Clone, Copy)]
pub(crate) struct Target<'a> {
    pub view: &'a wgpu::TextureView,
    pub resolve: Option<&'a wgpu::TextureView>,
    /// Redraw only these rectangles over what `view` holds (a single-sampled
    /// view kept from the previous frame, opaque background), each with the
    /// mesh's part for it ([`Mesh::parts`]); `None` clears and draws everything.
    pub redraw: Option<&'a [PixelBox]>,
    /// Whether a redrawn rectangle is first repainted with `clear`; not when
    /// the underlay was copied there.
    pub backdrop: bool,
}

/// One pass of [`FillPass::encode`].
pub(crate) struct Pass<'a> {
    pub mesh: &'a Mesh,
    /// The scene's size in scene units.
    pub viewport: [f32; 2],
    /// What the target is cleared to (a whole draw), or what each redrawn
    /// rectangle is repainted with first (a partial one with `backdrop`).
    pub clear: Color,
    /// The pixels the scene is mapped onto; the whole target when `None`.
    pub rect: Option<PixelRect>,
    pub target: Target<'a>,
}

/// The mesh buffers and the stretch of a mesh [`FillPass::draw_range`] draws.
struct DrawRange<'a> {
    vb: &'a wgpu::Buffer,
    ib: &'a wgpu::Buffer,
    from: MeshPart,
    to: MeshPart,
}

/// The fill pipeline, its uniforms and the buffers meshes are uploaded into,
/// kept between frames (they only grow).
pub(crate) struct FillPass {
    pipeline: wgpu::RenderPipeline,
    globals: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    /// The layout of `bind_group`, shared with the image pipeline.
    globals_layout: wgpu::BindGroupLayout,
    format: wgpu::TextureFormat,
    samples: u32,
    vertices: Option<(wgpu::Buffer, u64)>,
    indices: Option<(wgpu::Buffer, u64)>,
    /// Made on the first frame that has an image.
    images: Option<ImagePass>,
    /// Vertex and index buffers of the background quad of partial redraws.
    backdrop: Option<(wgpu::Buffer, wgpu::Buffer)>,
}

impl FillPass {
    /// A fill pass drawing into `format` targets of `samples` samples per pixel.
    pub(crate) fn new(ctx: &GpuContext, format: wgpu::TextureFormat, samples: u32) -> FillPass {
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
                samples,
            },
        );
        FillPass {
            pipeline,
            globals,
            bind_group,
            globals_layout: bgl,
            format,
            samples,
            vertices: None,
            indices: None,
            images: None,
            backdrop: None,
        }
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

    /// Records one pass: clear to `pass.clear` (or, for a partial redraw,
    /// keep what the target holds), then draw the mesh mapped onto `pass.rect`.
    pub(crate) fn encode(&mut self, ctx: &GpuContext, encoder: &mut wgpu::CommandEncoder, pass: Pass<'_>) {
        let Pass {
            mesh,
            viewport,
            clear,
            rect,
            target,
        } = pass;
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
            let (format, samples) = (self.format, self.samples);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globals_match_the_shader_struct() {
        // Globals in shaders/common.wgsl: vec2<f32> + vec2<f32> padding = 16 bytes.
        assert_eq!(std::mem::size_of::<Globals>(), 16);
        let src = fill_shader_source();
        assert!(src.contains("viewport: vec2<f32>"));
    }
}
