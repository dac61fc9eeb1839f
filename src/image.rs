//! 8-bit RGBA images: what a render produces, PNG encoding and decoding, and
//! the comparison used by reference-image tests.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::color::{linear_to_srgb, srgb_to_linear};

/// Largest PNG file read, in bytes: a [`MAX_PNG_SIDE`]² RGBA image stored
/// without compression is 64 MiB; the rest is room for metadata. The scene
/// limit of the same name is this one.
pub const MAX_PNG_BYTES: u64 = 96 * 1024 * 1024;

/// Largest side [`RgbaImage::load_png`] reads, in pixels: the largest render
/// anim writes (`scene::limits::MAX_SIDE`; a unit test there keeps them equal).
pub const MAX_PNG_SIDE: u32 = 4096;

/// The resolution figures record unless told otherwise: print quality.
pub const DEFAULT_DPI: u32 = 300;

/// PNG's `pHYs` unit is pixels per metre: 300 dpi is 11811.
pub fn dots_per_metre(dpi: u32) -> u32 {
    (dpi as f64 / 0.0254).round() as u32
}

/// Tightly packed 8-bit sRGB RGBA pixels, rows top to bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RgbaImage {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// Why an image could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The PNG decoder or encoder failed.
    #[error("PNG error: {0}")]
    Png(String),
    /// The file system failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A PNG whose pixel format anim does not read (only 8-bit RGB and RGBA).
    #[error("unsupported PNG format {0}: anim reads 8-bit RGB and RGBA")]
    Unsupported(String),
    /// The PNG file could not be read (see [`crate::fsread`]).
    #[error(transparent)]
    Read(#[from] crate::fsread::ReadError),
    /// The PNG header declares a size outside the limit: refused before
    /// any pixel is allocated.
    #[error("image {width}x{height} px: each side must be 1..={max}")]
    BadSize {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The largest side allowed.
        max: u32,
    },
}

impl RgbaImage {
    pub fn new(width: u32, height: u32) -> RgbaImage {
        RgbaImage {
            width,
            height,
            data: vec![0; width as usize * height as usize * 4],
        }
    }

    /// Copies `src` into this image with its top-left corner at (`x`, `y`),
    /// clipped to this image.
    pub fn blit(&mut self, src: &RgbaImage, x: u32, y: u32) {
        let w = src.width.min(self.width.saturating_sub(x)) as usize * 4;
        for row in 0..src.height.min(self.height.saturating_sub(y)) as usize {
            let from = row * src.width as usize * 4;
            let to = ((y as usize + row) * self.width as usize + x as usize) * 4;
            self.data[to..to + w].copy_from_slice(&src.data[from..from + w]);
        }
    }

    /// The pixel at (x, y).
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = (y as usize * self.width as usize + x as usize) * 4;
        [self.data[i], self.data[i + 1], self.data[i + 2], self.data[i + 3]]
    }

    /// Undoes premultiplication in linear light, for images rendered over a
    /// transparent background (the GPU stores premultiplied colour).
    pub fn unpremultiply(&mut self) {
        for px in self.data.chunks_exact_mut(4) {
            let a = px[3];
            if a == 0 || a == 255 {
                continue;
            }
            let af = a as f32 / 255.0;
            for c in &mut px[..3] {
                let lin = srgb_to_linear(*c as f32 / 255.0) / af;
                *c = (linear_to_srgb(lin.min(1.0)) * 255.0).round() as u8;
            }
        }
    }

    /// Encodes as PNG into `w`, with no resolution recorded (test images).
    pub fn write_png<W: Write>(&self, w: W) -> Result<(), ImageError> {
        self.encode_png(w, None)
    }

    /// Encodes as PNG into `w` for a figure: with `dpi`, a `pHYs` chunk so
    /// that layout programs place it at its print size. Opaque images are
    /// written as RGB (a quarter smaller, and no alpha channel for a print
    /// workflow to flatten); the colour chunks say sRGB: `sRGB`, plus the
    /// `gAMA` and `cHRM` values the PNG specification gives for it, for
    /// readers that do not know `sRGB`.
    pub fn encode_png<W: Write>(&self, w: W, dpi: Option<u32>) -> Result<(), ImageError> {
        let mut enc = png::Encoder::new(w, self.width, self.height);
        let opaque = self.data.chunks_exact(4).all(|p| p[3] == 255);
        enc.set_color(if opaque {
            png::ColorType::Rgb
        } else {
            png::ColorType::Rgba
        });
        enc.set_depth(png::BitDepth::Eight);
        enc.set_source_srgb(png::SrgbRenderingIntent::Perceptual);
        enc.set_source_gamma(png::ScaledFloat::from_scaled(45455));
        enc.set_source_chromaticities(png::SourceChromaticities::new(
            (0.3127, 0.3290),
            (0.64, 0.33),
            (0.30, 0.60),
            (0.15, 0.06),
        ));
        if let Some(dpi) = dpi {
            let per_metre = dots_per_metre(dpi);
            enc.set_pixel_dims(Some(png::PixelDimensions {
                xppu: per_metre,
                yppu: per_metre,
                unit: png::Unit::Meter,
            }));
        }
        // Fast compression: a 1080p figure is written in a few ms instead of ~100.
        enc.set_compression(png::Compression::Fast);
        let mut writer = enc.write_header().map_err(|e| ImageError::Png(e.to_string()))?;
        let written = if opaque {
            let rgb: Vec<u8> = self
                .data
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect();
            writer.write_image_data(&rgb)
        } else {
            writer.write_image_data(&self.data)
        };
        written.map_err(|e| ImageError::Png(e.to_string()))?;
        writer.finish().map_err(|e| ImageError::Png(e.to_string()))
    }

    /// Writes a PNG file at `path` (not atomically; `render::render_png` writes figures atomically).
    pub fn save_png(&self, path: &Path) -> Result<(), ImageError> {
        let mut f = BufWriter::new(std::fs::File::create(path)?);
        self.write_png(&mut f)?;
        f.flush()?;
        Ok(())
    }

    /// Reads an 8-bit RGB or RGBA PNG of at most [`MAX_SIDE`] pixels a
    /// side (the largest render anim writes).
    ///
    /// [`MAX_SIDE`]: MAX_PNG_SIDE
    pub fn load_png(path: &Path) -> Result<RgbaImage, ImageError> {
        Self::load_png_within(path, MAX_PNG_SIDE, MAX_PNG_BYTES)
    }

    /// Reads an 8-bit RGB or RGBA PNG from a regular file of at most
    /// `max_bytes`, whose sides are at most `max_side` pixels. The size is
    /// checked from the header, before the pixels are allocated: a small
    /// file can declare a huge image (16384² is 1 GiB of RGBA).
    pub fn load_png_within(path: &Path, max_side: u32, max_bytes: u64) -> Result<RgbaImage, ImageError> {
        let bytes = crate::fsread::read_regular_file(path, max_bytes, "PNG files")?;
        let png_err = |e: png::DecodingError| ImageError::Png(e.to_string());
        let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
        let header = dec.read_header_info().map_err(png_err)?;
        let (width, height) = (header.width, header.height);
        if width == 0 || height == 0 || width > max_side || height > max_side {
            return Err(ImageError::BadSize {
                width,
                height,
                max: max_side,
            });
        }
        match (header.color_type, header.bit_depth) {
            (png::ColorType::Rgba | png::ColorType::Rgb, png::BitDepth::Eight) => {}
            (c, d) => return Err(ImageError::Unsupported(format!("{c:?} {d:?}"))),
        }
        let mut reader = dec.read_info().map_err(png_err)?;
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| ImageError::Png("image too large".into()))?;
        let mut buf = vec![0; size];
        let info = reader
            .next_frame(&mut buf)
            .map_err(|e| ImageError::Png(e.to_string()))?;
        buf.truncate(info.buffer_size());
        let data = match (info.color_type, info.bit_depth) {
            (png::ColorType::Rgba, png::BitDepth::Eight) => buf,
            (png::ColorType::Rgb, png::BitDepth::Eight) => buf
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect(),
            (c, d) => return Err(ImageError::Unsupported(format!("{c:?} {d:?}"))),
        };
        Ok(RgbaImage {
            width: info.width,
            height: info.height,
            data,
        })
    }
}

/// How two images differ.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Difference {
    /// Largest absolute channel difference, 0..=255.
    pub max: u8,
    /// Fraction of pixels with any channel differing by more than the threshold.
    pub fraction_over: f64,
}

/// Compares two images of the same size; `threshold` is the per-channel
/// difference that counts a pixel as "different". `None` when sizes differ.
pub fn compare(a: &RgbaImage, b: &RgbaImage, threshold: u8) -> Option<(Difference, RgbaImage)> {
    if a.width != b.width || a.height != b.height {
        return None;
    }
    let mut diff = RgbaImage::new(a.width, a.height);
    let (mut max, mut over) = (0u8, 0usize);
    for ((pa, pb), pd) in a
        .data
        .chunks_exact(4)
        .zip(b.data.chunks_exact(4))
        .zip(diff.data.chunks_exact_mut(4))
    {
        let d = pa.iter().zip(pb).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0);
        max = max.max(d);
        if d > threshold {
            over += 1;
        }
        // Red where different, faint grey copy of the expected image elsewhere.
        let grey = ((pa[0] as u16 + pa[1] as u16 + pa[2] as u16) / 12) as u8;
        pd.copy_from_slice(&if d > threshold {
            [255, 0, 0, 255]
        } else {
            [grey, grey, grey, 255]
        });
    }
    let n = (a.width as usize * a.height as usize).max(1);
    Some((
        Difference {
            max,
            fraction_over: over as f64 / n as f64,
        },
        diff,
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trip() {
        let mut img = RgbaImage::new(3, 2);
        img.data
            .iter_mut()
            .enumerate()
            .for_each(|(i, v)| *v = (i * 10) as u8);
        let mut buf = Vec::new();
        img.write_png(&mut buf).unwrap();
        let dir = std::env::temp_dir().join(format!("anim-img-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.png");
        std::fs::write(&p, &buf).unwrap();
        assert_eq!(RgbaImage::load_png(&p).unwrap(), img);
    }

    #[test]
    fn unpremultiply_restores_straight_colour() {
        // 50% white over transparent, stored premultiplied: linear 0.5 → sRGB 188.
        let mut img = RgbaImage {
            width: 1,
            height: 1,
            data: vec![188, 188, 188, 128],
        };
        img.unpremultiply();
        assert!(img.data[0] >= 254, "{:?}", img.data);
    }

    #[test]
    fn compare_counts_pixels_over_threshold() {
        let a = RgbaImage {
            width: 2,
            height: 1,
            data: vec![0, 0, 0, 255, 10, 10, 10, 255],
        };
        let b = RgbaImage {
            width: 2,
            height: 1,
            data: vec![0, 0, 2, 255, 30, 10, 10, 255],
        };
        let (d, _) = compare(&a, &b, 3).unwrap();
        assert_eq!(d.max, 20);
        assert_eq!(d.fraction_over, 0.5);
        assert!(compare(&a, &RgbaImage::new(1, 1), 3).is_none());
    }
}
