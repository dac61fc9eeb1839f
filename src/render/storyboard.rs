//! The storyboard (`--format storyboard`): the scene's key moments side by
//! side for the printed page, as `NAME.storyboard.png` and
//! `NAME.storyboard.pdf`.
//!
//! The moments are the scene file's (`storyboard.times`, else its
//! `Keyframe` steps, [`crate::scene::Storyboard`]) or, when it marks none,
//! the ends of the timeline's holds ([`moments`]). They are laid out in a
//! grid ([`grid`]), each panel with a chip holding its number, its time and
//! its caption, in the theme's colours and fonts. The PNG is drawn by the
//! GPU: each panel rendered at its cell's size, then the sheet with the
//! panels as images. The PDF is vectors: each panel is the moment's display
//! list clipped to its cell ([`crate::vector::Page`]), text still text.

use std::path::PathBuf;

use glam::{Affine2, Vec2};

use super::job::{Job, Plan, RenderError};
use super::still::{draw, write_file, write_png};
use crate::color::Color;
use crate::eval::evaluate;
use crate::geom::{PathData, Rect};
use crate::gpu::{GpuContext, Renderer};
use crate::scene::{Moment, Scene};
use crate::snapshot::{DrawItem, ImageRef, Paint, Snapshot};
use crate::text::{Align, FontBook, TextStyle, Weight};

/// A hold shorter than this is a pause between two steps, not a moment.
pub const MIN_HOLD: f64 = 0.3;
/// The most moments chosen from the holds (the longest holds are kept).
pub const MAX_AUTO_MOMENTS: usize = 12;
/// The moments of a timeline with no hold.
pub const EVEN_MOMENTS: usize = 6;

/// The moments a storyboard shows: the scene file's, else the ends of the
/// timeline's holds (a stretch of at least [`MIN_HOLD`] s in which nothing
/// moves, shown just before the next step starts), from the first step on
/// (the opening, before anything happened, is left out), and the final
/// frame. At most [`MAX_AUTO_MOMENTS`] are chosen; when there are more
/// holds, the longest are kept, in time order. A timeline with no hold (it
/// moves all the time) gets [`EVEN_MOMENTS`] moments evenly spaced, the
/// last the final frame.
pub fn moments(scene: &Scene) -> Vec<Moment> {
    if !scene.storyboard.moments.is_empty() {
        return scene.storyboard.moments.clone();
    }
    let mut busy: Vec<(f64, f64)> = scene.steps.iter().map(|s| (s.start, s.start + s.dur)).collect();
    busy.extend(scene.camera.iter().map(|c| (c.start, c.start + c.dur)));
    if let Some(live) = &scene.live {
        busy.extend(live.live.tracks.iter().map(|v| (v.start, v.start + v.dur)));
    }
    busy.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Merged: the stretches in which something moves.
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (a, b) in busy {
        match merged.last_mut() {
            Some(last) if a <= last.1 + 1e-6 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let frame = 1.0 / f64::from(scene.fps.max(1));
    // (hold length, the moment just before the next step starts)
    let mut holds: Vec<(f64, f64)> = merged
        .windows(2)
        .filter(|w| w[1].0 - w[0].1 >= MIN_HOLD)
        .map(|w| (w[1].0 - w[0].1, (w[1].0 - frame).max(w[0].1)))
        .collect();
    if holds.len() + 1 > MAX_AUTO_MOMENTS {
        holds.sort_by(|a, b| b.0.total_cmp(&a.0));
        holds.truncate(MAX_AUTO_MOMENTS - 1);
    }
    if holds.is_empty() {
        return (1..=EVEN_MOMENTS)
            .map(|k| Moment {
                t: scene.duration * k as f64 / EVEN_MOMENTS as f64,
                label: None,
            })
            .collect();
    }
    let mut times: Vec<f64> = holds.into_iter().map(|(_, t)| t).collect();
    times.sort_by(f64::total_cmp);
    times.push(scene.duration);
    times
        .into_iter()
        .map(|t| Moment {
            t: t.clamp(0.0, scene.duration),
            label: None,
        })
        .collect()
}

/// Where the panels and their captions go on the sheet, in output pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub width: u32,
    pub height: u32,
    /// Each panel's rectangle, whole pixels.
    pub panels: Vec<Rect>,
    /// The caption's text size, and the height of the band under each panel it sits in.
    pub font_size: f32,
    pub band: f32,
}

/// The grid of `n` panels of a `width`×`height` picture on a sheet
/// `width` wide: `columns` per row (default 3; 2 for four panels, one row
/// for fewer), margins and gaps a fortieth and a fiftieth of the width.
pub fn grid(n: usize, columns: Option<u32>, (width, height): (u32, u32)) -> Grid {
    let n = n.max(1);
    let c = match columns {
        Some(c) => (c as usize).clamp(1, n),
        None if n == 4 => 2,
        None => n.min(3),
    };
    let rows = n.div_ceil(c);
    let w = width as f32;
    let margin = (w / 40.0).round();
    let gap = (w / 50.0).round();
    let pw = ((w - 2.0 * margin - (c as f32 - 1.0) * gap) / c as f32)
        .floor()
        .max(1.0);
    let ph = (pw * height as f32 / width.max(1) as f32).round().max(1.0);
    let band = (pw * 0.075).clamp(18.0, (w / 30.0).max(18.0)).round();
    let font_size = (band * 0.5).round();
    let panels = (0..n)
        .map(|i| {
            let (col, row) = ((i % c) as f32, (i / c) as f32);
            let min = Vec2::new(margin + col * (pw + gap), margin + row * (ph + band + gap));
            Rect {
                min,
                max: min + Vec2::new(pw, ph),
            }
        })
        .collect();
    let sheet_h = 2.0 * margin + rows as f32 * (ph + band) + (rows as f32 - 1.0) * gap;
    Grid {
        width,
        height: sheet_h as u32,
        panels,
        font_size,
        band,
    }
}

/// The sheet without its panels: each panel's frame and caption (a chip
/// with its number, the time, the label), in the theme's colours.
pub fn decorations(scene: &Scene, grid: &Grid, moments: &[Moment], background: Color) -> Snapshot {
    let palette = &scene.theme.palette;
    let mut s = Snapshot::new(grid.width, grid.height, background);
    let fs = grid.font_size;
    for (i, (rect, m)) in grid.panels.iter().zip(moments).enumerate() {
        s.stroke(PathData::rounded_rect(*rect, 0.0), palette.line, 1.5);
        let mid = rect.max.y + grid.band / 2.0;
        let r = fs * 0.8;
        let centre = Vec2::new(rect.min.x + r, mid);
        s.fill(PathData::ellipse(centre, Vec2::splat(r)), palette.primary);
        let bold = TextStyle {
            weight: Weight::SemiBold,
            size: fs * 0.9,
            align: Align::Left,
            ..TextStyle::default()
        };
        text(
            &mut s,
            &scene.fonts,
            &(i + 1).to_string(),
            &bold,
            centre,
            true,
            palette.surface,
        );
        let when = format!(
            "{} s",
            crate::numfmt::format((m.t * 10.0).round() / 10.0, crate::numfmt::Format::Auto)
        );
        let style = TextStyle {
            size: fs,
            ..TextStyle::default()
        };
        // A label the fonts cannot set (an emoji) leaves the time alone.
        let caption = match &m.label {
            Some(l) if !l.is_empty() => Some(format!("{when} · {l}"))
                .filter(|c| scene.fonts.layout(c, &style).is_ok())
                .unwrap_or(when),
            _ => when,
        };
        let left = centre.x + r + fs * 0.5;
        let fitted = fit(&scene.fonts, &caption, &style, rect.max.x - left);
        text(
            &mut s,
            &scene.fonts,
            &fitted,
            &style,
            Vec2::new(left, mid),
            false,
            palette.muted,
        );
    }
    s
}

/// `s` cut (with "…") to fit `width` in `style`: the longest prefix that
/// fits, found by halving.
fn fit(fonts: &FontBook, s: &str, style: &TextStyle, width: f32) -> String {
    let wide = |t: &str| fonts.layout(t, style).map(|l| l.size.x).unwrap_or(f32::INFINITY);
    if wide(s) <= width {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let cut = |k: usize| format!("{}…", chars[..k].iter().collect::<String>().trim_end());
    let (mut lo, mut hi) = (0, chars.len());
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if wide(&cut(mid)) <= width {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    if lo == 0 {
        String::new()
    } else {
        cut(lo)
    }
}

/// Lays out `s` and adds its glyphs to `snap` as text: its block starting
/// at `at.x`, centred on `at.y` (and on `at.x` too when `centred`).
fn text(
    snap: &mut Snapshot,
    fonts: &FontBook,
    s: &str,
    style: &TextStyle,
    at: Vec2,
    centred: bool,
    color: Color,
) {
    let Ok(l) = fonts.layout(s, style) else { return };
    let x = if centred { at.x - l.size.x / 2.0 } else { at.x };
    let xf = Affine2::from_translation(Vec2::new(x, at.y - l.size.y / 2.0));
    for g in &l.glyphs {
        snap.fill_text(g.path.transformed(&xf), color, Some(g.text_mark(&xf)));
    }
}

/// The sheet's background and each moment's snapshot (transparent ones with `--transparent`).
fn snapshots(scene: &Scene, job: &Job, moments: &[Moment]) -> (Color, Vec<Snapshot>) {
    let background = if job.transparent {
        Color::TRANSPARENT
    } else {
        scene.background
    };
    let snaps = moments
        .iter()
        .map(|m| {
            let mut s = evaluate(scene, m.t);
            s.background = background;
            s
        })
        .collect();
    (background, snaps)
}

/// Renders the storyboard to `paths` (the PNG, then the PDF), each through
/// a temporary file.
pub fn render_storyboard(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    scene: &Scene,
    job: &Job,
    plan: &Plan,
    [png, pdf]: &[PathBuf; 2],
) -> Result<(), RenderError> {
    let moments = moments(scene);
    let grid = grid(moments.len(), scene.storyboard.columns, plan.size);
    if grid.height > crate::scene::limits::MAX_SIDE {
        return Err(RenderError::Format {
            format: "storyboard",
            message: format!(
                "{} panels make a sheet {} px tall, more than {}: give fewer moments or more columns",
                moments.len(),
                grid.height,
                crate::scene::limits::MAX_SIDE
            ),
        });
    }
    let (background, snaps) = snapshots(scene, job, &moments);
    let deco = decorations(scene, &grid, &moments, background);

    // The PNG: each panel drawn at its size, then the sheet with the panels as images.
    let mut sheet = Snapshot::new(grid.width, grid.height, background);
    for (snap, rect) in snaps.iter().zip(&grid.panels) {
        let size = rect.size();
        let img = draw(ctx, renderer, snap, size.x as u32, size.y as u32)?;
        let quad = [
            rect.min,
            Vec2::new(rect.max.x, rect.min.y),
            rect.max,
            Vec2::new(rect.min.x, rect.max.y),
        ];
        sheet.items.push(DrawItem {
            path: PathData::polyline(&quad, true).into(),
            paint: Paint::Image {
                image: ImageRef::new(img),
                opacity: 1.0,
            },
            text: None,
        });
    }
    sheet.items.extend(deco.items.iter().cloned());
    let img = draw(ctx, renderer, &sheet, grid.width, grid.height)?;
    write_png(&img, png, job.dpi)?;

    // The PDF: the same sheet as vectors, each panel its moment clipped to its cell.
    let mut layers: Vec<crate::vector::Layer<'_>> = snaps
        .iter()
        .zip(&grid.panels)
        .map(|(snap, rect)| crate::vector::Layer {
            snap,
            xf: Affine2::from_translation(rect.min)
                * Affine2::from_scale(rect.size() / Vec2::new(snap.width as f32, snap.height as f32)),
            clip: Some(*rect),
            background: true,
        })
        .collect();
    layers.push(crate::vector::Layer {
        snap: &deco,
        xf: Affine2::IDENTITY,
        clip: None,
        background: false,
    });
    let page = crate::vector::Page {
        width: grid.width as f32,
        height: grid.height as f32,
        background,
        layers,
    };
    let title = scene.title.as_deref().unwrap_or(&scene.name);
    let bytes = crate::vector::pdf::write(&[page], &scene.fonts, Some(title)).map_err(|message| {
        RenderError::Format {
            format: "storyboard",
            message,
        }
    })?;
    write_file(&bytes, pdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_fit_their_panels_in_rows() {
        let g = grid(6, None, (1920, 1080));
        assert_eq!(g.panels.len(), 6);
        assert_eq!(g.width, 1920);
        // Three columns, two rows, 16:9 panels inside the margins.
        let p = g.panels[5];
        assert!(p.max.x <= 1920.0 - 48.0 + 0.5, "{p:?}");
        assert!(p.max.y + g.band <= g.height as f32, "{p:?} {}", g.height);
        let s = g.panels[0].size();
        assert!((s.x / s.y - 16.0 / 9.0).abs() < 0.01, "{s:?}");
        assert_eq!(
            g.panels[3].min.x, g.panels[0].min.x,
            "row two starts under row one"
        );
        // Four panels make two by two; one column if asked.
        assert_eq!(grid(4, None, (1920, 1080)).panels[2].min.x, 48.0);
        let tall = grid(3, Some(1), (1920, 1080));
        assert!(tall.panels[1].min.y > tall.panels[0].max.y);
        assert_eq!(
            grid(2, Some(9), (1920, 1080)).panels[1].min.y,
            48.0,
            "columns beyond n are one row"
        );
    }
}
