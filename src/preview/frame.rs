//! What the window shows, as plain CPU data: where the scene sits in the
//! window ([`fit`]), and the snapshot items appended for the scene
//! background, the status overlay and the error panel (the timeline bar
//! is in [`super::timeline`]).
//!
//! Panels are ordinary [`Snapshot`] items (rounded rectangles and glyph
//! outlines from [`FontBook::layout`]), so they go through the same
//! tessellator and pipeline as the scene. They are sized in *window* pixels:
//! `px` is the number of scene units per window pixel, so the text stays
//! 13 px tall however large the window is.

use glam::{Affine2, Vec2};

use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::gpu::PixelRect;
use crate::snapshot::{DrawItem, Paint, Snapshot};
use crate::text::{Family, FontBook, TextStyle, Weight};

/// The window's colour around a letterboxed scene (dark grey).
pub const SURROUND: Color = Color::rgba(0.125, 0.125, 0.125, 1.0);
/// Text size of the panels, in window pixels.
pub const TEXT_PX: f32 = 13.0;
/// Margin between a panel and the scene's edge, and padding inside a panel, in window pixels.
const MARGIN_PX: f32 = 8.0;
const PADDING_PX: f32 = 7.0;
// Blending is in linear light, where 80% black over white still reads as mid
// grey (sRGB 0.48, a 3.7:1 contrast with the text); 92% is sRGB 0.31 at worst,
// above 7:1 over any content.
const OVERLAY_PANEL: Color = Color::rgba(0.0, 0.0, 0.0, 0.92);
const OVERLAY_TEXT: Color = Color::rgba(0.94, 0.94, 0.94, 1.0);
const ERROR_PANEL: Color = Color::rgba(0.70, 0.09, 0.09, 0.96);
const ERROR_TEXT: Color = Color::WHITE;
/// Most lines of an error shown in the window (the rest is on stderr).
pub const ERROR_LINES: usize = 8;

/// The largest rectangle with the scene's aspect ratio centred in a
/// `window` of pixels, on whole pixels (so the scene's edges are sharp).
pub fn fit(scene: (u32, u32), window: (u32, u32)) -> PixelRect {
    let (sw, sh) = (scene.0.max(1) as f64, scene.1.max(1) as f64);
    let (ww, wh) = (window.0 as f64, window.1 as f64);
    let k = (ww / sw).min(wh / sh);
    let (w, h) = ((sw * k).round().min(ww), (sh * k).round().min(wh));
    PixelRect {
        x: ((ww - w) / 2.0).floor() as f32,
        y: ((wh - h) / 2.0).floor() as f32,
        width: w.max(1.0) as f32,
        height: h.max(1.0) as f32,
    }
}

/// Puts the scene's background under every item as a rectangle: the window
/// is cleared to [`SURROUND`], so the background must be painted.
pub fn with_background(snap: &mut Snapshot) {
    if snap.background.a > 0.0 {
        let rect = Rect {
            min: Vec2::ZERO,
            max: Vec2::new(snap.width as f32, snap.height as f32),
        };
        snap.items.insert(
            0,
            DrawItem {
                path: std::sync::Arc::new(PathData::rounded_rect(rect, 0.0)),
                paint: Paint::Fill(snap.background),
                text: None,
            },
        );
    }
}

/// What the status overlay reports.
#[derive(Clone, Debug)]
pub struct Status<'a> {
    pub t: f64,
    pub duration: f64,
    pub frame: u64,
    pub frames: u64,
    pub scene: &'a str,
    /// Frames presented per second recently (`None` until measured).
    pub fps: Option<f64>,
    pub playing: bool,
    pub speed: f64,
    pub looping: bool,
}

impl Status<'_> {
    /// The overlay's two lines.
    pub fn text(&self) -> String {
        let fps = match self.fps {
            Some(f) => format!("{f:.0} fps"),
            None => "-- fps".into(),
        };
        let speed = if self.speed >= 1.0 {
            format!("{}x", self.speed)
        } else {
            format!("1/{}x", (1.0 / self.speed).round())
        };
        format!(
            "{:.2} / {:.2} s   frame {} / {}\n{}   {}  {}{}   {}",
            self.t,
            self.duration,
            self.frame,
            self.frames.saturating_sub(1),
            self.scene,
            if self.playing { "playing" } else { "paused" },
            speed,
            if self.looping { "  loop" } else { "" },
            fps
        )
    }
}

/// Text laid out for a panel: outlines in window pixels, and their box.
struct Block {
    glyphs: Vec<PathData>,
    size: Vec2,
}

fn style() -> TextStyle {
    TextStyle {
        family: Family::Mono,
        weight: Weight::Regular,
        size: TEXT_PX,
        line_height: 1.35,
        ..TextStyle::default()
    }
}

/// Lays out `text` in the panel font. A character the font lacks (an error
/// message may quote anything) is shown as `?` rather than losing the text.
fn layout(fonts: &FontBook, text: &str) -> Option<Block> {
    let style = style();
    let layout = fonts.layout(text, &style).ok().or_else(|| {
        let ascii: String = text.chars().map(|c| if c.is_ascii() { c } else { '?' }).collect();
        fonts.layout(&ascii, &style).ok()
    })?;
    Some(Block {
        glyphs: layout.glyphs.into_iter().map(|g| g.path).collect(),
        size: layout.size,
    })
}

/// Paints a panel whose top-left corner is at `at` (scene units) holding `block`.
fn panel(
    snap: &mut Snapshot,
    block: Block,
    at: Vec2,
    width_px: Option<f32>,
    px: f32,
    colors: (Color, Color),
) {
    let size = Vec2::new(
        width_px.unwrap_or(block.size.x + 2.0 * PADDING_PX),
        block.size.y + 2.0 * PADDING_PX,
    );
    let rect = Rect {
        min: at,
        max: at + size * px,
    };
    snap.fill(PathData::rounded_rect(rect, 4.0 * px), colors.0);
    let xf =
        Affine2::from_translation(at + Vec2::splat(PADDING_PX * px)) * Affine2::from_scale(Vec2::splat(px));
    for g in block.glyphs {
        snap.fill(g.transformed(&xf), colors.1);
    }
}

/// Appends the status overlay in the scene's bottom-right corner, with its
/// bottom edge at `bottom` (scene units; the scene's height, or the top of
/// the error panel): figures put their title at the top, and the corner
/// keeps it clear of it.
pub fn overlay(snap: &mut Snapshot, fonts: &FontBook, status: &Status<'_>, px: f32, bottom: f32) {
    if let Some(block) = layout(fonts, &status.text()) {
        let size = (block.size + Vec2::splat(2.0 * PADDING_PX)) * px;
        let at = Vec2::new(
            (snap.width as f32 - MARGIN_PX * px - size.x).max(0.0),
            (bottom - MARGIN_PX * px - size.y).max(0.0),
        );
        panel(snap, block, at, None, px, (OVERLAY_PANEL, OVERLAY_TEXT));
    }
}

/// Appends a red panel with its bottom edge at `bottom` (scene units: the
/// scene's height, or the top of the timeline bar) with the first
/// [`ERROR_LINES`] lines of `message`, each cut to the panel's width;
/// returns the panel's top edge (scene units).
pub fn error_panel(snap: &mut Snapshot, fonts: &FontBook, message: &str, px: f32, bottom: f32) -> f32 {
    let width_px = snap.width as f32 / px - 2.0 * MARGIN_PX;
    // Mono: every character has the advance of "0".
    let advance = layout(fonts, "0")
        .map(|b| b.size.x)
        .unwrap_or(TEXT_PX * 0.6)
        .max(1.0);
    let columns = (((width_px - 2.0 * PADDING_PX) / advance).floor() as usize).max(8);
    let mut lines: Vec<String> = Vec::new();
    for line in std::iter::once("reload failed; showing the last good frame:").chain(message.lines()) {
        if lines.len() == ERROR_LINES {
            break;
        }
        let n = line.chars().count();
        lines.push(if n > columns {
            let cut: String = line.chars().take(columns.saturating_sub(1)).collect();
            format!("{cut}…")
        } else {
            line.to_string()
        });
    }
    let Some(block) = layout(fonts, &lines.join("\n")) else {
        return bottom;
    };
    let height = (block.size.y + 2.0 * PADDING_PX) * px;
    let at = Vec2::new(MARGIN_PX * px, (bottom - MARGIN_PX * px - height).max(0.0));
    panel(snap, block, at, Some(width_px), px, (ERROR_PANEL, ERROR_TEXT));
    at.y
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_the_aspect_ratio_centred() {
        let r = fit((1920, 1080), (960, 540));
        assert_eq!((r.x, r.y, r.width, r.height), (0.0, 0.0, 960.0, 540.0));
        // Too wide: bars left and right.
        let r = fit((1920, 1080), (1000, 540));
        assert_eq!((r.x, r.y, r.width, r.height), (20.0, 0.0, 960.0, 540.0));
        // Too tall: bars above and below.
        let r = fit((320, 180), (320, 400));
        assert_eq!((r.x, r.y, r.width, r.height), (0.0, 110.0, 320.0, 180.0));
        // A tiny window still gets a one-pixel scene.
        let r = fit((320, 180), (1, 1));
        assert!(r.width >= 1.0 && r.height >= 1.0);
    }

    #[test]
    fn background_goes_first() {
        let mut s = Snapshot::new(10, 10, Color::WHITE);
        s.fill(
            PathData::ellipse(Vec2::splat(5.0), Vec2::splat(2.0)),
            Color::BLACK,
        );
        with_background(&mut s);
        assert_eq!(s.items.len(), 2);
        assert_eq!(s.items[0].paint, Paint::Fill(Color::WHITE));
        let mut t = Snapshot::new(10, 10, Color::TRANSPARENT);
        with_background(&mut t);
        assert!(t.items.is_empty());
    }

    #[test]
    fn status_text_reads_well() {
        let s = Status {
            t: 1.0,
            duration: 2.0,
            frame: 30,
            frames: 60,
            scene: "01-mini",
            fps: Some(59.7),
            playing: false,
            speed: 0.5,
            looping: true,
        };
        assert_eq!(
            s.text(),
            "1.00 / 2.00 s   frame 30 / 59\n01-mini   paused  1/2x  loop   60 fps"
        );
    }

    #[test]
    fn panels_are_drawn_with_the_shipped_fonts() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let fonts = FontBook::load(&root.join("assets/fonts")).unwrap();
        let mut s = Snapshot::new(320, 180, Color::WHITE);
        let status = Status {
            t: 0.0,
            duration: 1.0,
            frame: 0,
            frames: 30,
            scene: "ação ✓",
            fps: None,
            playing: true,
            speed: 1.0,
            looping: false,
        };
        let long = format!("scenes/x.ron:3:7: {}\nsecond line", "word ".repeat(100));
        let top = error_panel(&mut s, &fonts, &long, 1.0, 180.0);
        let n = s.items.len();
        assert!(n > 20, "panel and glyphs: {n}");
        overlay(&mut s, &fonts, &status, 1.0, top);
        assert!(s.items.len() > n + 20);
        // The overlay sits in the bottom-right corner above the error panel…
        let overlay_box = s.items[n].path.bounds().unwrap();
        assert!(
            overlay_box.max.y <= top && overlay_box.max.x > 300.0,
            "{overlay_box:?}"
        );
        // …and, with no error, in the bottom half: clear of the title at the top.
        let mut alone = Snapshot::new(320, 180, Color::WHITE);
        overlay(&mut alone, &fonts, &status, 1.0, 180.0);
        let b = alone.items[0].path.bounds().unwrap();
        assert!(b.min.y > 90.0 && b.max.y <= 180.0 && b.max.x > 300.0, "{b:?}");
        // Everything stays inside the scene.
        for item in &s.items {
            let b = item.path.bounds().unwrap();
            assert!(
                b.min.x >= 0.0 && b.max.x <= 320.0 && b.min.y >= 0.0 && b.max.y <= 180.0,
                "{b:?}"
            );
        }
    }
}
