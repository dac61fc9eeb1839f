//! Text set and placed for the scene: the font book's layout moved to where
//! a scene puts it, within the scene limits. Loading places every static
//! text with it; widgets whose text changes with time call it while painting,
//! through the fonts the scene owns (nothing else is looked up at frame time).

use glam::Vec2;

use super::limits;
use crate::color::Color;
use crate::geom::Rect;
use crate::text::{Align, FontBook, TextBlock, TextError, TextStyle};

/// Why text could not be laid out.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    /// The fonts could not set it (a missing glyph, say).
    #[error(transparent)]
    Font(#[from] TextError),
    /// The text or its size is over a limit.
    #[error("{0}")]
    Limit(String),
}

/// Lays out text and places it: `at` is the centre (Center), left middle
/// (Left) or right middle (Right) of the block.
pub fn place_layout(
    fonts: &FontBook,
    text: &str,
    style: &TextStyle,
    at: Vec2,
    color: Color,
) -> Result<TextBlock, LayoutError> {
    if !style.size.is_finite() || style.size <= 0.0 || style.size > limits::MAX_WIDTH {
        return Err(LayoutError::Limit(format!(
            "text size must be within (0, {}], got {}",
            limits::MAX_WIDTH,
            style.size
        )));
    }
    if text.chars().count() > limits::MAX_TEXT_CHARS {
        return Err(LayoutError::Limit(format!(
            "text is longer than {} characters",
            limits::MAX_TEXT_CHARS
        )));
    }
    let layout = fonts.layout(text, style)?;
    let size = layout.size;
    let x = match style.align {
        Align::Left => at.x,
        Align::Center => at.x - size.x * 0.5,
        Align::Right => at.x - size.x,
    };
    let top_left = Vec2::new(x, at.y - size.y * 0.5);
    let shift = glam::Affine2::from_translation(top_left);
    let glyphs = layout
        .glyphs
        .into_iter()
        .map(|mut g| {
            g.path = g.path.transformed(&shift);
            g.origin += top_left;
            g
        })
        .collect();
    Ok(TextBlock {
        glyphs,
        chars: text.chars().count(),
        color,
        bounds: Rect {
            min: top_left,
            max: top_left + size,
        },
    })
}
