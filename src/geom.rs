//! ## Overview
//!
//! Geometry in scene units (pixels at scale 1, y down): a small path type that
//! the evaluator produces and the tessellator consumes. It is plain data with
//! `PartialEq`, so two snapshots can be compared cheaply (a frame identical to
//! the previous one is not re-rendered) and tested without a GPU.
//!
//! Builders cover what the scenes draw: rounded rectangles, ellipses,
//! polylines, SVG path data, arrow heads; [`PathData::trim`] cuts a path to a
//! fraction of its length for the draw-on animation.

use glam::{Affine2, Vec2};

/// How finely curves are flattened when a path is measured or trimmed, in scene units.
pub const FLATTEN_TOLERANCE: f32 = 0.1;

/// One path command. Curves are absolute, control points first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PathCmd {
    MoveTo(Vec2),
    LineTo(Vec2),
    QuadTo(Vec2, Vec2),
    CubicTo(Vec2, Vec2, Vec2),
    Close,
}

/// A path made of one or more sub-paths.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PathData {
    pub cmds: Vec<PathCmd>,
}

/// An axis-aligned rectangle.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Rect {
    pub min: Vec2,
    pub max: Vec2,
}

impl Rect {
    pub fn from_center(center: Vec2, size: Vec2) -> Rect {
        Rect {
            min: center - size * 0.5,
            max: center + size * 0.5,
        }
    }
    pub fn size(&self) -> Vec2 {
        self.max - self.min
    }
    pub fn center(&self) -> Vec2 {
        (self.min + self.max) * 0.5
    }
    pub fn union(&self, o: &Rect) -> Rect {
        Rect {
            min: self.min.min(o.min),
            max: self.max.max(o.max),
        }
    }
    /// The point of the box named by `anchor`: `center`, `left`, `right`,
    /// `top`, `bottom`, `top_left`, `top_right`, `bottom_left`, `bottom_right`.
    pub fn anchor(&self, anchor: &str) -> Option<Vec2> {
        let c = self.center();
        Some(match anchor {
            "center" => c,
            "left" => Vec2::new(self.min.x, c.y),
            "right" => Vec2::new(self.max.x, c.y),
            "top" => Vec2::new(c.x, self.min.y),
            "bottom" => Vec2::new(c.x, self.max.y),
            "top_left" => self.min,
            "top_right" => Vec2::new(self.max.x, self.min.y),
            "bottom_left" => Vec2::new(self.min.x, self.max.y),
            "bottom_right" => self.max,
            _ => return None,
        })
    }
}

/// Why SVG path data was rejected; `offset` is a byte offset into the string.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid path data at character {offset}: {message}")]
pub struct PathParseError {
    pub offset: usize,
    pub message: String,
}

impl PathData {
    pub fn new() -> PathData {
        PathData::default()
    }
    pub fn move_to(&mut self, p: Vec2) -> &mut Self {
        self.cmds.push(PathCmd::MoveTo(p));
        self
    }
    pub fn line_to(&mut self, p: Vec2) -> &mut Self {
        self.cmds.push(PathCmd::LineTo(p));
        self
    }
    pub fn quad_to(&mut self, c: Vec2, p: Vec2) -> &mut Self {
        self.cmds.push(PathCmd::QuadTo(c, p));
        self
    }
    pub fn cubic_to(&mut self, c1: Vec2, c2: Vec2, p: Vec2) -> &mut Self {
        self.cmds.push(PathCmd::CubicTo(c1, c2, p));
        self
    }
    pub fn close(&mut self) -> &mut Self {
        self.cmds.push(PathCmd::Close);
        self
    }
    pub fn is_empty(&self) -> bool {
        self.cmds.is_empty()
    }

    /// A rectangle with circular corners of `radius` (clamped to half the shorter side).
    pub fn rounded_rect(rect: Rect, radius: f32) -> PathData {
        let s = rect.size();
        let r = radius.max(0.0).min(s.x.abs() * 0.5).min(s.y.abs() * 0.5);
        let (x0, y0, x1, y1) = (rect.min.x, rect.min.y, rect.max.x, rect.max.y);
        let mut p = PathData::new();
        if r <= 0.0 {
            p.move_to(Vec2::new(x0, y0))
                .line_to(Vec2::new(x1, y0))
                .line_to(Vec2::new(x1, y1))
                .line_to(Vec2::new(x0, y1))
                .close();
            return p;
        }
        // Cubic approximation of a quarter circle.
        let k = r * 0.552_284_8;
        p.move_to(Vec2::new(x0 + r, y0))
            .line_to(Vec2::new(x1 - r, y0))
            .cubic_to(
                Vec2::new(x1 - r + k, y0),
                Vec2::new(x1, y0 + r - k),
                Vec2::new(x1, y0 + r),
            )
            .line_to(Vec2::new(x1, y1 - r))
            .cubic_to(
                Vec2::new(x1, y1 - r + k),
                Vec2::new(x1 - r + k, y1),
                Vec2::new(x1 - r, y1),
            )
            .line_to(Vec2::new(x0 + r, y1))
            .cubic_to(
                Vec2::new(x0 + r - k, y1),
                Vec2::new(x0, y1 - r + k),
                Vec2::new(x0, y1 - r),
            )
            .line_to(Vec2::new(x0, y0 + r))
            .cubic_to(
                Vec2::new(x0, y0 + r - k),
                Vec2::new(x0 + r - k, y0),
                Vec2::new(x0 + r, y0),
            )
            .close();
        p
    }

    /// An ellipse, starting at 12 o'clock and going clockwise (on screen), so
    /// a drawn-on circle grows like a clock hand.
    pub fn ellipse(center: Vec2, radii: Vec2) -> PathData {
        let (rx, ry) = (radii.x, radii.y);
        let (kx, ky) = (rx * 0.552_284_8, ry * 0.552_284_8);
        let c = center;
        let mut p = PathData::new();
        p.move_to(c + Vec2::new(0.0, -ry))
            .cubic_to(
                c + Vec2::new(kx, -ry),
                c + Vec2::new(rx, -ky),
                c + Vec2::new(rx, 0.0),
            )
            .cubic_to(
                c + Vec2::new(rx, ky),
                c + Vec2::new(kx, ry),
                c + Vec2::new(0.0, ry),
            )
            .cubic_to(
                c + Vec2::new(-kx, ry),
                c + Vec2::new(-rx, ky),
                c + Vec2::new(-rx, 0.0),
            )
            .cubic_to(
                c + Vec2::new(-rx, -ky),
                c + Vec2::new(-kx, -ry),
                c + Vec2::new(0.0, -ry),
            )
            .close();
        p
    }

    /// An open polyline through `points` (closed when `closed`).
    pub fn polyline(points: &[Vec2], closed: bool) -> PathData {
        let mut p = PathData::new();
        for (i, &pt) in points.iter().enumerate() {
            if i == 0 {
                p.move_to(pt);
            } else {
                p.line_to(pt);
            }
        }
        if closed && points.len() > 2 {
            p.close();
        }
        p
    }

    /// A filled triangular arrow head whose tip is at `tip`, pointing along `dir`.
    pub fn arrow_head(tip: Vec2, dir: Vec2, length: f32, width: f32) -> PathData {
        let d = dir.try_normalize().unwrap_or(Vec2::X);
        let n = Vec2::new(-d.y, d.x);
        let base = tip - d * length;
        let mut p = PathData::new();
        p.move_to(tip)
            .line_to(base + n * width * 0.5)
            .line_to(base - n * width * 0.5)
            .close();
        p
    }

    /// The path with every point mapped through `t`.
    pub fn transformed(&self, t: &Affine2) -> PathData {
        let f = |p: Vec2| t.transform_point2(p);
        PathData {
            cmds: self
                .cmds
                .iter()
                .map(|c| match *c {
                    PathCmd::MoveTo(p) => PathCmd::MoveTo(f(p)),
                    PathCmd::LineTo(p) => PathCmd::LineTo(f(p)),
                    PathCmd::QuadTo(c, p) => PathCmd::QuadTo(f(c), f(p)),
                    PathCmd::CubicTo(a, b, p) => PathCmd::CubicTo(f(a), f(b), f(p)),
                    PathCmd::Close => PathCmd::Close,
                })
                .collect(),
        }
    }

    /// Appends every sub-path of `other`.
    pub fn extend(&mut self, other: &PathData) {
        self.cmds.extend_from_slice(&other.cmds);
    }

    /// Flattens the path into polylines (one per sub-path; closed sub-paths
    /// repeat their first point at the end).
    pub fn flatten(&self, tolerance: f32) -> Vec<Vec<Vec2>> {
        let mut out: Vec<Vec<Vec2>> = Vec::new();
        let mut cur: Vec<Vec2> = Vec::new();
        let mut last = Vec2::ZERO;
        let mut start = Vec2::ZERO;
        let segs = |len: f32| ((len / tolerance).sqrt().ceil() as usize).clamp(1, 256);
        for c in &self.cmds {
            match *c {
                PathCmd::MoveTo(p) => {
                    if cur.len() > 1 {
                        out.push(std::mem::take(&mut cur));
                    }
                    cur.clear();
                    cur.push(p);
                    last = p;
                    start = p;
                }
                PathCmd::LineTo(p) => {
                    if cur.is_empty() {
                        cur.push(last);
                    }
                    cur.push(p);
                    last = p;
                }
                PathCmd::QuadTo(c1, p) => {
                    if cur.is_empty() {
                        cur.push(last);
                    }
                    let n = segs(last.distance(c1) + c1.distance(p));
                    for i in 1..=n {
                        let t = i as f32 / n as f32;
                        let a = last.lerp(c1, t);
                        let b = c1.lerp(p, t);
                        cur.push(a.lerp(b, t));
                    }
                    last = p;
                }
                PathCmd::CubicTo(c1, c2, p) => {
                    if cur.is_empty() {
                        cur.push(last);
                    }
                    let n = segs(last.distance(c1) + c1.distance(c2) + c2.distance(p));
                    for i in 1..=n {
                        let t = i as f32 / n as f32;
                        let u = 1.0 - t;
                        cur.push(
                            last * (u * u * u)
                                + c1 * (3.0 * u * u * t)
                                + c2 * (3.0 * u * t * t)
                                + p * (t * t * t),
                        );
                    }
                    last = p;
                }
                PathCmd::Close => {
                    if !cur.is_empty() {
                        cur.push(start);
                        out.push(std::mem::take(&mut cur));
                    }
                    last = start;
                }
            }
        }
        if cur.len() > 1 {
            out.push(cur);
        }
        out
    }

    /// Total length of all sub-paths.
    pub fn length(&self) -> f32 {
        self.flatten(FLATTEN_TOLERANCE)
            .iter()
            .map(|pl| polyline_length(pl))
            .sum()
    }

    /// The first `fraction` (0..=1) of the path's length, as open polylines:
    /// what a stroke looks like while it is being drawn on.
    pub fn trim(&self, fraction: f32) -> PathData {
        if fraction >= 1.0 {
            return self.clone();
        }
        let lines = self.flatten(FLATTEN_TOLERANCE);
        let total: f32 = lines.iter().map(|l| polyline_length(l)).sum();
        let mut budget = total * fraction.max(0.0);
        let mut out = PathData::new();
        for line in lines {
            if budget <= 0.0 {
                break;
            }
            let mut pts = vec![line[0]];
            for w in line.windows(2) {
                let d = w[0].distance(w[1]);
                if d >= budget {
                    pts.push(w[0].lerp(w[1], if d > 0.0 { budget / d } else { 1.0 }));
                    budget = 0.0;
                    break;
                }
                budget -= d;
                pts.push(w[1]);
            }
            out.extend(&PathData::polyline(&pts, false));
        }
        out
    }

    /// The point and unit tangent at `fraction` (0..=1) of the length.
    pub fn point_at(&self, fraction: f32) -> Option<(Vec2, Vec2)> {
        let lines = self.flatten(FLATTEN_TOLERANCE);
        let total: f32 = lines.iter().map(|l| polyline_length(l)).sum();
        let mut budget = total * fraction.clamp(0.0, 1.0);
        let mut last = None;
        for line in &lines {
            for w in line.windows(2) {
                let d = w[0].distance(w[1]);
                let dir = (w[1] - w[0]).try_normalize().unwrap_or(Vec2::X);
                if d >= budget && d > 0.0 {
                    return Some((w[0].lerp(w[1], budget / d), dir));
                }
                budget -= d;
                last = Some((w[1], dir));
            }
        }
        last
    }

    /// The bounding box of the control polygon (contains the curve).
    pub fn bounds(&self) -> Option<Rect> {
        let mut r: Option<Rect> = None;
        let mut add = |p: Vec2| {
            let b = r.get_or_insert(Rect { min: p, max: p });
            b.min = b.min.min(p);
            b.max = b.max.max(p);
        };
        for c in &self.cmds {
            match *c {
                PathCmd::MoveTo(p) | PathCmd::LineTo(p) => add(p),
                PathCmd::QuadTo(a, p) => {
                    add(a);
                    add(p);
                }
                PathCmd::CubicTo(a, b, p) => {
                    add(a);
                    add(b);
                    add(p);
                }
                PathCmd::Close => {}
            }
        }
        r
    }

    /// Parses SVG path data: `M L H V C S Q T Z` in absolute and relative
    /// forms (`A` arcs are not supported and are reported as an error).
    pub fn parse_svg(d: &str) -> Result<PathData, PathParseError> {
        SvgParser {
            s: d.as_bytes(),
            i: 0,
        }
        .parse()
    }
}

fn polyline_length(pl: &[Vec2]) -> f32 {
    pl.windows(2).map(|w| w[0].distance(w[1])).sum()
}

struct SvgParser<'a> {
    s: &'a [u8],
    i: usize,
}

impl SvgParser<'_> {
    fn err(&self, message: impl Into<String>) -> PathParseError {
        PathParseError {
            offset: self.i,
            message: message.into(),
        }
    }
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && (self.s[self.i].is_ascii_whitespace() || self.s[self.i] == b',') {
            self.i += 1;
        }
    }
    fn number(&mut self) -> Result<f32, PathParseError> {
        self.skip_ws();
        let start = self.i;
        let s = self.s;
        if self.i < s.len() && (s[self.i] == b'-' || s[self.i] == b'+') {
            self.i += 1;
        }
        let mut seen_dot = false;
        let mut seen_exp = false;
        while self.i < s.len() {
            let c = s[self.i];
            if c.is_ascii_digit() {
                self.i += 1;
            } else if c == b'.' && !seen_dot && !seen_exp {
                seen_dot = true;
                self.i += 1;
            } else if (c == b'e' || c == b'E') && !seen_exp && self.i > start {
                seen_exp = true;
                self.i += 1;
                if self.i < s.len() && (s[self.i] == b'-' || s[self.i] == b'+') {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
        let text = std::str::from_utf8(&s[start..self.i]).unwrap_or("");
        match text.parse::<f32>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => {
                self.i = start;
                Err(self.err("expected a number"))
            }
        }
    }
    fn point(&mut self) -> Result<Vec2, PathParseError> {
        Ok(Vec2::new(self.number()?, self.number()?))
    }
    fn has_number(&mut self) -> bool {
        self.skip_ws();
        self.i < self.s.len() && matches!(self.s[self.i], b'0'..=b'9' | b'-' | b'+' | b'.')
    }
    fn parse(mut self) -> Result<PathData, PathParseError> {
        let mut p = PathData::new();
        let (mut cur, mut start) = (Vec2::ZERO, Vec2::ZERO);
        // The reflected control point for S/T.
        let mut last_ctrl: Option<Vec2> = None;
        let mut cmd: Option<u8> = None;
        loop {
            self.skip_ws();
            if self.i >= self.s.len() {
                break;
            }
            let c = self.s[self.i];
            if c.is_ascii_alphabetic() {
                self.i += 1;
                cmd = Some(c);
            } else if cmd.is_none() {
                return Err(self.err("path data must start with a command such as M"));
            }
            let Some(c) = cmd else { break };
            let rel = c.is_ascii_lowercase();
            let base = if rel { cur } else { Vec2::ZERO };
            if p.is_empty() && !c.eq_ignore_ascii_case(&b'M') {
                return Err(self.err("path data must start with M"));
            }
            match c.to_ascii_uppercase() {
                b'M' => {
                    cur = base + self.point()?;
                    start = cur;
                    p.move_to(cur);
                    last_ctrl = None;
                    // Further pairs after M are implicit L.
                    cmd = Some(if rel { b'l' } else { b'L' });
                }
                b'L' => {
                    cur = base + self.point()?;
                    p.line_to(cur);
                    last_ctrl = None;
                }
                b'H' => {
                    let x = self.number()?;
                    cur = Vec2::new(if rel { cur.x + x } else { x }, cur.y);
                    p.line_to(cur);
                    last_ctrl = None;
                }
                b'V' => {
                    let y = self.number()?;
                    cur = Vec2::new(cur.x, if rel { cur.y + y } else { y });
                    p.line_to(cur);
                    last_ctrl = None;
                }
                b'C' => {
                    let (c1, c2, e) = (base + self.point()?, base + self.point()?, base + self.point()?);
                    p.cubic_to(c1, c2, e);
                    last_ctrl = Some(c2);
                    cur = e;
                }
                b'S' => {
                    let c1 = last_ctrl.map(|lc| cur * 2.0 - lc).unwrap_or(cur);
                    let (c2, e) = (base + self.point()?, base + self.point()?);
                    p.cubic_to(c1, c2, e);
                    last_ctrl = Some(c2);
                    cur = e;
                }
                b'Q' => {
                    let (c1, e) = (base + self.point()?, base + self.point()?);
                    p.quad_to(c1, e);
                    last_ctrl = Some(c1);
                    cur = e;
                }
                b'T' => {
                    let c1 = last_ctrl.map(|lc| cur * 2.0 - lc).unwrap_or(cur);
                    let e = base + self.point()?;
                    p.quad_to(c1, e);
                    last_ctrl = Some(c1);
                    cur = e;
                }
                b'Z' => {
                    p.close();
                    cur = start;
                    last_ctrl = None;
                    cmd = None;
                    continue;
                }
                b'A' => return Err(self.err("arc commands (A) are not supported; use C curves")),
                other => return Err(self.err(format!("unknown path command '{}'", other as char))),
            }
            if !self.has_number() && self.i < self.s.len() && !self.s[self.i].is_ascii_alphabetic() {
                return Err(self.err("unexpected character"));
            }
        }
        Ok(p)
    }
}

/// Collects a font's glyph outline (ttf-parser's callbacks) into a
/// [`PathData`], in font units, y up: how text and maths read glyphs.
pub struct OutlinePath(pub PathData);

impl rustybuzz::ttf_parser::OutlineBuilder for OutlinePath {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(Vec2::new(x, y));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(Vec2::new(x, y));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(Vec2::new(x1, y1), Vec2::new(x, y));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0
            .cubic_to(Vec2::new(x1, y1), Vec2::new(x2, y2), Vec2::new(x, y));
    }
    fn close(&mut self) {
        self.0.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_absolute_and_relative_agree() {
        let a = PathData::parse_svg("M10 10 L 20 10 L20,20 Z").unwrap();
        let b = PathData::parse_svg("m10 10 l10 0 0 10 z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.cmds.len(), 4);
    }

    #[test]
    fn svg_errors_point_at_the_offending_character() {
        let e = PathData::parse_svg("M 0 0 L 10 x").unwrap_err();
        assert_eq!(e.offset, 11);
        assert!(PathData::parse_svg("L 0 0").is_err());
        assert!(PathData::parse_svg("M 0 0 A 1 1 0 0 1 2 2").is_err());
        assert!(PathData::parse_svg("M 0 0 L 1e40 0").is_err());
    }

    #[test]
    fn svg_smooth_curves_reflect_the_control_point() {
        let p = PathData::parse_svg("M0 0 C 0 10 10 10 10 0 S 20 -10 20 0").unwrap();
        match p.cmds[2] {
            PathCmd::CubicTo(c1, _, _) => assert_eq!(c1, Vec2::new(10.0, -10.0)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lengths_of_known_shapes() {
        let sq = PathData::rounded_rect(
            Rect {
                min: Vec2::ZERO,
                max: Vec2::splat(10.0),
            },
            0.0,
        );
        assert!((sq.length() - 40.0).abs() < 1e-3);
        let circle = PathData::ellipse(Vec2::ZERO, Vec2::splat(50.0));
        let expected = std::f32::consts::TAU * 50.0;
        assert!(
            (circle.length() - expected).abs() / expected < 1e-3,
            "{}",
            circle.length()
        );
    }

    #[test]
    fn trim_keeps_the_requested_fraction_of_length() {
        let line = PathData::polyline(
            &[Vec2::ZERO, Vec2::new(100.0, 0.0), Vec2::new(100.0, 100.0)],
            false,
        );
        for f in [0.0, 0.25, 0.5, 0.9, 1.0] {
            assert!((line.trim(f).length() - 200.0 * f).abs() < 1e-3, "{f}");
        }
        let (p, dir) = line.point_at(0.75).unwrap();
        assert!((p - Vec2::new(100.0, 50.0)).length() < 1e-3);
        assert!((dir - Vec2::Y).length() < 1e-5);
    }

    #[test]
    fn rounded_rect_radius_is_clamped_and_bounds_hold() {
        let r = Rect {
            min: Vec2::ZERO,
            max: Vec2::new(100.0, 20.0),
        };
        let p = PathData::rounded_rect(r, 50.0);
        assert_eq!(p.bounds().unwrap(), r);
        assert_eq!(r.anchor("right"), Some(Vec2::new(100.0, 10.0)));
        assert_eq!(r.anchor("nowhere"), None);
    }
}
