//! Images: textured quads drawn between the vector triangles of a frame.
//!
//! Textures are uploaded once per decoded image (keyed by the image's
//! address, which stays put for the scene's life) and kept; a frame only
//! writes its quads' vertices. The pipeline is made on first use, so scenes
//! without images pay nothing.

use std::collections::HashMap;
use std::sync::Arc;

use bytemuck::{Pod, Zeroable};

use super::context::GpuContext;
use super::pipeline::{create_pipeline, texture_2d, PipelineSpec};
use crate::image::RgbaImage;
use crate::tess::ImageQuad;

/// One image vertex. Keep in sync with `VertexIn` in shaders/image.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
pub struct ImageVertex {
    pub position: [f32; 2],
    pub uv: [f32; 2],
    pub opacity: f32,
}

/// The image pipeline, its textures and a vertex buffer.
pub struct ImagePass {
    pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
    sampler: wgpu::Sampler,
    /// Keyed by the image's address; the Arc keeps that address valid.
    textures: HashMap<usize, (Arc<RgbaImage>, wgpu::BindGroup)>,
    vertices: Option<(wgpu::Buffer, u64)>,
}

impl ImagePass {
    pub fn new(
        ctx: &GpuContext,
        globals_layout: &wgpu::BindGroupLayout,
        format: wgpu::TextureFormat,
        samples: u32,
    ) -> ImagePass {
        let device = &ctx.device;
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("image"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Texture {
                        sample_type: wgpu::TextureSampleType::Float { filterable: true },
                        view_dimension: wgpu::TextureViewDimension::D2,
                        multisampled: false,
                    },
                    count: None,
                },
                wgpu::BindGroupLayoutEntry {
                    binding: 1,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering),
                    count: None,
                },
            ],
        });
        let source = format!(
            "{}\n{}",
            include_str!("../../shaders/common.wgsl"),
            include_str!("../../shaders/image.wgsl")
        );
        let pipeline = create_pipeline(
            device,
            PipelineSpec {
                label: "image",
                source: &source,
                vertex_entry: "vs_main",
                fragment_entry: "fs_main",
                vertex_layout: Some(wgpu::VertexBufferLayout {
                    array_stride: std::mem::size_of::<ImageVertex>() as u64,
                    step_mode: wgpu::VertexStepMode::Vertex,
                    attributes: &wgpu::vertex_attr_array![0 => Float32x2, 1 => Float32x2, 2 => Float32],
                }),
                bind_group_layouts: &[globals_layout, &layout],
                formats: &[format],
                blend: Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING),
                samples,
            },
        );
        let sampler = device.create_sampler(&wgpu::SamplerDescriptor {
            label: Some("image"),
            mag_filter: wgpu::FilterMode::Linear,
            min_filter: wgpu::FilterMode::Linear,
            ..Default::default()
        });
        ImagePass {
            pipeline,
            layout,
            sampler,
            textures: HashMap::new(),
            vertices: None,
        }
    }

    /// Uploads new textures and this frame's quads.
    pub fn prepare(&mut self, ctx: &GpuContext, quads: &[ImageQuad]) {
        for q in quads {
            let key = Arc::as_ptr(&q.image.0) as usize;
            if self.textures.contains_key(&key) {
                continue;
            }
            let img = &q.image.0;
            let size = wgpu::Extent3d {
                width: img.width,
                height: img.height,
                depth_or_array_layers: 1,
            };
            let texture = texture_2d(
                ctx,
                "image",
                (img.width, img.height),
                1,
                wgpu::TextureFormat::Rgba8UnormSrgb,
                wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
                &[],
            );
            ctx.queue.write_texture(
                wgpu::TexelCopyTextureInfo {
                    texture: &texture,
                    mip_level: 0,
                    origin: wgpu::Origin3d::ZERO,
                    aspect: wgpu::TextureAspect::All,
                },
                &img.data,
                wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(img.width * 4),
                    rows_per_image: Some(img.height),
                },
                size,
            );
            let view = texture.create_view(&Default::default());
            let bind = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some("image"),
                layout: &self.layout,
                entries: &[
                    wgpu::BindGroupEntry {
                        binding: 0,
                        resource: wgpu::BindingResource::TextureView(&view),
                    },
                    wgpu::BindGroupEntry {
                        binding: 1,
                        resource: wgpu::BindingResource::Sampler(&self.sampler),
                    },
                ],
            });
            self.textures.insert(key, (img.clone(), bind));
        }
        let uv = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
        let verts: Vec<ImageVertex> = quads
            .iter()
            .flat_map(|q| {
                [0usize, 1, 2, 0, 2, 3].map(|i| ImageVertex {
                    position: q.corners[i],
                    uv: uv[i],
                    opacity: q.opacity,
                })
            })
            .collect();
        let bytes: &[u8] = bytemuck::cast_slice(&verts);
        let need = (bytes.len() as u64).max(4).next_power_of_two();
        if !matches!(&self.vertices, Some((_, cap)) if *cap >= need) {
            let buf = ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("image quads"),
                size: need,
                usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            self.vertices = Some((buf, need));
        }
        if let Some((buf, _)) = &self.vertices {
            if !bytes.is_empty() {
                ctx.queue.write_buffer(buf, 0, bytes);
            }
        }
    }

    /// Draws quad `i` of those given to [`prepare`](Self::prepare).
    pub fn draw(
        &self,
        pass: &mut wgpu::RenderPass<'_>,
        globals: &wgpu::BindGroup,
        quads: &[ImageQuad],
        i: usize,
    ) {
        let key = Arc::as_ptr(&quads[i].image.0) as usize;
        if let (Some((_, bind)), Some((vb, _))) = (self.textures.get(&key), &self.vertices) {
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, globals, &[]);
            pass.set_bind_group(1, bind, &[]);
            pass.set_vertex_buffer(0, vb.slice(..));
            let first = (i * 6) as u32;
            pass.draw(first..first + 6, 0..1);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn vertex_layout_matches_the_shader() {
        // VertexIn in shaders/image.wgsl: vec2 at 0, vec2 at 8, f32 at 16.
        assert_eq!(std::mem::size_of::<super::ImageVertex>(), 20);
        assert_eq!(std::mem::offset_of!(super::ImageVertex, opacity), 16);
    }
}
