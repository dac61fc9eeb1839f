//! A group: no drawing of its own; its children (resolved by the tree walk
//! in `scene::resolve`, its spec is `GroupSpec` beside the registry) move,
//! scale, rotate and fade with it.

use super::paint::PaintCx;
use super::state::ParamDef;
use super::widget::Widget;
use crate::color::Color;
use crate::geom::PathData;
use crate::text::TextBlock;

#[derive(Clone, Debug)]
pub struct Group;

impl Widget for Group {
    const PARAMS: &'static [ParamDef<Self>] = &[];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        Vec::new()
    }
    fn base_color(&self) -> Option<Color> {
        None
    }
    fn reads_others(&self) -> bool {
        false
    }
    fn writable(&self) -> bool {
        false
    }
    fn outline(&self) -> Option<&PathData> {
        None
    }
    fn paint(&self, _cx: &mut PaintCx<'_>) {}
}
