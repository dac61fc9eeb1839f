//! The output formats `anim render --format` names, and the list it takes.

/// One kind of output file, named by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// The still: the scene's final frame (or `--frame`), `NAME.png`.
    Png,
    /// H.264 in MP4, `NAME.mp4`: the book's video, plays everywhere.
    Mp4,
    /// VP9 in WebM, `NAME.webm`: for web pages; with `--transparent`, VP9 with alpha.
    Webm,
    /// Animated GIF, `NAME.gif`, at `--gif-width` and `--gif-fps`.
    Gif,
    /// Animated WebP (libwebp), `NAME.webp`.
    Webp,
    /// ProRes 4444 with alpha in QuickTime, `NAME.mov`: for video editors.
    Mov,
    /// The still as a vector PDF, `NAME.pdf`: for print; its text stays text.
    Pdf,
    /// The still as SVG, `NAME.svg`: text as outlines, the same in every viewer.
    Svg,
    /// The key moments side by side, `NAME.storyboard.png` and `NAME.storyboard.pdf`.
    Storyboard,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Png,
        Format::Mp4,
        Format::Webm,
        Format::Gif,
        Format::Webp,
        Format::Mov,
        Format::Pdf,
        Format::Svg,
        Format::Storyboard,
    ];

    /// What `--format` and `-o FILE.ext` call it; also its file extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Mp4 => "mp4",
            Format::Webm => "webm",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Mov => "mov",
            Format::Pdf => "pdf",
            Format::Svg => "svg",
            Format::Storyboard => "storyboard",
        }
    }

    /// The format named `name` (any case).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// The web and editor videos, fed from one frame loop ([`crate::render::web`]);
    /// the MP4 has its own path (segments kept from an earlier render).
    pub fn is_web(self) -> bool {
        matches!(self, Format::Webm | Format::Gif | Format::Webp | Format::Mov)
    }

    /// The vector stills, written from the frame's display list with no GPU
    /// ([`crate::vector`]).
    pub fn is_vector(self) -> bool {
        matches!(self, Format::Pdf | Format::Svg)
    }

    /// Whether the format shows one moment (the still, or `--frame`) rather than the timeline.
    pub fn is_still(self) -> bool {
        matches!(self, Format::Png | Format::Pdf | Format::Svg)
    }

    /// Whether this format needs anim's `video` feature (FFmpeg).
    pub fn needs_ffmpeg(self) -> bool {
        matches!(self, Format::Mp4 | Format::Webm | Format::Webp | Format::Mov)
    }
}

/// Parses `--format`'s comma list (`png,mp4,webm`): each word once, in the
/// order given; an unknown word says which it was and what it may have meant.
pub fn parse_formats(s: &str) -> Result<Vec<Format>, String> {
    let mut out = Vec::new();
    for word in s.split(',').map(str::trim) {
        if word.is_empty() {
            return Err(
                "an empty name in the list: give names separated by commas, e.g. png,mp4,webm".into(),
            );
        }
        let Some(f) = Format::from_name(word) else {
            let names = Format::ALL.map(Format::name);
            return Err(format!(
                "unknown format \"{word}\"{}; the formats are {}",
                crate::suggest::hint(word, names),
                names.join(", ")
            ));
        };
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse_and_typos_are_named() {
        assert_eq!(parse_formats("png,mp4"), Ok(vec![Format::Png, Format::Mp4]));
        assert_eq!(
            parse_formats("WEBM, gif,webm"),
            Ok(vec![Format::Webm, Format::Gif])
        );
        let e = parse_formats("png,wbem").unwrap_err();
        assert!(
            e.contains("unknown format \"wbem\" (did you mean \"webm\"?)"),
            "{e}"
        );
        assert!(
            e.contains("png, mp4, webm, gif, webp, mov, pdf, svg, storyboard"),
            "{e}"
        );
        assert!(parse_formats("png,,mp4").unwrap_err().contains("empty"));
        assert_eq!(parse_formats("pdf,SVG"), Ok(vec![Format::Pdf, Format::Svg]));
        assert!(parse_formats("tiff")
            .unwrap_err()
            .contains("unknown format \"tiff\""));
    }
}
