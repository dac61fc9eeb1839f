//! Layout: where the children of a `Row`, `Column`, `Grid` or `Stack` go,
//! and where an element placed `Below(of: ...)` another goes. Pure: sizes
//! in, positions out. Containers are solved by taffy (CSS flexbox and grid);
//! a child is a fixed-size box (its measured bounds), so nested containers
//! are solved inside out, each as one fixed-size child of its parent.
//!
//! The loader measures and places (`scene::tree`); evaluation re-solves a
//! container that `reflow`s when its children fade in or out (`eval`).

use glam::Vec2;
use taffy::prelude::*;

use crate::geom::Rect;

/// How a container lays out its children.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Direction {
    /// Left to right.
    Row,
    /// Top to bottom.
    Column,
    /// Row-major cells in `columns` columns, each column as wide as its
    /// widest child, each row as tall as its tallest.
    Grid { columns: usize },
    /// On top of each other, in one cell as large as the largest child.
    Stack,
}

/// Where children sit across the main axis (or within a grid cell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Start,
    Center,
    End,
}

/// How children share spare room along the main axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Justify {
    Start,
    Center,
    End,
    SpaceBetween,
    SpaceAround,
    SpaceEvenly,
}

/// A container's parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flow {
    pub direction: Direction,
    /// Between columns (x) and between rows (y).
    pub gap: Vec2,
    /// Inside the container's edges, on every side.
    pub padding: f32,
    /// Across the main axis (Row: vertical; Column: horizontal); in a Grid
    /// or Stack, vertical within a cell.
    pub align: Align,
    /// Along the main axis; in a Grid or Stack, horizontal within a cell.
    pub justify: Justify,
    /// A fixed outer width and height; `None` fits the content.
    pub width: Option<f32>,
    pub height: Option<f32>,
}

/// A solved container: its outer size and each child's box, relative to
/// the container's top-left corner.
#[derive(Clone, Debug, PartialEq)]
pub struct Solved {
    pub size: Vec2,
    pub children: Vec<Rect>,
}

/// Why a container could not be laid out.
#[derive(Debug, Clone, PartialEq)]
pub enum ArrangeError {
    /// Child `index` does not fit the container's fixed size.
    TooLarge { index: usize, message: String },
    /// taffy refused (never expected with fixed-size children).
    Engine(String),
}

fn len(x: f32) -> LengthPercentage {
    LengthPercentage::length(x)
}

fn align_items(a: Align) -> AlignItems {
    match a {
        Align::Start => AlignItems::START,
        Align::Center => AlignItems::CENTER,
        Align::End => AlignItems::END,
    }
}

fn justify_content(j: Justify) -> JustifyContent {
    match j {
        Justify::Start => JustifyContent::START,
        Justify::Center => JustifyContent::CENTER,
        Justify::End => JustifyContent::END,
        Justify::SpaceBetween => JustifyContent::SPACE_BETWEEN,
        Justify::SpaceAround => JustifyContent::SPACE_AROUND,
        Justify::SpaceEvenly => JustifyContent::SPACE_EVENLY,
    }
}

fn cell_justify(j: Justify) -> AlignItems {
    match j {
        Justify::Start => AlignItems::START,
        Justify::End => AlignItems::END,
        _ => AlignItems::CENTER,
    }
}

/// Lays out children of `sizes` in `flow`. With `weights` (Row and Column
/// only), child `i` takes `weights[i]` (0..=1) of its length along the
/// main axis and of the gap before it: a child fading out of a container
/// that reflows hands its room to the others.
pub fn solve(flow: &Flow, sizes: &[Vec2], weights: Option<&[f32]>) -> Result<Solved, ArrangeError> {
    let engine = |e: taffy::TaffyError| ArrangeError::Engine(e.to_string());
    let mut tree: TaffyTree<()> = TaffyTree::new();
    tree.disable_rounding();
    let along_x = !matches!(flow.direction, Direction::Column);
    let reflow = weights.filter(|_| matches!(flow.direction, Direction::Row | Direction::Column));
    // Before child i: the gap, scaled by its weight and by whether anything
    // is shown before it (so a first child fading out leaves no gap).
    let mut shown_before = 0.0f32;
    let mut leaves = Vec::with_capacity(sizes.len());
    for (i, s) in sizes.iter().enumerate() {
        let mut style = Style {
            size: Size {
                width: Dimension::length(s.x.max(0.0)),
                height: Dimension::length(s.y.max(0.0)),
            },
            flex_shrink: 0.0,
            ..Default::default()
        };
        if let Some(w) = reflow {
            let w = w.get(i).copied().unwrap_or(1.0).clamp(0.0, 1.0);
            let gap = if along_x { flow.gap.x } else { flow.gap.y };
            let before = if i == 0 {
                0.0
            } else {
                gap * w * shown_before.min(1.0)
            };
            shown_before += w;
            if along_x {
                style.size.width = Dimension::length(s.x.max(0.0) * w);
                style.margin.left = LengthPercentageAuto::length(before);
            } else {
                style.size.height = Dimension::length(s.y.max(0.0) * w);
                style.margin.top = LengthPercentageAuto::length(before);
            }
        }
        leaves.push(tree.new_leaf(style).map_err(engine)?);
    }
    let pad = len(flow.padding.max(0.0));
    let mut style = Style {
        padding: taffy::Rect {
            left: pad,
            right: pad,
            top: pad,
            bottom: pad,
        },
        gap: Size {
            width: len(if reflow.is_some() { 0.0 } else { flow.gap.x }),
            height: len(if reflow.is_some() { 0.0 } else { flow.gap.y }),
        },
        size: Size {
            width: flow.width.map_or(Dimension::auto(), Dimension::length),
            height: flow.height.map_or(Dimension::auto(), Dimension::length),
        },
        ..Default::default()
    };
    match flow.direction {
        Direction::Row | Direction::Column => {
            style.display = Display::Flex;
            style.flex_direction = if along_x {
                FlexDirection::Row
            } else {
                FlexDirection::Column
            };
            style.align_items = align_items(flow.align);
            style.justify_content = justify_content(flow.justify);
        }
        Direction::Grid { columns } => {
            style.display = Display::Grid;
            style.grid_template_columns = vec![auto(); columns.max(1)];
            style.align_items = align_items(flow.align);
            style.justify_items = cell_justify(flow.justify);
            style.justify_content = justify_content(flow.justify);
            style.align_content = AlignContent::START;
        }
        Direction::Stack => {
            style.display = Display::Grid;
            style.align_items = align_items(flow.align);
            style.justify_items = cell_justify(flow.justify);
        }
    }
    if flow.direction == Direction::Stack {
        // Every child in the one cell (row 1, column 1).
        for &leaf in &leaves {
            let mut s = tree.style(leaf).map_err(engine)?.clone();
            s.grid_row = Line {
                start: line(1),
                end: span(1),
            };
            s.grid_column = Line {
                start: line(1),
                end: span(1),
            };
            tree.set_style(leaf, s).map_err(engine)?;
        }
    }
    let root = tree.new_with_children(style, &leaves).map_err(engine)?;
    tree.compute_layout(root, Size::MAX_CONTENT).map_err(engine)?;
    let outer = tree.layout(root).map_err(engine)?.size;
    let size = Vec2::new(outer.width, outer.height);
    let mut children = Vec::with_capacity(leaves.len());
    for &leaf in &leaves {
        let l = tree.layout(leaf).map_err(engine)?;
        let min = Vec2::new(l.location.x, l.location.y);
        children.push(Rect {
            min,
            max: min + Vec2::new(l.size.width, l.size.height),
        });
    }
    if weights.is_none() {
        check_fits(flow, size, sizes, &children)?;
    }
    Ok(Solved { size, children })
}

/// A child that sticks out of a fixed-size container is an error (taffy
/// would let it overflow): the figure would overlap what is next to it.
fn check_fits(flow: &Flow, size: Vec2, sizes: &[Vec2], children: &[Rect]) -> Result<(), ArrangeError> {
    if flow.width.is_none() && flow.height.is_none() {
        return Ok(());
    }
    let pad = flow.padding.max(0.0);
    let inner = Rect {
        min: Vec2::splat(pad),
        max: size - Vec2::splat(pad),
    };
    for (index, r) in children.iter().enumerate() {
        let over_x = flow.width.is_some() && (r.min.x < inner.min.x - 0.5 || r.max.x > inner.max.x + 0.5);
        let over_y = flow.height.is_some() && (r.min.y < inner.min.y - 0.5 || r.max.y > inner.max.y + 0.5);
        if over_x || over_y {
            let needed = content_size(flow, sizes) + Vec2::splat(2.0 * pad);
            let (axis, need, have) = if over_x {
                ("wide", needed.x, size.x)
            } else {
                ("tall", needed.y, size.y)
            };
            return Err(ArrangeError::TooLarge {
                index,
                message: format!(
                    "child {index} does not fit: the content needs {need:.0} px but the container is {have:.0} px {axis}; make it larger, or leave its size out to fit the content"
                ),
            });
        }
    }
    Ok(())
}

/// The size the children need, with gaps, without padding.
fn content_size(flow: &Flow, sizes: &[Vec2]) -> Vec2 {
    let n = sizes.len().max(1) as f32;
    let max = sizes.iter().fold(Vec2::ZERO, |m, s| m.max(*s));
    let sum = sizes.iter().fold(Vec2::ZERO, |m, s| m + *s);
    match flow.direction {
        Direction::Row => Vec2::new(sum.x + flow.gap.x * (n - 1.0), max.y),
        Direction::Column => Vec2::new(max.x, sum.y + flow.gap.y * (n - 1.0)),
        Direction::Stack => max,
        Direction::Grid { columns } => {
            let cols = columns.max(1);
            let rows = sizes.len().div_ceil(cols);
            let mut w = vec![0.0f32; cols];
            let mut h = vec![0.0f32; rows];
            for (i, s) in sizes.iter().enumerate() {
                w[i % cols] = w[i % cols].max(s.x);
                h[i / cols] = h[i / cols].max(s.y);
            }
            Vec2::new(
                w.iter().sum::<f32>() + flow.gap.x * (cols as f32 - 1.0),
                h.iter().sum::<f32>() + flow.gap.y * (rows.max(1) as f32 - 1.0),
            )
        }
    }
}

/// An alignment or justification as the scene file writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
pub enum Word {
    Start,
    Center,
    End,
    Top,
    Bottom,
    Left,
    Right,
    SpaceBetween,
    SpaceAround,
    SpaceEvenly,
}

/// `w` as `direction`'s alignment (`main: false`, default Center) or
/// justification (`main: true`, default Start in a Row or Column, Center
/// within a Grid's or Stack's cells), or why it does not apply:
/// a Row's children align Top, Center or Bottom, a Column's Left, Center or
/// Right; in a Grid or Stack `align` is vertical and `justify` horizontal.
pub fn word(w: Option<Word>, direction: Direction, main: bool) -> Result<(Align, Justify), String> {
    let Some(w) = w else {
        let cells = matches!(direction, Direction::Grid { .. } | Direction::Stack);
        return Ok((
            Align::Center,
            if main && !cells {
                Justify::Start
            } else {
                Justify::Center
            },
        ));
    };
    let horizontal = match direction {
        Direction::Row => main,
        Direction::Column => !main,
        Direction::Grid { .. } | Direction::Stack => main,
    };
    let spread = main
        && matches!(
            direction,
            Direction::Row | Direction::Column | Direction::Grid { .. }
        );
    let edge = match w {
        Word::Start => Some(Align::Start),
        Word::Center => Some(Align::Center),
        Word::End => Some(Align::End),
        Word::Left if horizontal => Some(Align::Start),
        Word::Right if horizontal => Some(Align::End),
        Word::Top if !horizontal => Some(Align::Start),
        Word::Bottom if !horizontal => Some(Align::End),
        _ => None,
    };
    let justify = |a: Align| match a {
        Align::Start => Justify::Start,
        Align::Center => Justify::Center,
        Align::End => Justify::End,
    };
    match (edge, w) {
        (Some(a), _) => Ok((a, justify(a))),
        (None, Word::SpaceBetween) if spread => Ok((Align::Center, Justify::SpaceBetween)),
        (None, Word::SpaceAround) if spread => Ok((Align::Center, Justify::SpaceAround)),
        (None, Word::SpaceEvenly) if spread => Ok((Align::Center, Justify::SpaceEvenly)),
        _ => {
            let words = match (horizontal, spread) {
                (true, true) => "Left, Center, Right, Start, End, SpaceBetween, SpaceAround or SpaceEvenly",
                (false, true) => "Top, Center, Bottom, Start, End, SpaceBetween, SpaceAround or SpaceEvenly",
                (true, false) => "Left, Center, Right, Start or End",
                (false, false) => "Top, Center, Bottom, Start or End",
            };
            Err(format!(
                "{w:?} does not apply here ({} is {}): use {words}",
                if main { "justify" } else { "align" },
                if horizontal { "horizontal" } else { "vertical" }
            ))
        }
    }
}

/// A container that lays its children out again while they fade in or out.
#[derive(Clone, Debug)]
pub struct Reflow {
    pub flow: Flow,
    /// The point `anchor` names stays put while the size changes.
    pub at: Vec2,
    pub anchor: Anchor,
    /// The children's element indices and measured sizes.
    pub children: Vec<usize>,
    pub sizes: Vec<Vec2>,
    /// Each child's box at rest, in scene coordinates.
    pub rest: Vec<Rect>,
}

impl Reflow {
    /// Each child's box and the container's when child `k` is shown
    /// `weights[k]` (0..=1) of the way.
    pub fn solve(&self, weights: &[f32]) -> Option<(Rect, Vec<Rect>)> {
        let s = solve(&self.flow, &self.sizes, Some(weights)).ok()?;
        let min = self.at - self.anchor.fraction() * s.size;
        let boxes = s
            .children
            .iter()
            .map(|r| Rect {
                min: r.min + min,
                max: r.max + min,
            })
            .collect();
        Some((
            Rect {
                min,
                max: min + s.size,
            },
            boxes,
        ))
    }
}

/// Which point of a box `at` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
pub enum Anchor {
    TopLeft,
    Top,
    TopRight,
    Left,
    Center,
    Right,
    BottomLeft,
    Bottom,
    BottomRight,
}

impl Anchor {
    /// The fraction of the box's width and height the anchor sits at.
    pub fn fraction(self) -> Vec2 {
        match self {
            Anchor::TopLeft => Vec2::new(0.0, 0.0),
            Anchor::Top => Vec2::new(0.5, 0.0),
            Anchor::TopRight => Vec2::new(1.0, 0.0),
            Anchor::Left => Vec2::new(0.0, 0.5),
            Anchor::Center => Vec2::new(0.5, 0.5),
            Anchor::Right => Vec2::new(1.0, 0.5),
            Anchor::BottomLeft => Vec2::new(0.0, 1.0),
            Anchor::Bottom => Vec2::new(0.5, 1.0),
            Anchor::BottomRight => Vec2::new(1.0, 1.0),
        }
    }
}

/// The side of a reference an element is placed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
pub enum Side {
    Below,
    Above,
    LeftOf,
    RightOf,
    /// Centred on it (the alignment picks an edge to share instead).
    On,
}

/// How far `bounds` must move to sit on `side` of `reference`, `gap` away,
/// with the edge `align` names shared (`Center`: centres lined up).
pub fn place_next_to(bounds: Rect, reference: Rect, side: Side, gap: f32, align: Align) -> Vec2 {
    let (b, r) = (bounds, reference);
    let cross = |lo: f32, hi: f32, rlo: f32, rhi: f32| match align {
        Align::Start => rlo - lo,
        Align::Center => (rlo + rhi) * 0.5 - (lo + hi) * 0.5,
        Align::End => rhi - hi,
    };
    match side {
        Side::Below => Vec2::new(cross(b.min.x, b.max.x, r.min.x, r.max.x), r.max.y + gap - b.min.y),
        Side::Above => Vec2::new(cross(b.min.x, b.max.x, r.min.x, r.max.x), r.min.y - gap - b.max.y),
        Side::RightOf => Vec2::new(r.max.x + gap - b.min.x, cross(b.min.y, b.max.y, r.min.y, r.max.y)),
        Side::LeftOf => Vec2::new(r.min.x - gap - b.max.x, cross(b.min.y, b.max.y, r.min.y, r.max.y)),
        Side::On => Vec2::new(
            cross(b.min.x, b.max.x, r.min.x, r.max.x),
            (r.min.y + r.max.y) * 0.5 - (b.min.y + b.max.y) * 0.5,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(direction: Direction) -> Flow {
        let (align, _) = word(None, direction, false).unwrap();
        let (_, justify) = word(None, direction, true).unwrap();
        Flow {
            direction,
            gap: Vec2::new(10.0, 10.0),
            padding: 0.0,
            align,
            justify,
            width: None,
            height: None,
        }
    }

    #[test]
    fn a_row_puts_children_side_by_side_with_gaps() {
        let s = solve(
            &flow(Direction::Row),
            &[Vec2::new(20.0, 20.0), Vec2::new(40.0, 10.0)],
            None,
        )
        .unwrap();
        assert_eq!(s.size, Vec2::new(70.0, 20.0));
        assert_eq!(s.children[0].min, Vec2::new(0.0, 0.0));
        // Vertically centred in the row.
        assert_eq!(s.children[1].min, Vec2::new(30.0, 5.0));
    }

    #[test]
    fn a_column_stacks_and_aligns() {
        let mut f = flow(Direction::Column);
        f.align = Align::End;
        f.padding = 4.0;
        let s = solve(&f, &[Vec2::new(20.0, 20.0), Vec2::new(40.0, 10.0)], None).unwrap();
        assert_eq!(s.size, Vec2::new(48.0, 48.0));
        assert_eq!(s.children[0].min, Vec2::new(24.0, 4.0));
        assert_eq!(s.children[1].min, Vec2::new(4.0, 34.0));
    }

    #[test]
    fn a_grid_sizes_columns_by_their_widest_child() {
        let s = solve(
            &flow(Direction::Grid { columns: 2 }),
            &[
                Vec2::new(10.0, 10.0),
                Vec2::new(30.0, 10.0),
                Vec2::new(20.0, 20.0),
                Vec2::new(10.0, 10.0),
            ],
            None,
        )
        .unwrap();
        assert_eq!(s.size, Vec2::new(60.0, 40.0));
        // Centred in its 20-wide cell of column 0, row 1 (20 tall).
        assert_eq!(s.children[2].min, Vec2::new(0.0, 20.0));
        assert_eq!(s.children[3].min, Vec2::new(40.0, 25.0));
    }

    #[test]
    fn a_stack_overlaps_children_centred() {
        let s = solve(
            &flow(Direction::Stack),
            &[Vec2::new(40.0, 20.0), Vec2::new(10.0, 10.0)],
            None,
        )
        .unwrap();
        assert_eq!(s.size, Vec2::new(40.0, 20.0));
        assert_eq!(s.children[1].min, Vec2::new(15.0, 5.0));
    }

    #[test]
    fn justify_spreads_children_in_a_fixed_row() {
        let mut f = flow(Direction::Row);
        f.width = Some(100.0);
        f.justify = Justify::SpaceBetween;
        let s = solve(&f, &[Vec2::new(20.0, 20.0), Vec2::new(20.0, 20.0)], None).unwrap();
        assert_eq!(s.children[1].min.x, 80.0);
    }

    #[test]
    fn a_child_too_large_for_a_fixed_container_is_an_error() {
        let mut f = flow(Direction::Row);
        f.width = Some(50.0);
        let e = solve(&f, &[Vec2::new(30.0, 20.0), Vec2::new(30.0, 20.0)], None).unwrap_err();
        let ArrangeError::TooLarge { index, message } = e else {
            panic!()
        };
        assert_eq!(index, 1);
        assert!(message.contains("70 px"), "{message}");
    }

    #[test]
    fn a_fading_child_hands_its_room_to_the_others() {
        let f = flow(Direction::Row);
        let sizes = [
            Vec2::new(20.0, 20.0),
            Vec2::new(20.0, 20.0),
            Vec2::new(20.0, 20.0),
        ];
        let full = solve(&f, &sizes, Some(&[1.0, 1.0, 1.0])).unwrap();
        assert_eq!(full, solve(&f, &sizes, None).unwrap());
        let gone = solve(&f, &sizes, Some(&[1.0, 0.0, 1.0])).unwrap();
        assert_eq!(gone.size.x, 50.0);
        assert_eq!(gone.children[2].min.x, 30.0);
        let first_gone = solve(&f, &sizes, Some(&[0.0, 1.0, 1.0])).unwrap();
        assert_eq!(first_gone.children[1].min.x, 0.0);
    }

    #[test]
    fn placing_next_to_shares_an_edge() {
        let r = Rect {
            min: Vec2::new(100.0, 100.0),
            max: Vec2::new(200.0, 150.0),
        };
        let b = Rect {
            min: Vec2::new(0.0, 0.0),
            max: Vec2::new(40.0, 20.0),
        };
        assert_eq!(
            place_next_to(b, r, Side::Below, 10.0, Align::Center),
            Vec2::new(130.0, 160.0)
        );
        assert_eq!(
            place_next_to(b, r, Side::Below, 10.0, Align::Start),
            Vec2::new(100.0, 160.0)
        );
        assert_eq!(
            place_next_to(b, r, Side::RightOf, 8.0, Align::End),
            Vec2::new(208.0, 130.0)
        );
        assert_eq!(
            place_next_to(b, r, Side::Above, 0.0, Align::End),
            Vec2::new(160.0, 80.0)
        );
        assert_eq!(
            place_next_to(b, r, Side::On, 0.0, Align::Center),
            Vec2::new(130.0, 115.0)
        );
    }
}
