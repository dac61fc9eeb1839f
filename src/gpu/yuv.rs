//! RGB → YUV 4:2:0 on the GPU (shaders/yuv.wgsl).
//!
//! The video encoder wants BT.709 limited-range yuv420p. Converting on the
//! GPU removes swscale from the CPU (5–9 ms per 1080p frame) and reads back
//! 1.5 bytes per pixel instead of 4 (3.1 MB instead of 8.3 MB at 1080p).
//! On lavapipe the "GPU" is the same two CPU cores, so the pass is only worth
//! what benches/README.md measured for it.
//!
//! Chroma is the plain average of each 2×2 block of sRGB-encoded values, and
//! the matrix is BT.709 into limited range: on flat colours the planes match
//! swscale's within 1 level (tests/video.rs `gpu_yuv_matches_swscale`).

use bytemuck::{Pod, Zeroable};

use super::context::{GpuContext, GpuError};

/// Pixels per invocation row in shaders/yuv.wgsl: widths must be a multiple of this.
pub const YUV_BLOCK_WIDTH: u32 = 8;

/// Uniforms of shaders/yuv.wgsl. Keep in sync with `YuvParams` there.
#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct YuvParams {
    pub width: u32,
    pub height: u32,
    /// Offset of the U plane in 32-bit words.
    pub u_offset: u32,
    /// Offset of the V plane in 32-bit words.
    pub v_offset: u32,
}

/// Whether a `width`×`height` frame can be converted on the GPU.
pub fn gpu_yuv_supported(width: u32, height: u32) -> bool {
    width.is_multiple_of(YUV_BLOCK_WIDTH) && height.is_multiple_of(2) && width > 0 && height > 0
}

/// A yuv420p frame: the Y plane (`width × height` bytes), then U, then V
/// (`width/2 × height/2` bytes each), tightly packed.
#[derive(Clone, Debug, PartialEq)]
pub struct Yuv420Image {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl Yuv420Image {
    /// The Y, U and V planes.
    pub fn planes(&self) -> (&[u8], &[u8], &[u8]) {
        let luma = self.width as usize * self.height as usize;
        let chroma = luma / 4;
        let (y, rest) = self.data.split_at(luma.min(self.data.len()));
        let (u, v) = rest.split_at(chroma.min(rest.len()));
        (y, u, v)
    }
}

struct Buffers {
    width: u32,
    height: u32,
    planes: wgpu::Buffer,
    readback: wgpu::Buffer,
    bytes: u64,
}

/// The conversion pass and its buffers (kept between frames of one size).
pub struct YuvConverter {
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
    params: wgpu::Buffer,
    buffers: Option<Buffers>,
}

impl YuvConverter {
    pub fn new(ctx: &GpuContext) -> YuvConverter {
        let device = &ctx.device;
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("yuv"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::COMPUTE,
                    ty: wgpu::BindingType::Texture {
                        sample_type: wgpu::TextureSampleType::Float { filterable: false },
                        view_dimension: wgpu::TextureViewDimension::D2,
                        multisampled: false,
                    },
                    count: None,
                },
                wgpu::BindGroupLayoutEntry {
                    binding: 1,
                    visibility: wgpu::ShaderStages::COMPUTE,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Storage { read_only: false },
                        has_dynamic_offset: false,
                        min_binding_size: None,
                    },
                    count: None,
                },
                wgpu::BindGroupLayoutEntry {
                    binding: 2,
                    visibility: wgpu::ShaderStages::COMPUTE,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: false,
                        min_binding_size: None,
                    },
                    count: None,
                },
            ],
        });
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("yuv"),
            source: wgpu::ShaderSource::Wgsl(include_str!("../../shaders/yuv.wgsl").into()),
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("yuv"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some("yuv"),
            layout: Some(&pipeline_layout),
            module: &module,
            entry_point: Some("cs_main"),
            compilation_options: Default::default(),
            cache: None,
        });
        let params = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("yuv params"),
            size: std::mem::size_of::<YuvParams>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        YuvConverter {
            pipeline,
            layout,
            params,
            buffers: None,
        }
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
                "{width}x{height}: GPU YUV needs a width divisible by {YUV_BLOCK_WIDTH} and an even height"
            )));
        }
        if !matches!(&self.buffers, Some(b) if b.width == width && b.height == height) {
            let bytes = width as u64 * height as u64 * 3 / 2;
            let make = |label, usage| {
                ctx.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some(label),
                    size: bytes,
                    usage,
                    mapped_at_creation: false,
                })
            };
            self.buffers = Some(Buffers {
                width,
                height,
                planes: make(
                    "yuv planes",
                    wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
                ),
                readback: make(
                    "yuv readback",
                    wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
                ),
                bytes,
            });
        }
        let Some(buffers) = &self.buffers else {
            return Err(GpuError::Readback("no YUV buffers".into()));
        };
        let luma_words = width * height / 4;
        ctx.queue.write_buffer(
            &self.params,
            0,
            bytemuck::bytes_of(&YuvParams {
                width,
                height,
                u_offset: luma_words,
                v_offset: luma_words + luma_words / 4,
            }),
        );
        let bind_group = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("yuv"),
            layout: &self.layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: wgpu::BindingResource::TextureView(frame),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: buffers.planes.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: self.params.as_entire_binding(),
                },
            ],
        });
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("yuv"),
                timestamp_writes: None,
            });
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, &bind_group, &[]);
            // Workgroups of 8×8 invocations, each converting 8×2 pixels.
            pass.dispatch_workgroups((width / YUV_BLOCK_WIDTH).div_ceil(8), (height / 2).div_ceil(8), 1);
        }
        encoder.copy_buffer_to_buffer(&buffers.planes, 0, &buffers.readback, 0, buffers.bytes);
        Ok(())
    }

    /// Maps the readback buffer (after the submit of [`YuvConverter::encode`]'s commands) and copies the planes out.
    pub fn read(&self, ctx: &GpuContext) -> Result<Yuv420Image, GpuError> {
        let Some(buffers) = &self.buffers else {
            return Err(GpuError::Readback("no YUV buffers".into()));
        };
        let data = super::renderer::map_read(ctx, &buffers.readback)?.to_vec();
        buffers.readback.unmap();
        Ok(Yuv420Image {
            width: buffers.width,
            height: buffers.height,
            data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_match_the_shader_struct() {
        // YuvParams in shaders/yuv.wgsl: four u32.
        assert_eq!(std::mem::size_of::<YuvParams>(), 16);
        assert!(include_str!("../../shaders/yuv.wgsl").contains("v_offset: u32"));
    }

    #[test]
    fn supported_sizes() {
        assert!(gpu_yuv_supported(1920, 1080));
        assert!(gpu_yuv_supported(3840, 2160));
        assert!(!gpu_yuv_supported(854, 480));
        assert!(!gpu_yuv_supported(1920, 1081));
    }
}
