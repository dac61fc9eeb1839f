//! The GPU stage: a device ([`context`]) and a renderer that turns a tessellated
//! [`Mesh`](crate::tess::Mesh) into pixels ([`renderer`]).

pub mod context;
pub mod images;
pub mod renderer;
pub mod yuv;

pub use context::{BackendChoice, GpuContext, GpuError};
pub use renderer::{PixelRect, Redraw, RenderOptions, Renderer};
pub use yuv::{gpu_yuv_supported, Yuv420Image};
