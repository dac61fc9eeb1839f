//! RGBA → BT.709 limited-range yuv420p on the CPU, for a rectangle of a
//! frame at a time.
//!
//! The video encoder keeps the previous frame's planes and converts only
//! the rectangle that changed (see `crate::damage`), so on a software
//! adapter colour conversion costs in proportion to what moved instead of
//! a whole-frame conversion per frame. The arithmetic is shaders/yuv.wgsl's,
//! in the same order (sRGB-encoded values, chroma from the plain average of
//! each 2×2 block), so either path gives the same planes within one level.

use crate::damage::PixelBox;

/// A yuv420p frame: the Y plane (`width × height` bytes), then U, then V
/// (`width/2 × height/2` bytes each), tightly packed.
#[derive(Clone, Debug, PartialEq)]
pub struct Yuv420Image {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl Yuv420Image {
    /// The Y, U and V planes.
    pub fn planes(&self) -> (&[u8], &[u8], &[u8]) {
        let luma = self.width as usize * self.height as usize;
        let chroma = luma / 4;
        let (y, rest) = self.data.split_at(luma.min(self.data.len()));
        let (u, v) = rest.split_at(chroma.min(rest.len()));
        (y, u, v)
    }
}

const KR: f32 = 0.2126;
const KB: f32 = 0.0722;
const KG: f32 = 0.7152;

fn luma(c: [f32; 3]) -> f32 {
    KR * c[0] + KG * c[1] + KB * c[2]
}

fn level(v: f32) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// A black (Y 16, U/V 128) yuv420p frame.
pub fn black(width: u32, height: u32) -> Yuv420Image {
    let luma = width as usize * height as usize;
    let chroma = (width as usize / 2) * (height as usize / 2);
    let mut data = vec![16u8; luma + 2 * chroma];
    data[luma..].fill(128);
    Yuv420Image { width, height, data }
}

/// Grows `b` to even coordinates and sizes (4:2:0 chroma covers 2×2 blocks),
/// within a `width`×`height` frame whose sides are even.
pub fn align_to_chroma(b: PixelBox, width: u32, height: u32) -> PixelBox {
    let (x0, y0) = (b.x & !1, b.y & !1);
    let x1 = (b.x + b.width).div_ceil(2) * 2;
    let y1 = (b.y + b.height).div_ceil(2) * 2;
    let (x1, y1) = (x1.min(width), y1.min(height));
    PixelBox {
        x: x0,
        y: y0,
        width: x1.saturating_sub(x0),
        height: y1.saturating_sub(y0),
    }
}

/// Converts `pixels` (RGBA, `region.width × region.height`, opaque) into
/// `frame`'s planes at `region`, which must be chroma-aligned
/// ([`align_to_chroma`]) and inside the frame; returns false (and changes
/// nothing) when it is not.
pub fn write_region(frame: &mut Yuv420Image, region: PixelBox, pixels: &[u8]) -> bool {
    let (fw, fh) = (frame.width as usize, frame.height as usize);
    let PixelBox { x, y, width, height } = region;
    let (x, y, w, h) = (x as usize, y as usize, width as usize, height as usize);
    let aligned = x % 2 == 0 && y % 2 == 0 && w % 2 == 0 && h % 2 == 0;
    if !aligned || x + w > fw || y + h > fh || pixels.len() != w * h * 4 || fw % 2 != 0 || fh % 2 != 0 {
        return false;
    }
    let luma_len = fw * fh;
    let cw = fw / 2;
    let chroma_len = cw * (fh / 2);
    let (ys, rest) = frame.data.split_at_mut(luma_len);
    let (us, vs) = rest.split_at_mut(chroma_len);
    let rgb = |px: usize, py: usize| {
        let i = (py * w + px) * 4;
        [
            pixels[i] as f32 / 255.0,
            pixels[i + 1] as f32 / 255.0,
            pixels[i + 2] as f32 / 255.0,
        ]
    };
    for py in (0..h).step_by(2) {
        for px in (0..w).step_by(2) {
            let block = [rgb(px, py), rgb(px + 1, py), rgb(px, py + 1), rgb(px + 1, py + 1)];
            for (k, c) in block.iter().enumerate() {
                let (dx, dy) = (k % 2, k / 2);
                ys[(y + py + dy) * fw + x + px + dx] = level(16.0 + 219.0 * luma(*c));
            }
            let avg = [0, 1, 2].map(|i| block.iter().map(|c| c[i]).sum::<f32>() * 0.25);
            let l = luma(avg);
            let u = (avg[2] - l) / (2.0 * (1.0 - KB));
            let v = (avg[0] - l) / (2.0 * (1.0 - KR));
            let ci = ((y + py) / 2) * cw + (x + px) / 2;
            us[ci] = level(128.0 + 224.0 * u);
            vs[ci] = level(128.0 + 224.0 * v);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
        (0..w * h).flat_map(|_| [rgb[0], rgb[1], rgb[2], 255]).collect()
    }

    #[test]
    fn flat_colours_get_bt709_limited_levels() {
        let mut f = black(4, 2);
        let all = PixelBox::whole(4, 2);
        assert!(write_region(&mut f, all, &solid(4, 2, [255, 255, 255])));
        let (y, u, v) = f.planes();
        assert!(y.iter().all(|&l| l == 235) && u == [128, 128] && v == [128, 128]);
        assert!(write_region(&mut f, all, &solid(4, 2, [0, 0, 0])));
        assert!(f.planes().0.iter().all(|&l| l == 16));
        // Pure red: Y = 16 + 219 * 0.2126, V at the top of its range.
        assert!(write_region(&mut f, all, &solid(4, 2, [255, 0, 0])));
        let (y, _, v) = f.planes();
        assert_eq!((y[0], v[0]), (63, 240));
    }

    #[test]
    fn a_region_changes_only_its_pixels() {
        let mut f = black(8, 4);
        let b = PixelBox {
            x: 2,
            y: 2,
            width: 4,
            height: 2,
        };
        assert!(write_region(&mut f, b, &solid(4, 2, [255, 255, 255])));
        let (y, u, _) = f.planes();
        for row in 0..4 {
            for col in 0..8 {
                let inside = (2..6).contains(&col) && (2..4).contains(&row);
                assert_eq!(y[row * 8 + col], if inside { 235 } else { 16 }, "({col},{row})");
            }
        }
        assert_eq!(u, [128; 8]);
    }

    #[test]
    fn misaligned_regions_are_refused_and_aligning_fixes_them() {
        let mut f = black(8, 4);
        let b = PixelBox {
            x: 1,
            y: 1,
            width: 3,
            height: 2,
        };
        assert!(!write_region(&mut f, b, &solid(3, 2, [255, 0, 0])));
        assert_eq!(f, black(8, 4));
        assert_eq!(align_to_chroma(b, 8, 4), PixelBox::whole(4, 4));
    }
}
