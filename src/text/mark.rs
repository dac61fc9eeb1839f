//! What a vector sink needs to write a glyph as text rather than as its
//! outline ([`crate::vector::pdf`]): the font, the size, the shaping
//! offset, and the characters the glyph stands for.

use std::sync::Arc;

use glam::{Affine2, Vec2};

use super::Glyph;

/// A glyph as text rather than outline: which font, at what size, where
/// from its pen position, standing for which characters.
#[derive(Clone, Debug, PartialEq)]
pub struct GlyphMark {
    /// Index of the font in the book ([`super::FontBook::font_bytes`]).
    pub font: u8,
    pub size: f32,
    /// From `origin` to where the glyph is drawn (the shaping offset).
    pub offset: Vec2,
    /// Its cluster's characters (empty for a cluster's second glyph).
    pub text: Arc<str>,
    /// The space after it on its line (spaces have no outline, so no glyph).
    pub space: Option<crate::snapshot::SpaceAfter>,
}

impl Glyph {
    /// The glyph's [`crate::snapshot::TextMark`] under `xf` (layout or
    /// scene coordinates → scene).
    pub fn text_mark(&self, xf: &Affine2) -> crate::snapshot::TextMark {
        crate::snapshot::TextMark {
            font: self.mark.font,
            glyph: self.id,
            size: self.mark.size,
            xf: *xf * Affine2::from_translation(self.origin + self.mark.offset),
            text: self.mark.text.clone(),
            space: self.mark.space.clone(),
        }
    }
}

/// A space (it has no outline, so no glyph) at pen `x` on line `line`:
/// recorded on the glyph before it on that line, so a PDF writes it.
pub fn space_after(glyphs: &mut [Glyph], line: usize, x: f32, glyph: u16, text: &Arc<str>) {
    if let Some(prev) = glyphs
        .last_mut()
        .filter(|g| g.line == line && g.mark.space.is_none())
    {
        prev.mark.space = Some(crate::snapshot::SpaceAfter {
            glyph,
            dx: x - prev.origin.x - prev.mark.offset.x,
            text: text.clone(),
        });
    }
}

/// The text of each shaped glyph of `line`, whose clusters (byte offsets
/// into `line`, in the glyphs' visual order) are `clusters`: a cluster's
/// characters run up to the next cluster's start and go to its first glyph
/// only, so that the glyphs' texts put together are the line, once.
pub fn cluster_texts(line: &str, clusters: &[usize]) -> Vec<Arc<str>> {
    let mut starts = clusters.to_vec();
    starts.sort_unstable();
    starts.dedup();
    clusters
        .iter()
        .enumerate()
        .map(|(k, &cluster)| {
            let first = k == 0 || clusters[k - 1] != cluster;
            let end = starts
                .get(starts.partition_point(|&c| c <= cluster))
                .copied()
                .unwrap_or(line.len());
            match line.get(cluster..end) {
                Some(t) if first => t.into(),
                _ => "".into(),
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn glyph_texts_put_together_are_the_text_spaces_included() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
        let style = super::super::TextStyle {
            size: 20.0,
            ..Default::default()
        };
        let l = super::super::FontBook::load(&dir)
            .unwrap()
            .layout("2 s · época\nfim", &style)
            .unwrap();
        let texts: Vec<String> = l
            .glyphs
            .iter()
            .map(|g| {
                format!(
                    "{}{}",
                    g.mark.text,
                    g.mark.space.as_ref().map_or("", |s| &*s.text)
                )
            })
            .collect();
        // Spaces go with the glyph before them; the line break is no glyph's.
        assert_eq!(texts.concat(), "2 s · épocafim", "{texts:?}");
        let space = l.glyphs[0].mark.space.as_ref().unwrap();
        assert!(
            space.dx > 5.0 && space.dx < 20.0,
            "after the 2's advance: {space:?}"
        );
    }

    #[test]
    fn each_cluster_goes_to_its_first_glyph() {
        // "ffi" as one ligature glyph, then "x" as a base and a mark.
        let texts = cluster_texts("ffix", &[0, 3, 3]);
        assert_eq!(texts.iter().map(|t| &**t).collect::<Vec<_>>(), ["ffi", "x", ""]);
        // Right to left: the clusters come in decreasing order.
        let rtl = cluster_texts("ab", &[1, 0]);
        assert_eq!(rtl.iter().map(|t| &**t).collect::<Vec<_>>(), ["b", "a"]);
        // Multi-byte characters stay whole.
        let pt = cluster_texts("ção", &[0, 2, 4]);
        assert_eq!(pt.iter().map(|t| &**t).collect::<Vec<_>>(), ["ç", "ã", "o"]);
    }
}
