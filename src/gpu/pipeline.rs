//! The one pipeline factory ([`create_pipeline`]) and the texture helpers
//! every pass shares. Every render pipeline in anim is made here from a
//! [`PipelineSpec`], so no pass copies a pipeline descriptor.

use super::context::{GpuContext, GpuError};

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
