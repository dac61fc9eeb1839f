//! The preview window's GPU side ([`Gpu`]): the device, the window's
//! surface and the renderer, and how a frame gets from a snapshot onto the
//! screen (kept offscreen and redrawn incrementally, or drawn whole).

use std::sync::Arc;

use winit::dpi::PhysicalSize;
use winit::window::Window;

use super::frame;
use super::{say, PreviewError, PreviewOptions};
use crate::gpu::{GpuContext, GpuError, PixelRect, RenderOptions, Renderer, WindowDraw};
use crate::render::Frames;
use crate::snapshot::Snapshot;
use crate::tess::{tessellate_cached, Antialias, Mesh, TessCache};

/// The window's GPU side: device, configured surface and renderer.
///
/// The scene is drawn into the renderer's offscreen target, which is kept
/// between frames (swapchain images are not), like `anim render` does:
/// each frame redraws only the rectangles that changed since the frame
/// before ([`crate::damage`]), with the underlay where it pays, then the
/// target is copied into the surface texture and the panels (overlay,
/// timeline, error) are drawn over the copy. Where that cannot work (a
/// surface that takes no copies, a scene background that is not opaque)
/// every frame is drawn whole into the surface.
pub(super) struct Gpu {
    pub(super) ctx: GpuContext,
    surface: wgpu::Surface<'static>,
    pub(super) config: wgpu::SurfaceConfiguration,
    /// The renderer, and what its offscreen target holds ([`Frames`]).
    pub(super) frames: Frames,
    /// Triangles of scene items of frames drawn whole into the surface.
    cache: TessCache,
    /// Triangles of the panels' items.
    panel_cache: TessCache,
    /// Whether the surface accepts copies (`COPY_DST`), so frames can be kept offscreen.
    copies: bool,
}

/// What happened to a frame.
pub(super) enum Drawn {
    Presented,
    /// The surface was out of date and has been reconfigured: draw again.
    Retry,
    /// Nothing to draw on now (occluded, timeout).
    Skipped,
}

impl Gpu {
    pub(super) fn new(
        instance: wgpu::Instance,
        window: Arc<Window>,
        options: &PreviewOptions,
    ) -> Result<Gpu, PreviewError> {
        let surface = instance.create_surface(window.clone()).map_err(|e| {
            PreviewError::Window(format!("cannot create a drawing surface for the window: {e}"))
        })?;
        let ctx = GpuContext::with_instance(instance, options.backend)?;
        if options.verbose {
            say(&format!("adapter: {}", ctx.describe()));
        }
        if !ctx.adapter.is_surface_supported(&surface) {
            return Err(PreviewError::Window(format!(
                "the adapter {} cannot draw into this window; try --backend gl or --backend vulkan",
                ctx.describe()
            )));
        }
        let size = window.inner_size();
        let mut config = surface
            .get_default_config(&ctx.adapter, size.width.max(1), size.height.max(1))
            .ok_or_else(|| PreviewError::Window("the window's surface offers no format".into()))?;
        // The pipeline outputs linear light; an sRGB surface encodes it like the
        // PNG's Rgba8UnormSrgb target does. X11 offers Bgra8UnormSrgb.
        let caps = surface.get_capabilities(&ctx.adapter);
        match caps.formats.iter().find(|f| f.is_srgb()) {
            Some(f) => config.format = *f,
            None => say(&format!(
                "warning: the surface has no sRGB format ({:?}); colours will look darker than in the PNG",
                caps.formats
            )),
        }
        config.present_mode = wgpu::PresentMode::Fifo;
        let copies = caps.usages.contains(wgpu::TextureUsages::COPY_DST);
        if copies {
            config.usage |= wgpu::TextureUsages::COPY_DST;
        }
        surface.configure(&ctx.device, &config);
        // The same anti-aliasing as `anim render`'s default, so the window matches the PNG.
        let renderer = Renderer::with_format(&ctx, RenderOptions::default(), config.format);
        Ok(Gpu {
            ctx,
            surface,
            config,
            frames: Frames::new(renderer),
            cache: TessCache::new(),
            panel_cache: TessCache::new(),
            copies,
        })
    }

    /// Whether `snap` can be drawn offscreen and copied (see [`Gpu`]).
    fn keeps(&self, snap: &Snapshot) -> bool {
        self.copies && self.frames.antialias().samples() == 1 && snap.background.a >= 1.0
    }

    /// Forgets the kept frame and the underlay: the next frame is drawn
    /// whole (a reload or another scene: items are compared by content, but
    /// the underlay's would come from the old scene).
    pub(super) fn forget(&mut self) {
        self.frames.restart();
    }

    /// Brings the offscreen target to `snap` (item keys `keys`) at `size`
    /// pixels ([`Frames::draw_kept`] decides what to redraw).
    fn update_kept(&mut self, snap: Snapshot, keys: Vec<u64>, size: (u32, u32)) -> Result<(), FrameError> {
        self.frames
            .draw_kept(&self.ctx, snap, keys, size)
            .map_err(render_error)
    }

    pub(super) fn size(&self) -> (u32, u32) {
        (self.config.width, self.config.height)
    }

    pub(super) fn resize(&mut self, size: PhysicalSize<u32>) {
        if size.width > 0 && size.height > 0 && (size.width, size.height) != self.size() {
            self.config.width = size.width;
            self.config.height = size.height;
            self.surface.configure(&self.ctx.device, &self.config);
        }
    }

    /// Shows `snap` (item keys `keys`) in `rect` of the window with the
    /// panels `panels` (a snapshot of the scene's size, transparent, drawn
    /// over it) and presents the frame.
    pub(super) fn draw(
        &mut self,
        snap: Snapshot,
        keys: Vec<u64>,
        panels: &Snapshot,
        rect: PixelRect,
    ) -> Result<Drawn, FrameError> {
        if !self.keeps(&snap) {
            self.frames.restart();
            let mut whole = snap;
            frame::with_background(&mut whole);
            whole.items.extend(panels.items.iter().cloned());
            return self.draw_whole(&whole, rect);
        }
        let size = (rect.width as u32, rect.height as u32);
        self.update_kept(snap, keys, size)?;
        let mesh = window_mesh(panels, rect, self.frames.antialias(), &mut self.panel_cache)?;
        let (texture, suboptimal) = match self.next_texture()? {
            Ok(t) => t,
            Err(drawn) => return Ok(drawn),
        };
        let view = texture.texture.create_view(&Default::default());
        let mut encoder = self.ctx.device.create_command_encoder(&Default::default());
        let (w, h) = self.size();
        if (rect.x, rect.y, size) != (0.0, 0.0, (w, h)) {
            Renderer::encode_clear(&mut encoder, &view, frame::SURROUND);
        }
        if !self.frames.renderer().copy_target(
            &mut encoder,
            size,
            &texture.texture,
            (rect.x as u32, rect.y as u32),
        ) {
            return Err(FrameError::Fatal(PreviewError::Window(
                "the preview's offscreen frame went missing".into(),
            )));
        }
        if !panels.items.is_empty() {
            let viewport = [panels.width as f32, panels.height as f32];
            let over = WindowDraw {
                mesh: &mesh,
                viewport,
                rect,
                surface: &view,
                size: (w, h),
                clear: None,
            };
            self.frames
                .encode_window(&self.ctx, &mut encoder, &over)
                .map_err(|e| FrameError::Fatal(e.into()))?;
        }
        self.ctx.queue.submit([encoder.finish()]);
        Ok(self.present(texture, suboptimal))
    }

    /// The next surface texture and whether it is suboptimal, or what
    /// became of the frame when there is none to draw on now.
    #[allow(clippy::type_complexity)]
    fn next_texture(&mut self) -> Result<Result<(wgpu::SurfaceTexture, bool), Drawn>, FrameError> {
        match self.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(t) => Ok(Ok((t, false))),
            wgpu::CurrentSurfaceTexture::Suboptimal(t) => Ok(Ok((t, true))),
            wgpu::CurrentSurfaceTexture::Timeout | wgpu::CurrentSurfaceTexture::Occluded => {
                Ok(Err(Drawn::Skipped))
            }
            wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Lost => {
                // The kept frame is offscreen and stays valid.
                self.surface.configure(&self.ctx.device, &self.config);
                Ok(Err(Drawn::Retry))
            }
            wgpu::CurrentSurfaceTexture::Validation => Err(FrameError::Fatal(PreviewError::Window(
                "the window surface rejected the frame (validation error)".into(),
            ))),
        }
    }

    fn present(&mut self, texture: wgpu::SurfaceTexture, suboptimal: bool) -> Drawn {
        self.ctx.queue.present(texture);
        if suboptimal {
            self.surface.configure(&self.ctx.device, &self.config);
        }
        Drawn::Presented
    }

    /// Draws `snap` (with its background and panels as items) whole into
    /// `rect` of the next surface texture and presents it.
    fn draw_whole(&mut self, snap: &Snapshot, rect: PixelRect) -> Result<Drawn, FrameError> {
        let mesh = window_mesh(snap, rect, self.frames.antialias(), &mut self.cache)?;
        let (texture, suboptimal) = match self.next_texture()? {
            Ok(t) => t,
            Err(drawn) => return Ok(drawn),
        };
        let view = texture.texture.create_view(&Default::default());
        let mut encoder = self.ctx.device.create_command_encoder(&Default::default());
        let whole = WindowDraw {
            mesh: &mesh,
            viewport: [snap.width as f32, snap.height as f32],
            rect,
            surface: &view,
            size: self.size(),
            clear: Some(frame::SURROUND),
        };
        self.frames
            .encode_window(&self.ctx, &mut encoder, &whole)
            .map_err(|e| FrameError::Fatal(e.into()))?;
        self.ctx.queue.submit([encoder.finish()]);
        Ok(self.present(texture, suboptimal))
    }
}

/// The triangles of all of `snap`'s items at the scale `rect` shows it at
/// (`cache` keeps those of items unchanged since the last call).
fn window_mesh(
    snap: &Snapshot,
    rect: PixelRect,
    aa: Antialias,
    cache: &mut TessCache,
) -> Result<Mesh, FrameError> {
    tessellate_cached(
        snap,
        rect.width / snap.width.max(1) as f32,
        aa,
        cache,
        0..snap.items.len(),
        None,
    )
    .map_err(|e| FrameError::Soft(e.to_string()))
}

/// A render error of the kept-frame path: the GPU's are fatal, the rest
/// (a path lyon rejects) only lose this frame.
fn render_error(e: crate::render::RenderError) -> FrameError {
    match e {
        crate::render::RenderError::Gpu(e) => FrameError::Fatal(e.into()),
        e => FrameError::Soft(e.to_string()),
    }
}

/// Why a frame was not drawn.
pub(super) enum FrameError {
    /// This frame cannot be drawn (a path lyon rejects); the window stays open.
    Soft(String),
    /// The window or GPU is gone.
    Fatal(PreviewError),
}

impl From<GpuError> for FrameError {
    fn from(e: GpuError) -> Self {
        FrameError::Fatal(e.into())
    }
}
