//! What changed between two snapshots: the pixels a frame must redraw.
//!
//! Pure (no GPU). The video loop keeps the previous frame on the GPU and in
//! memory; when only a few items moved, faded or appeared, it redraws just
//! the few rectangles around them ([`Damage::Region`]), so a frame's cost
//! grows with what changed rather than with what is on screen.
//!
//! Items are compared as a multiset by content (see [`DrawItem::key`]):
//! the damaged area is the union of the bounds of items present in one frame
//! and not the other. Outside it every pixel is covered by the same items in
//! the same order, so it is unchanged — provided the common items kept their
//! relative order, which is checked; a reordering damages the whole frame.
//!
//! The changed items' boxes are merged into at most [`MAX_BOXES`]
//! rectangles: two are merged when one box around both costs less than two
//! redraws, so a counter ticking in one corner and a dot moving in another
//! do not redraw everything between them.

use std::collections::HashMap;

use crate::geom::Rect;
use crate::snapshot::{DrawItem, Paint, Snapshot};

/// A rectangle of output pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelBox {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl PixelBox {
    /// All of a `width`×`height` frame.
    pub fn whole(width: u32, height: u32) -> PixelBox {
        PixelBox {
            x: 0,
            y: 0,
            width,
            height,
        }
    }

    pub fn area(&self) -> u64 {
        self.width as u64 * self.height as u64
    }

    /// Whether the two share a pixel.
    pub fn overlaps(&self, other: &PixelBox) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }

    /// The smallest box holding both.
    pub fn union(&self, other: &PixelBox) -> PixelBox {
        let (x0, y0) = (self.x.min(other.x), self.y.min(other.y));
        let x1 = (self.x + self.width).max(other.x + other.width);
        let y1 = (self.y + self.height).max(other.y + other.height);
        PixelBox {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        }
    }

    /// The smallest box holding all of `boxes` (an empty box for none).
    pub fn bounds(boxes: &[PixelBox]) -> PixelBox {
        boxes
            .iter()
            .copied()
            .reduce(|a, b| a.union(&b))
            .unwrap_or(PixelBox::whole(0, 0))
    }

    /// The box in scene units, for an output of `scale` pixels per unit.
    pub fn to_scene(&self, scale: f32) -> Rect {
        Rect {
            min: glam::Vec2::new(self.x as f32, self.y as f32) / scale,
            max: glam::Vec2::new((self.x + self.width) as f32, (self.y + self.height) as f32) / scale,
        }
    }
}

/// What must be redrawn to go from one frame to the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Damage {
    /// Nothing: the frames are identical.
    None,
    /// Only these rectangles (1 to [`MAX_BOXES`], disjoint).
    Region(Vec<PixelBox>),
    /// Everything (size or background changed, items reordered, or most of the frame changed).
    Full,
}

/// Pixels added around an item's bounds: the anti-aliasing fringe (half a
/// pixel), rounding to whole pixels, and a margin for safety.
const MARGIN_PX: f32 = 2.0;

/// Above this fraction of the frame, a partial redraw is not worth its bookkeeping.
const FULL_ABOVE: f32 = 0.6;

/// Most rectangles a partial redraw is split into.
pub const MAX_BOXES: usize = 8;

/// What one more rectangle costs, in pixels redrawn: two boxes are merged
/// when the box around both is at most this much larger than the two.
const BOX_COST_PX: u64 = 64 * 64;

/// The region of a `width`×`height` output (`scale` pixels per scene unit)
/// that differs between `prev` and `next`.
pub fn damage(prev: &Snapshot, next: &Snapshot, scale: f32) -> Damage {
    let keys = |s: &Snapshot| s.items.iter().map(DrawItem::key).collect::<Vec<u64>>();
    damage_keyed((prev, &keys(prev)), (next, &keys(next)), scale)
}

/// [`damage`], given the key of every item of both snapshots (as
/// [`crate::eval::Evaluator`] gives them).
pub fn damage_keyed((prev, pk): (&Snapshot, &[u64]), (next, nk): (&Snapshot, &[u64]), scale: f32) -> Damage {
    if prev.width != next.width
        || prev.height != next.height
        || prev.background != next.background
        || pk.len() != prev.items.len()
        || nk.len() != next.items.len()
    {
        return Damage::Full;
    }
    // Items unchanged at the start and the end keep their places: only the
    // middle of each frame is compared as a multiset.
    let head = pk.iter().zip(nk).take_while(|(a, b)| a == b).count();
    let tail = pk[head..]
        .iter()
        .rev()
        .zip(nk[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let middle = |keys: &[u64]| head..keys.len() - tail;
    let (pk_mid, nk_mid) = (&pk[middle(pk)], &nk[middle(nk)]);
    let (prev_mid, next_mid) = (&prev.items[middle(pk)], &next.items[middle(nk)]);
    let mut count: HashMap<u64, i64> = HashMap::with_capacity(pk_mid.len());
    for k in pk_mid {
        *count.entry(*k).or_default() += 1;
    }
    // Common items (multiset intersection), in `next`'s order; the rest of `next` is new.
    let mut budget = count.clone();
    let mut common_next = Vec::with_capacity(nk_mid.len());
    let (w, h) = (
        (next.width as f32 * scale).round(),
        (next.height as f32 * scale).round(),
    );
    let mut changed = false;
    let mut boxes: Vec<PixelBox> = Vec::new();
    let mut add = |item: &DrawItem| {
        changed = true;
        if let Some(b) = item_bounds(item).and_then(|r| pixel_box(r, scale, w, h)) {
            add_box(&mut boxes, b);
        }
    };
    for (k, item) in nk_mid.iter().zip(next_mid) {
        match budget.get_mut(k) {
            Some(n) if *n > 0 => {
                *n -= 1;
                common_next.push(*k);
            }
            _ => add(item),
        }
    }
    // Items of `prev` beyond the common ones are gone.
    let mut taken: HashMap<u64, i64> = HashMap::with_capacity(count.len());
    for (k, n) in &count {
        taken.insert(*k, n - budget.get(k).copied().unwrap_or(0));
    }
    let mut common_prev = Vec::with_capacity(common_next.len());
    for (k, item) in pk_mid.iter().zip(prev_mid) {
        match taken.get_mut(k) {
            Some(n) if *n > 0 => {
                *n -= 1;
                common_prev.push(*k);
            }
            _ => add(item),
        }
    }
    if common_prev != common_next {
        return Damage::Full;
    }
    if !changed {
        return if pk == nk { Damage::None } else { Damage::Full };
    }
    if boxes.is_empty() {
        // Changes entirely off-screen.
        return Damage::None;
    }
    while boxes.len() > MAX_BOXES {
        merge_cheapest_pair(&mut boxes);
    }
    let area: u64 = boxes.iter().map(PixelBox::area).sum();
    if area as f32 > FULL_ABOVE * w * h {
        Damage::Full
    } else {
        Damage::Region(boxes)
    }
}

/// The whole output pixels an item's scene-unit bounds `r` can touch, with
/// [`MARGIN_PX`] around, clipped to the `w`×`h` output; `None` off-screen.
fn pixel_box(r: Rect, scale: f32, w: f32, h: f32) -> Option<PixelBox> {
    let x0 = (r.min.x * scale - MARGIN_PX).floor().clamp(0.0, w);
    let y0 = (r.min.y * scale - MARGIN_PX).floor().clamp(0.0, h);
    let x1 = (r.max.x * scale + MARGIN_PX).ceil().clamp(0.0, w);
    let y1 = (r.max.y * scale + MARGIN_PX).ceil().clamp(0.0, h);
    (x1 > x0 && y1 > y0).then_some(PixelBox {
        x: x0 as u32,
        y: y0 as u32,
        width: (x1 - x0) as u32,
        height: (y1 - y0) as u32,
    })
}

/// Pixels redrawn beyond the two boxes when one box around both replaces them.
fn merge_waste(a: &PixelBox, b: &PixelBox) -> i64 {
    a.union(b).area() as i64 - a.area() as i64 - b.area() as i64
}

/// Adds `b` to `boxes`, merged with every box it overlaps or is cheaper to
/// redraw together with: the boxes stay disjoint, so no pixel is redrawn
/// twice (a second draw of a translucent item would darken it).
fn add_box(boxes: &mut Vec<PixelBox>, mut b: PixelBox) {
    while let Some(i) = boxes
        .iter()
        .position(|o| o.overlaps(&b) || merge_waste(o, &b) <= BOX_COST_PX as i64)
    {
        b = b.union(&boxes.swap_remove(i));
    }
    boxes.push(b);
}

/// Replaces the two boxes whose union wastes the fewest pixels by that union
/// (merged with any box it then overlaps).
fn merge_cheapest_pair(boxes: &mut Vec<PixelBox>) {
    let mut best = (i64::MAX, 0, 1);
    for i in 0..boxes.len() {
        for j in i + 1..boxes.len() {
            let waste = merge_waste(&boxes[i], &boxes[j]);
            if waste < best.0 {
                best = (waste, i, j);
            }
        }
    }
    let (_, i, j) = best;
    let b = boxes.swap_remove(j);
    let a = boxes.swap_remove(i);
    add_box(boxes, a.union(&b));
}

/// Scene-unit bounds of everything an item can paint.
pub fn item_bounds(item: &DrawItem) -> Option<Rect> {
    let r = item.path.bounds()?;
    // A stroke reaches half its width past the path; square caps √2 times that.
    let grow = match item.paint {
        Paint::Stroke { width, .. } => width,
        Paint::Fill(_) | Paint::Image { .. } => 0.0,
    };
    if !(r.min.is_finite() && r.max.is_finite()) {
        return None;
    }
    Some(Rect {
        min: r.min - glam::Vec2::splat(grow),
        max: r.max + glam::Vec2::splat(grow),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::color::Color;
    use crate::geom::PathData;
    use glam::Vec2;

    fn square(x: f32, y: f32, size: f32) -> PathData {
        PathData::rounded_rect(
            Rect {
                min: Vec2::new(x, y),
                max: Vec2::new(x + size, y + size),
            },
            0.0,
        )
    }

    fn frame(items: &[(f32, &str)]) -> Snapshot {
        let mut s = Snapshot::new(200, 100, Color::WHITE);
        for (x, c) in items {
            s.fill(square(*x, 10.0, 20.0), Color::from_hex(c).unwrap());
        }
        s
    }

    #[test]
    fn identical_frames_have_no_damage() {
        let a = frame(&[(10.0, "#000000"), (50.0, "#ff0000")]);
        assert_eq!(damage(&a, &a.clone(), 1.0), Damage::None);
    }

    #[test]
    fn a_moved_item_damages_its_old_and_new_place() {
        let a = frame(&[(10.0, "#000000"), (50.0, "#ff0000")]);
        let b = frame(&[(10.0, "#000000"), (60.0, "#ff0000")]);
        // Old 50..70, new 60..80, y 10..30, plus 2 px.
        let want = PixelBox {
            x: 48,
            y: 8,
            width: 34,
            height: 24,
        };
        assert_eq!(damage(&a, &b, 1.0), Damage::Region(vec![want]));
        // At scale 2 the box is in the larger output's pixels.
        let Damage::Region(r) = damage(&a, &b, 2.0) else {
            panic!("expected a region")
        };
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].x, r[0].y, r[0].width, r[0].height), (98, 18, 64, 44));
    }

    #[test]
    fn appearing_and_disappearing_items_and_strokes_count() {
        let a = frame(&[(10.0, "#000000")]);
        let mut b = a.clone();
        b.stroke(
            PathData::polyline(&[Vec2::new(100.0, 50.0), Vec2::new(120.0, 50.0)], false),
            Color::BLACK,
            4.0,
        );
        let Damage::Region(r) = damage(&a, &b, 1.0) else {
            panic!("expected a region")
        };
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].x, r[0].y, r[0].width, r[0].height), (94, 44, 32, 12));
        let Damage::Region(back) = damage(&b, &a, 1.0) else {
            panic!("expected a region")
        };
        assert_eq!(r, back);
    }

    #[test]
    fn reordering_or_a_new_background_damages_everything() {
        let a = frame(&[(10.0, "#000000"), (15.0, "#ff0000")]);
        let b = frame(&[(15.0, "#ff0000"), (10.0, "#000000")]);
        assert_eq!(damage(&a, &b, 1.0), Damage::Full);
        let mut c = a.clone();
        c.background = Color::BLACK;
        assert_eq!(damage(&a, &c, 1.0), Damage::Full);
    }

    #[test]
    fn a_reordering_between_unchanged_ends_still_damages_everything() {
        let a = frame(&[
            (5.0, "#000000"),
            (10.0, "#ff0000"),
            (15.0, "#00ff00"),
            (20.0, "#0000ff"),
        ]);
        let b = frame(&[
            (5.0, "#000000"),
            (15.0, "#00ff00"),
            (10.0, "#ff0000"),
            (20.0, "#0000ff"),
        ]);
        assert_eq!(damage(&a, &b, 1.0), Damage::Full);
        // Keys that do not match the items are refused, not trusted.
        assert_eq!(damage_keyed((&a, &[1, 2]), (&b, &[1, 2]), 1.0), Damage::Full);
    }

    #[test]
    fn duplicates_are_counted() {
        // The same item twice, then once: one copy is gone.
        let a = frame(&[(10.0, "#000000"), (10.0, "#000000")]);
        let b = frame(&[(10.0, "#000000")]);
        assert!(matches!(damage(&a, &b, 1.0), Damage::Region(_)));
    }

    #[test]
    fn distant_changes_are_separate_rectangles() {
        // A big canvas with static items between two small changes.
        let mut a = Snapshot::new(1000, 500, Color::WHITE);
        for i in 0..10 {
            a.fill(square(100.0 + 80.0 * i as f32, 200.0, 40.0), Color::BLACK);
        }
        let mut b = a.clone();
        a.fill(square(10.0, 10.0, 10.0), Color::BLACK);
        b.fill(square(12.0, 10.0, 10.0), Color::BLACK);
        b.fill(square(900.0, 450.0, 10.0), Color::BLACK);
        let Damage::Region(r) = damage(&a, &b, 1.0) else {
            panic!("expected a region")
        };
        let mut got: Vec<_> = r.iter().map(|b| (b.x, b.y, b.width, b.height)).collect();
        got.sort();
        // The moved square's old and new places are one box, the new one another.
        assert_eq!(got, vec![(8, 8, 16, 14), (898, 448, 14, 14)]);
    }

    #[test]
    fn many_changes_are_merged_into_a_few_rectangles_covering_them() {
        let a = Snapshot::new(1000, 1000, Color::WHITE);
        let mut b = a.clone();
        // A 7×7 grid of small squares 140 apart: too far apart to merge cheaply.
        let mut placed = Vec::new();
        for i in 0..49 {
            let (x, y) = (10.0 + 140.0 * (i % 7) as f32, 10.0 + 140.0 * (i / 7) as f32);
            b.fill(square(x, y, 4.0), Color::BLACK);
            placed.push((x, y));
        }
        let Damage::Region(r) = damage(&a, &b, 1.0) else {
            panic!("expected a region")
        };
        assert!(r.len() <= MAX_BOXES, "{} boxes", r.len());
        for (i, a) in r.iter().enumerate() {
            assert!(r[i + 1..].iter().all(|b| !a.overlaps(b)), "{r:?} overlap");
        }
        for (x, y) in placed {
            let inside = r.iter().any(|b| {
                b.x as f32 <= x
                    && b.y as f32 <= y
                    && (b.x + b.width) as f32 >= x + 4.0
                    && (b.y + b.height) as f32 >= y + 4.0
            });
            assert!(inside, "the square at {x},{y} is in no box of {r:?}");
        }
    }

    #[test]
    fn large_changes_redraw_the_whole_frame() {
        let a = frame(&[]);
        let mut b = a.clone();
        b.fill(square(0.0, 0.0, 95.0), Color::BLACK);
        b.fill(square(100.0, 0.0, 95.0), Color::BLACK);
        assert_eq!(damage(&a, &b, 1.0), Damage::Full);
    }
}
