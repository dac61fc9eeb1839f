//! A group: no drawing of its own; its children (resolved by the tree walk
//! in `scene::resolve`, its spec is `GroupSpec` beside the registry) move,
//! scale, rotate and fade with it.

use super::paint::PaintCx;
use super::state::ParamDef;
use super::widget::{Caps, Widget};
use crate::text::TextBlock;

#[derive(Clone, Debug)]
pub struct Group;

impl Widget for Group {
    const PARAMS: &'static [ParamDef<Self>] = &[];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        Vec::new()
    }
    fn caps(&self) -> Caps<'_> {
        Caps::NONE
    }
    fn paint(&self, _cx: &mut PaintCx<'_>) {}
}
