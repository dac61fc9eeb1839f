//! The GPU stage: a device ([`context`]) and a renderer that turns a tessellated
//! [`Mesh`](crate::tess::Mesh) into pixels ([`renderer`]), through the fill
//! pass ([`fill`]) and the image pass ([`images`]), with pipelines from one
//! factory ([`pipeline`]), frames read back by [`readback`] or converted to
//! yuv420p first ([`yuv`]).

pub mod context;
pub mod fill;
pub mod images;
pub mod pipeline;
pub mod readback;
pub mod renderer;
pub mod yuv;

pub use context::{BackendChoice, GpuContext, GpuError};
pub use fill::PixelRect;
pub use renderer::{DrawRequest, Drawn, Readback, Redraw, RenderOptions, Renderer, WindowDraw};
pub use yuv::gpu_yuv_supported;
