//! Pages as a PDF, through krilla: paths as PDF paths, strokes as strokes,
//! images as image XObjects, and glyphs that carry a
//! [`crate::snapshot::TextMark`] as real text in their font (krilla subsets
//! and embeds it, with a ToUnicode map, so `pdftotext` and a reader's
//! search find the words).

use std::collections::HashMap;

use glam::Affine2;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, LineCap as KCap, LineJoin, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;

use super::{image_transform, layer_frame, Page};
use crate::color::Color;
use crate::geom::{PathCmd, PathData};
use crate::snapshot::{LineCap, Paint, TextMark};
use crate::text::FontBook;

/// PDF points per page unit: a scene pixel is a CSS pixel, 1/96 in, so a
/// 1920×1080 figure is a 20 × 11.25 in page (`pdftoppm -r 96` gives its
/// pixels back).
pub const POINTS_PER_UNIT: f32 = 0.75;

/// The PDF of `pages`, titled `title`, its text set in `fonts`' fonts.
pub fn write(pages: &[Page<'_>], fonts: &FontBook, title: Option<&str>) -> Result<Vec<u8>, String> {
    let mut doc = Document::new();
    let mut meta = krilla::metadata::Metadata::new().creator(format!("anim {}", env!("CARGO_PKG_VERSION")));
    if let Some(t) = title {
        meta = meta.title(t.to_string());
    }
    doc.set_metadata(meta);
    let mut faces: HashMap<u8, Option<Font>> = HashMap::new();
    for page in pages {
        let settings = PageSettings::from_wh(page.width * POINTS_PER_UNIT, page.height * POINTS_PER_UNIT)
            .ok_or_else(|| format!("a {}×{} page is impossible", page.width, page.height))?;
        let mut p = doc.start_page_with(settings);
        let mut s = p.surface();
        s.push_transform(&Transform::from_scale(POINTS_PER_UNIT, POINTS_PER_UNIT));
        if page.background.a > 0.0 {
            let frame = PathData::rounded_rect(
                crate::geom::Rect {
                    min: glam::Vec2::ZERO,
                    max: glam::Vec2::new(page.width, page.height),
                },
                0.0,
            );
            fill_path(&mut s, &frame, page.background);
        }
        for layer in &page.layers {
            let clip = layer.clip.and_then(|r| path(&PathData::rounded_rect(r, 0.0)));
            if let Some(c) = &clip {
                s.push_clip_path(c, &FillRule::NonZero);
            }
            if layer.background && layer.snap.background.a > 0.0 {
                fill_path(&mut s, &layer_frame(layer), layer.snap.background);
            }
            s.push_transform(&transform(&layer.xf));
            for item in &layer.snap.items {
                match &item.paint {
                    Paint::Fill(c) => {
                        let font = item.text.as_deref().and_then(|m| {
                            faces
                                .entry(m.font)
                                .or_insert_with(|| {
                                    let bytes = fonts.font_bytes(m.font)?;
                                    Font::new(bytes.to_vec().into(), 0)
                                })
                                .clone()
                                .map(|f| (m, f))
                        });
                        match font {
                            Some((m, f)) => glyph(&mut s, m, f, *c),
                            None => fill_path(&mut s, &item.path, *c),
                        }
                    }
                    Paint::Stroke { color, width, cap } => {
                        let Some(kp) = path(&item.path) else { continue };
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: paint(*color),
                            width: *width,
                            miter_limit: 4.0,
                            line_cap: match cap {
                                LineCap::Butt => KCap::Butt,
                                LineCap::Round => KCap::Round,
                                LineCap::Square => KCap::Square,
                            },
                            line_join: LineJoin::Round,
                            opacity: opacity(color.a),
                            dash: None,
                        }));
                        s.draw_path(&kp);
                        s.set_stroke(None);
                    }
                    Paint::Image { image, opacity: o } => {
                        let img = &image.0;
                        let (Some(xf), Some(size)) = (
                            image_transform(&item.path, img.width, img.height),
                            Size::from_wh(img.width as f32, img.height as f32),
                        ) else {
                            continue;
                        };
                        s.push_transform(&transform(&xf));
                        s.push_opacity(opacity(*o));
                        let k = krilla::image::Image::from_rgba8(img.data.clone(), img.width, img.height);
                        s.draw_image(k, size);
                        s.pop();
                        s.pop();
                    }
                }
            }
            s.pop();
            if clip.is_some() {
                s.pop();
            }
        }
        s.pop();
        s.finish();
        p.finish();
    }
    doc.finish()
        .map_err(|e| format!("krilla could not write the PDF: {e:?}"))
}

/// One glyph as text: its font at its size, placed by its mark's transform.
fn glyph(s: &mut krilla::surface::Surface<'_>, m: &TextMark, font: Font, c: Color) {
    s.set_stroke(None);
    s.set_fill(Some(Fill {
        paint: paint(c),
        opacity: opacity(c.a),
        rule: FillRule::NonZero,
    }));
    s.push_transform(&transform(&m.xf));
    let glyph = |id: u16, text_range| KrillaGlyph {
        glyph_id: GlyphId::new(u32::from(id)),
        text_range,
        x_advance: 0.0,
        x_offset: 0.0,
        y_offset: 0.0,
        y_advance: 0.0,
        location: None,
    };
    let mut text = m.text.to_string();
    let mut glyphs = vec![glyph(m.glyph, 0..text.len())];
    // The space after the glyph, as a glyph of its own (it draws nothing),
    // so that copied and extracted text has it once.
    if let Some(sp) = m.space.as_ref().filter(|_| m.size > 0.0) {
        glyphs[0].x_advance = sp.dx / m.size;
        let start = text.len();
        text.push_str(&sp.text);
        glyphs.push(glyph(sp.glyph, start..text.len()));
    }
    s.draw_glyphs(Point::from_xy(0.0, 0.0), &glyphs, font, &text, m.size, false);
    s.pop();
}

fn fill_path(s: &mut krilla::surface::Surface<'_>, p: &PathData, c: Color) {
    let Some(kp) = path(p) else { return };
    s.set_stroke(None);
    s.set_fill(Some(Fill {
        paint: paint(c),
        opacity: opacity(c.a),
        rule: FillRule::NonZero,
    }));
    s.draw_path(&kp);
}

fn paint(c: Color) -> krilla::paint::Paint {
    let [r, g, b, _] = c.to_rgba8();
    rgb::Color::new(r, g, b).into()
}

fn opacity(a: f32) -> NormalizedF32 {
    NormalizedF32::new(a.clamp(0.0, 1.0)).unwrap_or(NormalizedF32::ONE)
}

fn transform(xf: &Affine2) -> Transform {
    let m = xf.matrix2;
    let t = xf.translation;
    Transform::from_row(m.x_axis.x, m.x_axis.y, m.y_axis.x, m.y_axis.y, t.x, t.y)
}

/// The path as krilla's; `None` when it has no segment.
fn path(p: &PathData) -> Option<krilla::geom::Path> {
    let mut b = PathBuilder::new();
    for c in &p.cmds {
        match *c {
            PathCmd::MoveTo(a) => b.move_to(a.x, a.y),
            PathCmd::LineTo(a) => b.line_to(a.x, a.y),
            PathCmd::QuadTo(a, e) => b.quad_to(a.x, a.y, e.x, e.y),
            PathCmd::CubicTo(a, c2, e) => b.cubic_to(a.x, a.y, c2.x, c2.y, e.x, e.y),
            PathCmd::Close => b.close(),
        }
    }
    b.finish()
}
