//! Limits that keep a scene file from exhausting memory or time. Documented
//! in docs/scene-format.md.

/// Largest scene file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Largest theme file read, in bytes (the shipped one is 2 KiB).
pub const MAX_THEME_BYTES: u64 = 1024 * 1024;
/// Largest CSV data file read, in bytes: room for [`MAX_POINTS`] rows
/// of a dozen columns.
pub const MAX_CSV_BYTES: u64 = 16 * 1024 * 1024;
/// Largest PNG file read, in bytes: a [`MAX_IMAGE_SIDE`]² RGBA image
/// stored without compression is 64 MiB; the rest is room for metadata.
pub const MAX_PNG_BYTES: u64 = crate::image::MAX_PNG_BYTES;
/// Largest output side, in pixels, after `--scale`. Memory grows with
/// the pixel count: measured peak RSS on lavapipe for a 30-frame video
/// is 0.95 GiB at 4096x2304, 1.5 GiB at 4096x4096 and 3.2 GiB at
/// 8192x4608 (x264 holds dozens of frames in flight), and no H.264
/// level allows 8192x4608 anyway (level 6.2 stops at 8192x4352). 4096
/// keeps a video at the limit under 2 GiB and still covers the book's
/// `--scale 2` prints (3840x2160). See docs/scene-format.md, Limits.
pub const MAX_SIDE: u32 = 4096;
/// Longest scene, in seconds.
pub const MAX_DURATION: f64 = 600.0;
/// Highest frame rate.
pub const MAX_FPS: u32 = 120;
/// Most elements, counting group children.
pub const MAX_ELEMENTS: usize = 5000;
/// Most timeline steps.
pub const MAX_STEPS: usize = 5000;
/// Panels of a storyboard (and columns of its grid): a printed page holds no more.
pub const MAX_STORYBOARD_PANELS: usize = 24;
/// Longest `Keyframe` caption, in chars (it is cut to its panel's width anyway).
pub const MAX_CAPTION_CHARS: usize = 200;
/// Longest text, in chars.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Deepest group nesting.
pub const MAX_DEPTH: usize = 16;
/// Largest image side, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 4096;
/// Most points in one chart series or polyline.
pub const MAX_POINTS: usize = 100_000;
/// Most rows, and most columns, of a heatmap's grid (an attention map of
/// 64 tokens; 4096 cells, each a path and maybe a number) or a table.
pub const MAX_GRID_SIDE: usize = 64;
/// Most points, and most vectors, in one Scatter: each is its own dot,
/// label and paths, laid out at load (an embedding figure has dozens).
pub const MAX_SCATTER_POINTS: usize = 10_000;
/// Most samples of a LineChart series given as a function of x: each is
/// one evaluation of its expression.
pub const MAX_SAMPLES: usize = 10_000;
/// Largest coordinate, in scene units, of any element or movement (the
/// frame itself is at most [`MAX_SIDE`]).
pub const MAX_COORD: f32 = 100_000.0;
/// Thickest stroke and largest text, in scene units.
pub const MAX_WIDTH: f32 = 1000.0;
/// Largest `Scale` factor.
pub const MAX_SCALE: f64 = 100.0;

/// Largest `Code` source (written in the scene or read from its file),
/// in bytes: a page of code is a few KiB.
pub const MAX_CODE_BYTES: u64 = 64 * 1024;
/// Most lines of one `Code` block (a 1080 px frame shows 36 at the small
/// size); each is highlighted and shaped at load.
pub const MAX_CODE_LINES: usize = 200;
/// Most characters in one line of a `Code` block, tabs expanded.
pub const MAX_CODE_LINE_CHARS: usize = 200;

/// Most columns in a `Grid`.
pub const MAX_GRID_COLUMNS: usize = 256;

#[cfg(test)]
mod tests {
    #[test]
    fn the_png_reader_reads_the_largest_render() {
        assert_eq!(crate::image::MAX_PNG_SIDE, super::MAX_SIDE);
    }
}
