//! A page as SVG 1.1: one `<path>` per filled or stroked item, images as
//! embedded PNGs, text as its glyph outlines. Pure: a string from a page.

use std::fmt::Write;

use base64::Engine;
use glam::Affine2;

use super::{image_transform, layer_frame, Page};
use crate::color::Color;
use crate::geom::{PathCmd, PathData};
use crate::snapshot::{LineCap, Paint};

/// The SVG of `page`. An image that cannot be encoded is left out (the
/// encoder only fails on an empty image, which paints nothing).
pub fn write(page: &Page<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let (w, h) = (num(page.width), num(page.height));
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#
    );
    if page.background.a > 0.0 {
        let _ = writeln!(
            out,
            r#"<rect width="{w}" height="{h}"{}/>"#,
            fill_attrs(page.background)
        );
    }
    for (k, layer) in page.layers.iter().enumerate() {
        let clip = layer.clip.map(|r| {
            let _ = writeln!(
                out,
                r#"<clipPath id="c{k}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"#,
                num(r.min.x),
                num(r.min.y),
                num(r.size().x),
                num(r.size().y)
            );
            format!(r#" clip-path="url(#c{k})""#)
        });
        let _ = writeln!(out, "<g{}>", clip.unwrap_or_default());
        if layer.background && layer.snap.background.a > 0.0 {
            let d = path_data(&layer_frame(layer));
            let _ = writeln!(out, r#"<path d="{d}"{}/>"#, fill_attrs(layer.snap.background));
        }
        let _ = writeln!(out, r#"<g transform="{}">"#, matrix(&layer.xf));
        for item in &layer.snap.items {
            match &item.paint {
                Paint::Fill(c) => {
                    let _ = writeln!(out, r#"<path d="{}"{}/>"#, path_data(&item.path), fill_attrs(*c));
                }
                Paint::Stroke { color, width, cap } => {
                    let cap = match cap {
                        LineCap::Butt => "butt",
                        LineCap::Round => "round",
                        LineCap::Square => "square",
                    };
                    let _ = writeln!(
                        out,
                        r#"<path d="{}" fill="none" stroke="{}"{} stroke-width="{}" stroke-linecap="{cap}" stroke-linejoin="round"/>"#,
                        path_data(&item.path),
                        hex(*color),
                        opacity_attr("stroke-opacity", color.a),
                        num(*width)
                    );
                }
                Paint::Image { image, opacity } => {
                    let img = &image.0;
                    let Some(xf) = image_transform(&item.path, img.width, img.height) else {
                        continue;
                    };
                    let mut png = Vec::new();
                    if img.encode_png(&mut png, None).is_err() {
                        continue;
                    }
                    let data = base64::engine::general_purpose::STANDARD.encode(&png);
                    let _ = writeln!(
                        out,
                        r#"<image width="{}" height="{}" transform="{}"{} preserveAspectRatio="none" xlink:href="data:image/png;base64,{data}"/>"#,
                        img.width,
                        img.height,
                        matrix(&xf),
                        opacity_attr("opacity", *opacity)
                    );
                }
            }
        }
        out.push_str("</g>\n</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

/// `fill="#rrggbb"` and its opacity when not 1.
fn fill_attrs(c: Color) -> String {
    format!(r#" fill="{}"{}"#, hex(c), opacity_attr("fill-opacity", c.a))
}

fn opacity_attr(name: &str, a: f32) -> String {
    if a >= 1.0 {
        String::new()
    } else {
        format!(r#" {name}="{}""#, num_prec(a.max(0.0), 4))
    }
}

/// The colour's sRGB value, as the scene file writes it.
fn hex(c: Color) -> String {
    let [r, g, b, _] = c.to_rgba8();
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn matrix(xf: &Affine2) -> String {
    let m = xf.matrix2;
    let t = xf.translation;
    format!(
        "matrix({} {} {} {} {} {})",
        num_prec(m.x_axis.x, 6),
        num_prec(m.x_axis.y, 6),
        num_prec(m.y_axis.x, 6),
        num_prec(m.y_axis.y, 6),
        num(t.x),
        num(t.y)
    )
}

/// Path data with absolute commands, coordinates to 1/1000 unit.
pub fn path_data(p: &PathData) -> String {
    let mut d = String::with_capacity(p.cmds.len() * 16);
    for c in &p.cmds {
        let _ = match *c {
            PathCmd::MoveTo(a) => write!(d, "M{} {}", num(a.x), num(a.y)),
            PathCmd::LineTo(a) => write!(d, "L{} {}", num(a.x), num(a.y)),
            PathCmd::QuadTo(a, b) => write!(d, "Q{} {} {} {}", num(a.x), num(a.y), num(b.x), num(b.y)),
            PathCmd::CubicTo(a, b, e) => write!(
                d,
                "C{} {} {} {} {} {}",
                num(a.x),
                num(a.y),
                num(b.x),
                num(b.y),
                num(e.x),
                num(e.y)
            ),
            PathCmd::Close => write!(d, "Z"),
        };
    }
    d
}

fn num(x: f32) -> String {
    num_prec(x, 3)
}

/// `x` with at most `digits` decimals, trailing zeros dropped; a value that
/// is not finite is written 0 (the scene loader rejects them earlier).
fn num_prec(x: f32, digits: usize) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let s = format!("{x:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    match s {
        "-0" | "" => "0".into(),
        s => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Rect;
    use crate::snapshot::Snapshot;
    use glam::Vec2;

    #[test]
    fn numbers_are_short_and_exact_enough() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(12.3456), "12.346");
        assert_eq!(num(f32::NAN), "0");
    }

    #[test]
    fn items_become_paths_with_their_colour_and_opacity() {
        let mut s = Snapshot::new(100, 50, Color::from_rgba8([255, 255, 255, 255]));
        let r = Rect {
            min: Vec2::new(10.0, 10.0),
            max: Vec2::new(30.0, 20.0),
        };
        s.fill(
            PathData::rounded_rect(r, 0.0),
            Color::from_rgba8([0x1f, 0x6f, 0xeb, 128]),
        );
        s.stroke(
            PathData::polyline(&[Vec2::ZERO, Vec2::ONE], false),
            Color::BLACK,
            2.0,
        );
        let svg = write(&Page::still(&s));
        assert!(
            svg.contains(r#"width="100" height="50" viewBox="0 0 100 50""#),
            "{svg}"
        );
        assert!(
            svg.contains(r##"<rect width="100" height="50" fill="#ffffff"/>"##),
            "{svg}"
        );
        assert!(svg.contains(r##"fill="#1f6feb" fill-opacity="0.502""##), "{svg}");
        assert!(
            svg.contains(r##"stroke="#000000" stroke-width="2" stroke-linecap="round""##),
            "{svg}"
        );
        s.background = Color::TRANSPARENT;
        assert!(!write(&Page::still(&s)).contains("<rect"));
    }
}
