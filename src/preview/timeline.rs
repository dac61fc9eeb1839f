//! The timeline bar along the bottom of the scene: a track across the
//! scene's width with the current time, a mark at each step's start, and
//! click or drag on it to scrub.
//!
//! Plain CPU data like [`super::frame`]: the bar's place in window pixels
//! ([`Bar`]), time ↔ x on it, the snapshot items that draw it, and the
//! mouse state machine ([`Scrub`]) that turns cursor and button events into
//! seeks, so all of it is tested without a window.

use glam::Vec2;

use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::gpu::PixelRect;
use crate::snapshot::Snapshot;

/// Height of the bar in window pixels.
pub const HEIGHT_PX: f32 = 24.0;
/// Space between the bar's ends and the track's, in window pixels, so the
/// first and last instants can be clicked.
pub const INSET_PX: f32 = 10.0;
const TRACK_PX: f32 = 2.0;
const MARK_PX: (f32, f32) = (2.0, 8.0);
const HEAD_PX: (f32, f32) = (3.0, 16.0);
// Semi-opaque: the scene stays visible under it.
const BAND: Color = Color::rgba(0.0, 0.0, 0.0, 0.55);
const TRACK: Color = Color::rgba(1.0, 1.0, 1.0, 0.35);
const PLAYED: Color = Color::rgba(1.0, 1.0, 1.0, 0.85);
const MARK: Color = Color::rgba(1.0, 0.78, 0.25, 0.95);
const HEAD: Color = Color::WHITE;

/// The bar of a scene shown in `scene` (window pixels, [`super::frame::fit`])
/// for a `duration`-second scene.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    /// The bar's band, in window pixels: the bottom [`HEIGHT_PX`] of the scene.
    pub band: PixelRect,
    pub duration: f64,
}

impl Bar {
    pub fn new(scene: PixelRect, duration: f64) -> Bar {
        let height = HEIGHT_PX.min(scene.height);
        Bar {
            band: PixelRect {
                x: scene.x,
                y: scene.y + scene.height - height,
                width: scene.width,
                height,
            },
            duration: duration.max(0.0),
        }
    }

    /// The track's ends, window x.
    fn track(&self) -> (f32, f32) {
        let inset = INSET_PX.min(self.band.width / 4.0);
        (self.band.x + inset, self.band.x + self.band.width - inset)
    }

    /// Window x of time `t` (clamped into the scene).
    pub fn x_of(&self, t: f64) -> f32 {
        let (a, b) = self.track();
        let f = if self.duration > 0.0 {
            (t / self.duration).clamp(0.0, 1.0)
        } else {
            0.0
        };
        a + (b - a) * f as f32
    }

    /// The time under window x: 0 left of the track, the end right of it.
    pub fn time_at(&self, x: f32) -> f64 {
        let (a, b) = self.track();
        if b <= a {
            return 0.0;
        }
        (((x - a) / (b - a)).clamp(0.0, 1.0) as f64) * self.duration
    }

    /// Whether the window pixel position `(x, y)` is on the bar.
    pub fn contains(&self, (x, y): (f32, f32)) -> bool {
        let r = self.band;
        x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height
    }

    /// Appends the bar to `snap` (a snapshot of the scene's size, drawn
    /// mapped onto the same window rectangle; `px` scene units per window
    /// pixel): the band, the track played up to `t`, a mark at each of
    /// `marks` (times) and the playhead.
    pub fn draw(&self, snap: &mut Snapshot, t: f64, marks: &[f64], px: f32) {
        // Window pixels → scene units.
        let height = snap.height as f32;
        let to_scene = |x: f32, y: f32| {
            Vec2::new(
                (x - self.band.x) * px,
                height - (self.band.y + self.band.height - y) * px,
            )
        };
        let rect = |x0: f32, y0: f32, x1: f32, y1: f32| {
            PathData::rounded_rect(
                Rect {
                    min: to_scene(x0, y0),
                    max: to_scene(x1, y1),
                },
                0.0,
            )
        };
        let b = self.band;
        let mid = b.y + b.height / 2.0;
        snap.fill(rect(b.x, b.y, b.x + b.width, b.y + b.height), BAND);
        let (a, e) = self.track();
        let head = self.x_of(t);
        let half = TRACK_PX / 2.0;
        snap.fill(rect(a, mid - half, e, mid + half), TRACK);
        if head > a {
            snap.fill(rect(a, mid - half, head, mid + half), PLAYED);
        }
        for &m in marks {
            let x = self.x_of(m);
            let (w, h) = (MARK_PX.0 / 2.0, MARK_PX.1 / 2.0);
            snap.fill(rect(x - w, mid - h, x + w, mid + h), MARK);
        }
        let (w, h) = (HEAD_PX.0 / 2.0, (HEAD_PX.1 / 2.0).min(b.height / 2.0));
        snap.fill(rect(head - w, mid - h, head + w, mid + h), HEAD);
    }
}

/// The distinct start times of `starts` inside `0..=duration`, sorted: the
/// marks of a scene's steps (several steps often start together).
pub fn marks(starts: impl IntoIterator<Item = f64>, duration: f64) -> Vec<f64> {
    let mut m: Vec<f64> = starts
        .into_iter()
        .filter(|t| t.is_finite() && (0.0..=duration).contains(t))
        .collect();
    m.sort_by(f64::total_cmp);
    m.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
    m
}

/// The mouse on the bar: a press on it seeks and starts a drag, moving
/// while dragging seeks (anywhere in the window: the time follows x, held
/// at the ends), the release ends the drag.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scrub {
    /// The cursor's last position in window pixels, if inside the window.
    cursor: Option<(f32, f32)>,
    dragging: bool,
}

impl Scrub {
    /// The cursor moved to `at`; the time to show when dragging.
    pub fn moved(&mut self, at: (f32, f32), bar: Option<&Bar>) -> Option<f64> {
        self.cursor = Some(at);
        match bar {
            Some(bar) if self.dragging => Some(bar.time_at(at.0)),
            _ => None,
        }
    }

    /// The cursor left the window (a drag goes on until the release).
    pub fn left(&mut self) {
        self.cursor = None;
    }

    /// The left button went down; the time to show when it is on the bar.
    pub fn pressed(&mut self, bar: Option<&Bar>) -> Option<f64> {
        let (bar, at) = (bar?, self.cursor?);
        if !bar.contains(at) {
            return None;
        }
        self.dragging = true;
        Some(bar.time_at(at.0))
    }

    /// The left button went up.
    pub fn released(&mut self) {
        self.dragging = false;
    }

    pub fn dragging(&self) -> bool {
        self.dragging
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn bar() -> Bar {
        // A 960x540 scene letterboxed 20 px from the left of a 1000x540 window.
        Bar::new(
            PixelRect {
                x: 20.0,
                y: 0.0,
                width: 960.0,
                height: 540.0,
            },
            10.0,
        )
    }

    #[test]
    fn the_bar_is_the_bottom_of_the_scene() {
        let b = bar();
        assert_eq!(
            b.band,
            PixelRect {
                x: 20.0,
                y: 516.0,
                width: 960.0,
                height: 24.0
            }
        );
        assert!(b.contains((500.0, 530.0)));
        assert!(!b.contains((500.0, 515.0)), "above the bar");
        assert!(!b.contains((10.0, 530.0)), "in the letterbox");
        // A scene shorter than the bar: the bar is the whole scene.
        let tiny = Bar::new(
            PixelRect {
                x: 0.0,
                y: 5.0,
                width: 40.0,
                height: 10.0,
            },
            1.0,
        );
        assert_eq!(tiny.band.height, 10.0);
        assert_eq!(tiny.band.y, 5.0);
    }

    #[test]
    fn time_and_x_map_both_ways() {
        let b = bar();
        // The track runs from 20 + 10 to 980 - 10.
        assert_eq!(b.x_of(0.0), 30.0);
        assert_eq!(b.x_of(10.0), 970.0);
        assert_eq!(b.x_of(5.0), 500.0);
        assert_eq!(b.x_of(-1.0), 30.0, "clamped");
        assert_eq!(b.x_of(99.0), 970.0, "clamped");
        assert_eq!(b.time_at(500.0), 5.0);
        assert_eq!(b.time_at(0.0), 0.0);
        assert_eq!(b.time_at(2000.0), 10.0);
        for t in [0.0, 1.25, 3.5, 9.9] {
            assert!((b.time_at(b.x_of(t)) - t).abs() < 1e-4, "{t}");
        }
        // A zero-length scene maps everything to 0.
        let z = Bar::new(b.band, 0.0);
        assert_eq!(z.time_at(500.0), 0.0);
        assert_eq!(z.x_of(3.0), z.x_of(0.0));
    }

    #[test]
    fn marks_are_distinct_sorted_and_inside() {
        let m = marks([2.0, 0.5, 2.0, 2.0000001, -1.0, 12.0, f64::NAN, 10.0], 10.0);
        assert_eq!(m, vec![0.5, 2.0, 10.0]);
    }

    #[test]
    fn the_bar_draws_inside_the_scene() {
        let b = bar();
        // Scene of 1920x1080 units shown 960 px wide: 2 units per pixel.
        let mut s = Snapshot::new(1920, 1080, Color::WHITE);
        b.draw(&mut s, 5.0, &[0.0, 2.5, 10.0], 2.0);
        // Band, track, played part, three marks, playhead.
        assert_eq!(s.items.len(), 7);
        let band = s.items[0].path.bounds().unwrap();
        assert_eq!(
            (band.min.x, band.min.y, band.max.x, band.max.y),
            (0.0, 1032.0, 1920.0, 1080.0)
        );
        let head = s.items[6].path.bounds().unwrap();
        // The playhead at t = 5 s: window x 500 → scene x (500 - 20) × 2.
        assert!(((head.min.x + head.max.x) / 2.0 - 960.0).abs() < 0.01, "{head:?}");
        for item in &s.items {
            let r = item.path.bounds().unwrap();
            assert!(
                r.min.y >= 1032.0 && r.max.y <= 1080.0 && r.min.x >= 0.0 && r.max.x <= 1920.0,
                "{r:?}"
            );
        }
        // At t = 0 nothing is played yet.
        let mut s0 = Snapshot::new(1920, 1080, Color::WHITE);
        b.draw(&mut s0, 0.0, &[], 2.0);
        assert_eq!(s0.items.len(), 3);
    }

    #[test]
    fn clicks_and_drags_seek() {
        let b = bar();
        let mut s = Scrub::default();
        // Moving without the button does nothing.
        assert_eq!(s.moved((500.0, 530.0), Some(&b)), None);
        // A press on the bar seeks there and starts a drag…
        assert_eq!(s.pressed(Some(&b)), Some(5.0));
        assert!(s.dragging());
        // …which follows the cursor, even off the bar, held at the ends.
        assert_eq!(s.moved((735.0, 530.0), Some(&b)), Some(7.5));
        assert_eq!(s.moved((2000.0, 100.0), Some(&b)), Some(10.0));
        s.released();
        assert!(!s.dragging());
        assert_eq!(s.moved((500.0, 530.0), Some(&b)), None);
        // A press above the bar, or with no bar shown, is not a seek.
        s.moved((500.0, 300.0), Some(&b));
        assert_eq!(s.pressed(Some(&b)), None);
        assert!(!s.dragging());
        s.moved((500.0, 530.0), Some(&b));
        assert_eq!(s.pressed(None), None);
        // Nor is a press after the cursor left the window.
        s.left();
        assert_eq!(s.pressed(Some(&b)), None);
    }
}
