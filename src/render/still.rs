//! The still: one snapshot drawn whole and written as a PNG, or its
//! display list written as a PDF or SVG ([`crate::vector`], no GPU).

use std::path::Path;

use super::formats::Format;
use super::job::{Job, Plan, RenderError};
use crate::eval::evaluate;
use crate::gpu::{DrawRequest, GpuContext, GpuError, Readback, Renderer};
use crate::image::RgbaImage;
use crate::output::{temp_path, TempGuard};
use crate::scene::Scene;
use crate::snapshot::Snapshot;
use crate::tess::tessellate;

/// Draws one snapshot whole at `width`×`height` pixels (un-premultiplied
/// when its background is not opaque).
pub fn draw(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    snap: &Snapshot,
    width: u32,
    height: u32,
) -> Result<RgbaImage, RenderError> {
    let scale = width as f32 / snap.width as f32;
    let mesh = tessellate(snap, scale, renderer.antialias())?;
    let req = DrawRequest {
        mesh: &mesh,
        viewport: [snap.width as f32, snap.height as f32],
        background: snap.background,
        size: (width, height),
        redraw: None,
    };
    let mut img = renderer
        .draw(ctx, &req, Readback::Rgba)?
        .into_rgba()
        .ok_or_else(|| GpuError::Readback("no pixels read back".into()))?;
    if snap.background.a < 1.0 {
        img.unpremultiply();
    }
    Ok(img)
}

/// Renders the still PNG at `t` to `path`, through a temporary file.
pub fn render_png(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    scene: &Scene,
    job: &Job,
    plan: &Plan,
    path: &Path,
) -> Result<(), RenderError> {
    let (w, h) = plan.size;
    let mut snap = evaluate(scene, plan.still);
    if job.transparent {
        snap.background = crate::color::Color::TRANSPARENT;
    }
    let img = draw(ctx, renderer, &snap, w, h)?;
    write_png(&img, path, job.dpi)
}

/// Writes the still at `plan.still` as a vector `format` (PDF or SVG) to
/// `path`, through a temporary file, at the plan's size (page units are
/// output pixels: a PDF's 0.75 pt).
pub fn render_vector(
    scene: &Scene,
    job: &Job,
    plan: &Plan,
    format: Format,
    path: &Path,
) -> Result<(), RenderError> {
    let mut snap = evaluate(scene, plan.still);
    if job.transparent {
        snap.background = crate::color::Color::TRANSPARENT;
    }
    let page = crate::vector::Page::still_at(&snap, plan.size);
    let failed = |message| RenderError::Format {
        format: format.name(),
        message,
    };
    let bytes = match format {
        Format::Pdf => {
            let title = scene.title.as_deref().unwrap_or(&scene.name);
            crate::vector::pdf::write(&[page], &scene.fonts, Some(title)).map_err(failed)?
        }
        Format::Svg => crate::vector::svg::write(&page).into_bytes(),
        other => return Err(failed(format!("{} is not a vector format", other.name()))),
    };
    write_file(&bytes, path)
}

/// Writes `bytes` to `path` through a temporary file, synced before the rename.
pub fn write_file(bytes: &[u8], path: &Path) -> Result<(), RenderError> {
    use std::io::Write;
    let guard = TempGuard::new(temp_path(path));
    let io = |source| RenderError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::create(&guard.path).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    guard.commit(path).map_err(io)?;
    Ok(())
}

/// Writes `img` as a PNG at `dpi` to `path`, through a temporary file.
pub fn write_png(img: &RgbaImage, path: &Path, dpi: u32) -> Result<(), RenderError> {
    let mut png = Vec::new();
    img.encode_png(&mut png, Some(dpi))
        .map_err(|e| RenderError::Png {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    write_file(&png, path)
}
