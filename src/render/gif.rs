//! The animated GIF: frames scaled down to a web size (box filter), taken
//! at the GIF's own frame rate, mapped onto one global palette of at most
//! 256 colours (NeuQuant, from the still frame and the first frame), and
//! written as the rectangle that changed since the frame before (a hold is
//! one frame with a longer delay). With a transparent background, index 255
//! is transparent (a pixel under half opaque) and every frame is whole.

use std::collections::HashMap;
use std::io::{BufWriter, Write};

use color_quant::NeuQuant;

use crate::image::RgbaImage;

/// NeuQuant's sampling factor: 1 looks at every pixel, 30 at a thirtieth; 10 is its recommended balance.
const SAMPLE_FACTOR: i32 = 10;

/// The GIF's pixel size for a render `width`×`height` at most `max_width`
/// wide: the same aspect ratio, never larger than the render.
pub fn gif_size((width, height): (u32, u32), max_width: u32) -> (u32, u32) {
    let w = max_width.clamp(1, width.max(1));
    let h = ((height as u64 * w as u64 + width as u64 / 2) / width.max(1) as u64).max(1) as u32;
    (w, h)
}

/// The WebM's and WebP's size for a render at most `max_width` wide: as
/// [`gif_size`], both sides even (VP9's 4:2:0 wants it), never larger than the render.
pub fn web_size((width, height): (u32, u32), max_width: u32) -> (u32, u32) {
    let w = (max_width.min(width) & !1).max(2);
    let (w64, width64) = (u64::from(w), u64::from(width.max(1)));
    let h = (u64::from(height) * w64 + width64) / (2 * width64) * 2;
    (w, (h as u32).clamp(2, (height & !1).max(2)))
}

/// Whether render frame `i` at `fps` is one of the frames kept at `out_fps`
/// (at most `fps`): the first frame of each `1 / out_fps` s, so that the
/// duration stays the same.
pub fn picked(i: u64, fps: u32, out_fps: u32) -> bool {
    let (g, f) = (u64::from(out_fps.clamp(1, fps.max(1))), u64::from(fps.max(1)));
    i == 0 || i * g / f != (i - 1) * g / f
}

/// `img` scaled to `w`×`h` by averaging the source pixels under each
/// target pixel (premultiplied, so transparent pixels add no colour).
pub fn downscale(img: &RgbaImage, (w, h): (u32, u32)) -> RgbaImage {
    if (img.width, img.height) == (w, h) {
        return img.clone();
    }
    let (sw, sh) = (img.width as usize, img.height as usize);
    let span = |i: usize, n: usize, s: usize| (i * s / n, ((i + 1) * s / n).max(i * s / n + 1).min(s));
    let mut out = RgbaImage::new(w, h);
    for y in 0..h as usize {
        let (y0, y1) = span(y, h as usize, sh);
        for x in 0..w as usize {
            let (x0, x1) = span(x, w as usize, sw);
            let mut acc = [0u64; 4];
            for sy in y0..y1 {
                for px in img.data[(sy * sw + x0) * 4..(sy * sw + x1) * 4].chunks_exact(4) {
                    let a = px[3] as u64;
                    for c in 0..3 {
                        acc[c] += px[c] as u64 * a;
                    }
                    acc[3] += a;
                }
            }
            let n = ((y1 - y0) * (x1 - x0)) as u64;
            let o = (y * w as usize + x) * 4;
            for c in 0..3 {
                out.data[o + c] = (acc[c] + acc[3] / 2).checked_div(acc[3]).unwrap_or(0) as u8;
            }
            out.data[o + 3] = (acc[3] + n / 2).checked_div(n).unwrap_or(0) as u8;
        }
    }
    out
}

/// One global palette and the colours already mapped onto it.
pub struct Palette {
    quant: NeuQuant,
    /// `r g b` triples, at most 256.
    pub rgb: Vec<u8>,
    /// The transparent index, when the background is left out.
    pub transparent: Option<u8>,
    cache: HashMap<[u8; 3], u8>,
}

impl Palette {
    /// A palette for `samples` (RGBA): 256 colours, or 255 and a transparent index.
    pub fn new(samples: &[&RgbaImage], transparent: bool) -> Palette {
        let mut pixels: Vec<u8> = Vec::new();
        for img in samples {
            for p in img.data.chunks_exact(4).filter(|p| !transparent || p[3] >= 128) {
                pixels.extend([p[0], p[1], p[2], 255]);
            }
        }
        if pixels.is_empty() {
            pixels.extend([0, 0, 0, 255]);
        }
        let colours = if transparent { 255 } else { 256 };
        let quant = NeuQuant::new(SAMPLE_FACTOR, colours, &pixels);
        let mut rgb = quant.color_map_rgb();
        let transparent = transparent.then(|| {
            rgb.truncate(255 * 3);
            rgb.extend([0, 0, 0]);
            255u8
        });
        Palette {
            quant,
            rgb,
            transparent,
            cache: HashMap::new(),
        }
    }

    /// The index of each pixel of `img`.
    pub fn index(&mut self, img: &RgbaImage) -> Vec<u8> {
        let mut out = Vec::with_capacity(img.data.len() / 4);
        for p in img.data.chunks_exact(4) {
            if let (Some(t), true) = (self.transparent, p[3] < 128) {
                out.push(t);
                continue;
            }
            let key = [p[0], p[1], p[2]];
            let quant = &self.quant;
            let i = *self
                .cache
                .entry(key)
                .or_insert_with(|| quant.index_of(&[p[0], p[1], p[2], 255]) as u8);
            out.push(i);
        }
        out
    }
}

/// A GIF being written: frames are given at the render's frame rate and
/// the ones the GIF's rate keeps are written, each once its delay is known.
pub struct GifWriter<W: Write> {
    encoder: gif::Encoder<BufWriter<W>>,
    palette: Palette,
    size: (u32, u32),
    /// The render's frame rate and the GIF's (at most the render's).
    fps: u32,
    gif_fps: u32,
    /// Render frames seen.
    seen: u64,
    /// The frame written last, whole, as indices.
    shown: Option<Vec<u8>>,
    /// The frame waiting for its delay: its rectangle, indices, and start (centiseconds).
    pending: Option<(Rect, Vec<u8>, u64)>,
    /// GIF frames written.
    pub frames: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rect {
    x: u32,
    y: u32,
    w: u32,
    h: u32,
}

impl<W: Write> GifWriter<W> {
    /// Starts a GIF of `size` pixels with `palette`, from frames at `fps`
    /// shown at `gif_fps`; it loops forever.
    pub fn new(
        out: W,
        size: (u32, u32),
        palette: Palette,
        fps: u32,
        gif_fps: u32,
    ) -> Result<GifWriter<W>, String> {
        let side = |v: u32| u16::try_from(v).map_err(|_| format!("{v} px is too large for a GIF"));
        let mut encoder = gif::Encoder::new(BufWriter::new(out), side(size.0)?, side(size.1)?, &palette.rgb)
            .map_err(|e| e.to_string())?;
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .map_err(|e| e.to_string())?;
        Ok(GifWriter {
            encoder,
            palette,
            size,
            fps: fps.max(1),
            gif_fps: gif_fps.clamp(1, fps.max(1)),
            seen: 0,
            shown: None,
            pending: None,
            frames: 0,
        })
    }

    /// Centiseconds from the start at render frame `i`.
    fn centis(&self, i: u64) -> u64 {
        (i * 100 + u64::from(self.fps) / 2) / u64::from(self.fps)
    }

    /// The next render frame is the same as the one before.
    pub fn repeat(&mut self) {
        self.seen += 1;
    }

    /// The next render frame (already at the GIF's size).
    pub fn push(&mut self, img: &RgbaImage) -> Result<(), String> {
        let i = self.seen;
        self.seen += 1;
        if !picked(i, self.fps, self.gif_fps) {
            return Ok(()); // not a frame at the GIF's rate
        }
        let indices = self.palette.index(img);
        let whole = Rect {
            x: 0,
            y: 0,
            w: self.size.0,
            h: self.size.1,
        };
        let rect = match (&self.shown, self.palette.transparent) {
            (Some(prev), None) => match changed(prev, &indices, self.size) {
                None => return Ok(()), // the same picture: the frame before lasts longer
                Some(r) => r,
            },
            _ => whole,
        };
        let cut = crop(&indices, self.size.0, rect);
        let start = self.centis(i);
        self.flush(start)?;
        self.pending = Some((rect, cut, start));
        self.shown = Some(indices);
        Ok(())
    }

    /// Writes the pending frame, which lasts until `until` (centiseconds).
    fn flush(&mut self, until: u64) -> Result<(), String> {
        let Some((rect, buffer, start)) = self.pending.take() else {
            return Ok(());
        };
        let frame = gif::Frame {
            delay: u16::try_from(until.saturating_sub(start).max(1)).unwrap_or(u16::MAX),
            dispose: if self.palette.transparent.is_some() {
                gif::DisposalMethod::Background
            } else {
                gif::DisposalMethod::Keep
            },
            transparent: self.palette.transparent,
            left: rect.x as u16,
            top: rect.y as u16,
            width: rect.w as u16,
            height: rect.h as u16,
            buffer: std::borrow::Cow::Owned(buffer),
            ..gif::Frame::default()
        };
        self.encoder.write_frame(&frame).map_err(|e| e.to_string())?;
        self.frames += 1;
        Ok(())
    }

    /// Writes the last frame and the trailer; returns the writer.
    pub fn finish(mut self) -> Result<W, String> {
        let end = self.centis(self.seen);
        self.flush(end)?;
        let out = self.encoder.into_inner().map_err(|e| e.to_string())?;
        out.into_inner().map_err(|e| e.error().to_string())
    }
}

/// The rectangle around the pixels that differ, or `None`.
fn changed(a: &[u8], b: &[u8], (w, h): (u32, u32)) -> Option<Rect> {
    let (w, h) = (w as usize, h as usize);
    let row_differs = |y: usize| a[y * w..(y + 1) * w] != b[y * w..(y + 1) * w];
    let y0 = (0..h).find(|&y| row_differs(y))?;
    let y1 = (0..h).rev().find(|&y| row_differs(y)).unwrap_or(y0) + 1;
    let col_differs = |x: usize| (y0..y1).any(|y| a[y * w + x] != b[y * w + x]);
    let x0 = (0..w).find(|&x| col_differs(x)).unwrap_or(0);
    let x1 = (0..w).rev().find(|&x| col_differs(x)).unwrap_or(w - 1) + 1;
    Some(Rect {
        x: x0 as u32,
        y: y0 as u32,
        w: (x1 - x0) as u32,
        h: (y1 - y0) as u32,
    })
}

fn crop(indices: &[u8], width: u32, r: Rect) -> Vec<u8> {
    let (w, x0, x1) = (width as usize, r.x as usize, (r.x + r.w) as usize);
    (r.y as usize..(r.y + r.h) as usize)
        .flat_map(|y| indices[y * w + x0..y * w + x1].iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(w: u32, h: u32, c: [u8; 4]) -> RgbaImage {
        RgbaImage {
            width: w,
            height: h,
            data: (0..w * h).flat_map(|_| c).collect(),
        }
    }

    #[test]
    fn sizes_keep_the_aspect_and_never_grow() {
        assert_eq!(gif_size((1920, 1080), 960), (960, 540));
        assert_eq!(gif_size((640, 360), 960), (640, 360));
        let half = downscale(&solid(4, 2, [200, 100, 0, 255]), (2, 1));
        assert_eq!(half.data, [200, 100, 0, 255, 200, 100, 0, 255]);
    }

    #[test]
    fn web_sizes_are_even_and_rates_keep_the_duration() {
        assert_eq!(web_size((1920, 1080), 960), (960, 540));
        assert_eq!(web_size((1920, 1080), 854), (854, 480));
        assert_eq!(web_size((1920, 1080), 1281), (1280, 720));
        assert_eq!(web_size((1920, 1080), 4000), (1920, 1080));
        assert_eq!(
            web_size((853, 479), 900),
            (852, 478),
            "never larger than the render"
        );
        let kept = |fps, out| (0..1440).filter(|&i| picked(i, fps, out)).count();
        assert_eq!(kept(60, 30), 720);
        assert_eq!(kept(60, 24), 576);
        assert_eq!(kept(60, 60), 1440);
        assert_eq!(kept(30, 60), 1440, "never more frames than the render");
    }

    #[test]
    fn holds_merge_and_changes_are_rectangles() {
        let mut a = solid(8, 4, [255, 255, 255, 255]);
        let palette = Palette::new(&[&a, &solid(1, 1, [255, 0, 0, 255])], false);
        let mut gif = GifWriter::new(Vec::new(), (8, 4), palette, 10, 10).unwrap();
        gif.push(&a).unwrap();
        gif.push(&a).unwrap();
        a.data[(2 * 8 + 3) * 4..(2 * 8 + 3) * 4 + 4].copy_from_slice(&[255, 0, 0, 255]);
        gif.push(&a).unwrap();
        let bytes = gif.finish().unwrap();
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::Indexed);
        let mut d = options.read_info(&bytes[..]).unwrap();
        let first = d.read_next_frame().unwrap().unwrap().clone();
        assert_eq!(
            (first.width, first.delay),
            (8, 20),
            "the hold is one frame of 0.2 s"
        );
        let second = d.read_next_frame().unwrap().unwrap().clone();
        assert_eq!(
            (second.left, second.top, second.width, second.height),
            (3, 2, 1, 1)
        );
        assert!(d.read_next_frame().unwrap().is_none());
    }
}
