//! RGB → YUV 4:2:0 on the GPU (shaders/yuv.wgsl).
//!
//! The video encoder wants BT.709 limited-range yuv420p. Converting on the
//! GPU takes the conversion off the CPU (swscale took 5–9 ms per 1080p frame) and reads back
//! 1.5 bytes per pixel instead of 4 (3.1 MB instead of 8.3 MB at 1080p).
//! On lavapipe the "GPU" is the same two CPU cores, so the pass is only worth
//! what benches/README.md measured for it: as two fragment passes into R8
//! targets (Y; U and V) it is; as the compute pass it replaced, it was not.
//!
//! Chroma is the plain average of each 2×2 block of sRGB-encoded values, and
//! the matrix is BT.709 into limited range: on flat colours the planes match
//! [`crate::yuv`]'s within 1 level (tests/video.rs `gpu_yuv_matches_cpu_yuv`).

use super::context::{GpuContext, GpuError};
use super::pipeline::{create_pipeline, texture_2d, PipelineSpec};
use super::readback::map_read;
use crate::yuv::Yuv420Image;

/// Whether a `width`×`height` frame can be converted on the GPU (4:2:0 needs even sides).
pub fn gpu_yuv_supported(width: u32, height: u32) -> bool {
    width.is_multiple_of(2) && height.is_multiple_of(2) && width > 0 && height > 0
}

/// Bytes per row of an R8 plane `width` pixels wide in a readback buffer.
fn padded_row(width: u32) -> u32 {
    width.div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT) * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT
}

/// One plane: its render target and where it lands in the readback buffer.
struct Plane {
    view: wgpu::TextureView,
    texture: wgpu::Texture,
    width: u32,
    height: u32,
    offset: u64,
}

struct Planes {
    width: u32,
    height: u32,
    y: Plane,
    u: Plane,
    v: Plane,
    readback: wgpu::Buffer,
}

/// The conversion passes and their targets (kept between frames of one size).
pub struct YuvConverter {
    luma: wgpu::RenderPipeline,
    chroma: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
    planes: Option<Planes>,
}

impl YuvConverter {
    pub fn new(ctx: &GpuContext) -> YuvConverter {
        let device = &ctx.device;
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("yuv"),
            entries: &[wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: wgpu::ShaderStages::FRAGMENT,
                ty: wgpu::BindingType::Texture {
                    sample_type: wgpu::TextureSampleType::Float { filterable: false },
                    view_dimension: wgpu::TextureViewDimension::D2,
                    multisampled: false,
                },
                count: None,
            }],
        });
        let source = include_str!("../../shaders/yuv.wgsl");
        let pipeline = |label, fragment_entry, formats| {
            create_pipeline(
                device,
                PipelineSpec {
                    label,
                    source,
                    vertex_entry: "vs_main",
                    fragment_entry,
                    vertex_layout: None,
                    bind_group_layouts: &[&layout],
                    formats,
                    blend: None,
                    samples: 1,
                },
            )
        };
        let r8 = wgpu::TextureFormat::R8Unorm;
        YuvConverter {
            luma: pipeline("yuv luma", "fs_luma", &[r8]),
            chroma: pipeline("yuv chroma", "fs_chroma", &[r8, r8]),
            layout,
            planes: None,
        }
    }

    fn ensure_planes(&mut self, ctx: &GpuContext, width: u32, height: u32) {
        if matches!(&self.planes, Some(p) if p.width == width && p.height == height) {
            return;
        }
        let mut offset = 0;
        let mut plane = |label, width: u32, height: u32| {
            let texture = texture_2d(
                ctx,
                label,
                (width, height),
                1,
                wgpu::TextureFormat::R8Unorm,
                wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
                &[],
            );
            let p = Plane {
                view: texture.create_view(&Default::default()),
                texture,
                width,
                height,
                offset,
            };
            offset += padded_row(width) as u64 * height as u64;
            p
        };
        let y = plane("yuv y", width, height);
        let u = plane("yuv u", width / 2, height / 2);
        let v = plane("yuv v", width / 2, height / 2);
        let readback = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("yuv readback"),
            size: offset,
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        self.planes = Some(Planes {
            width,
            height,
            y,
            u,
            v,
            readback,
        });
    }

    /// Records the conversion of `frame` (a non-sRGB view of the resolved
    /// target) and the copy of the planes into the readback buffer.
    pub fn encode(
        &mut self,
        ctx: &GpuContext,
        encoder: &mut wgpu::CommandEncoder,
        frame: &wgpu::TextureView,
        width: u32,
        height: u32,
    ) -> Result<(), GpuError> {
        if !gpu_yuv_supported(width, height) {
            return Err(GpuError::Readback(format!(
                "{width}x{height}: GPU YUV needs even sides"
            )));
        }
        self.ensure_planes(ctx, width, height);
        let Some(planes) = &self.planes else {
            return Err(GpuError::Readback("no YUV planes".into()));
        };
        let bind_group = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("yuv"),
            layout: &self.layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: wgpu::BindingResource::TextureView(frame),
            }],
        });
        fn attachment(p: &Plane) -> Option<wgpu::RenderPassColorAttachment<'_>> {
            Some(wgpu::RenderPassColorAttachment {
                view: &p.view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    // Every pixel is written: nothing to clear.
                    load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                    store: wgpu::StoreOp::Store,
                },
            })
        }
        for (pipeline, targets) in [
            (&self.luma, vec![attachment(&planes.y)]),
            (&self.chroma, vec![attachment(&planes.u), attachment(&planes.v)]),
        ] {
            let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("yuv"),
                color_attachments: &targets,
                depth_stencil_attachment: None,
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
            pass.set_pipeline(pipeline);
            pass.set_bind_group(0, &bind_group, &[]);
            pass.draw(0..3, 0..1);
        }
        for p in [&planes.y, &planes.u, &planes.v] {
            encoder.copy_texture_to_buffer(
                p.texture.as_image_copy(),
                wgpu::TexelCopyBufferInfo {
                    buffer: &planes.readback,
                    layout: wgpu::TexelCopyBufferLayout {
                        offset: p.offset,
                        bytes_per_row: Some(padded_row(p.width)),
                        rows_per_image: Some(p.height),
                    },
                },
                wgpu::Extent3d {
                    width: p.width,
                    height: p.height,
                    depth_or_array_layers: 1,
                },
            );
        }
        Ok(())
    }

    /// Maps the readback buffer (after the submit of [`YuvConverter::encode`]'s
    /// commands) and copies the planes out without their row padding.
    pub fn read(&self, ctx: &GpuContext) -> Result<Yuv420Image, GpuError> {
        let Some(planes) = &self.planes else {
            return Err(GpuError::Readback("no YUV planes".into()));
        };
        let (w, h) = (planes.width as usize, planes.height as usize);
        let mut data = Vec::with_capacity(w * h * 3 / 2);
        {
            let mapped = map_read(ctx, &planes.readback)?;
            for p in [&planes.y, &planes.u, &planes.v] {
                let (row, stride) = (p.width as usize, padded_row(p.width) as usize);
                for y in 0..p.height as usize {
                    let start = p.offset as usize + y * stride;
                    data.extend_from_slice(&mapped[start..start + row]);
                }
            }
        }
        planes.readback.unmap();
        Ok(Yuv420Image {
            width: planes.width,
            height: planes.height,
            data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plane_rows_are_padded_for_copies() {
        assert_eq!(padded_row(1920), 2048);
        assert_eq!(padded_row(960), 1024);
        assert_eq!(padded_row(256), 256);
    }

    #[test]
    fn supported_sizes() {
        assert!(gpu_yuv_supported(1920, 1080));
        assert!(gpu_yuv_supported(3840, 2160));
        assert!(gpu_yuv_supported(854, 480));
        assert!(!gpu_yuv_supported(853, 480));
        assert!(!gpu_yuv_supported(1920, 1081));
    }
}
