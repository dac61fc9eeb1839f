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

/// `v` rounded half away from zero and clamped to 0..=255, as
/// `v.round().clamp(0.0, 255.0)`, without the `roundf` call that
/// `f32::round` is on x86-64's baseline (no SSE4.1): clamping first gives the
/// same result, and on 0..=255 the fraction `v - trunc(v)` is exact.
fn level(v: f32) -> u8 {
    let v = v.clamp(0.0, 255.0);
    let t = v as u8;
    if v - f32::from(t) >= 0.5 {
        t + 1
    } else {
        t
    }
}

/// `i as f32 / 255.0` for every byte value: the same numbers, without a
/// division per channel.
static UNIT: [f32; 256] = {
    let mut t = [0.0f32; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i as f32 / 255.0;
        i += 1;
    }
    t
};

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
    if w == 0 || h == 0 {
        return true;
    }
    let rgb = |p: &[u8]| [UNIT[p[0] as usize], UNIT[p[1] as usize], UNIT[p[2] as usize]];
    // Two rows of pixels and of luma at a time, one row of chroma: slices
    // of exactly the region's width, so the inner loop needs no index checks.
    for (py, rows) in pixels.chunks_exact(8 * w).enumerate() {
        let (top, bottom) = rows.split_at(4 * w);
        let (y0, y1) = ((y + 2 * py) * fw + x, (y + 2 * py + 1) * fw + x);
        let (ya, yb) = ys[y0..y1 + w].split_at_mut(y1 - y0);
        let (ya, yb) = (&mut ya[..w], &mut yb[..w]);
        let ci = (y / 2 + py) * cw + x / 2;
        let (ur, vr) = (&mut us[ci..ci + w / 2], &mut vs[ci..ci + w / 2]);
        let blocks = top.chunks_exact(8).zip(bottom.chunks_exact(8));
        let lumas = ya.chunks_exact_mut(2).zip(yb.chunks_exact_mut(2));
        for ((((t, b), (la, lb)), u_out), v_out) in blocks.zip(lumas).zip(ur.iter_mut()).zip(vr.iter_mut()) {
            let block = [rgb(&t[..4]), rgb(&t[4..]), rgb(&b[..4]), rgb(&b[4..])];
            la[0] = level(16.0 + 219.0 * luma(block[0]));
            la[1] = level(16.0 + 219.0 * luma(block[1]));
            lb[0] = level(16.0 + 219.0 * luma(block[2]));
            lb[1] = level(16.0 + 219.0 * luma(block[3]));
            // The sum in the order `Iterator::sum` adds it, as before.
            let avg = [0, 1, 2].map(|i| (((block[0][i] + block[1][i]) + block[2][i]) + block[3][i]) * 0.25);
            let l = luma(avg);
            let u = (avg[2] - l) / (2.0 * (1.0 - KB));
            let v = (avg[0] - l) / (2.0 * (1.0 - KR));
            *u_out = level(128.0 + 224.0 * u);
            *v_out = level(128.0 + 224.0 * v);
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

    /// The conversion as first written, pixel by pixel with `f32::round`.
    fn reference(frame: &mut Yuv420Image, region: PixelBox, pixels: &[u8]) {
        let fw = frame.width as usize;
        let cw = fw / 2;
        let luma_len = fw * frame.height as usize;
        let (x, y, w, h) = (
            region.x as usize,
            region.y as usize,
            region.width as usize,
            region.height as usize,
        );
        let lv = |v: f32| v.round().clamp(0.0, 255.0) as u8;
        let rgb = |px: usize, py: usize| {
            let i = (py * w + px) * 4;
            [0, 1, 2].map(|k| pixels[i + k] as f32 / 255.0)
        };
        for py in (0..h).step_by(2) {
            for px in (0..w).step_by(2) {
                let block = [rgb(px, py), rgb(px + 1, py), rgb(px, py + 1), rgb(px + 1, py + 1)];
                for (k, c) in block.iter().enumerate() {
                    frame.data[(y + py + k / 2) * fw + x + px + k % 2] = lv(16.0 + 219.0 * luma(*c));
                }
                let avg = [0, 1, 2].map(|i| block.iter().map(|c| c[i]).sum::<f32>() * 0.25);
                let l = luma(avg);
                let ci = ((y + py) / 2) * cw + (x + px) / 2;
                frame.data[luma_len + ci] = lv(128.0 + 224.0 * (avg[2] - l) / (2.0 * (1.0 - KB)));
                frame.data[luma_len + luma_len / 4 + ci] =
                    lv(128.0 + 224.0 * (avg[0] - l) / (2.0 * (1.0 - KR)));
            }
        }
    }

    #[test]
    fn the_fast_conversion_gives_the_reference_planes() {
        // Every byte value in every channel, in noise, at an offset region.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let (w, h) = (96u32, 34u32);
        let pixels: Vec<u8> = (0..w * h * 4)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let region = PixelBox {
            x: 6,
            y: 4,
            width: w,
            height: h,
        };
        let (mut fast, mut slow) = (black(128, 40), black(128, 40));
        assert!(write_region(&mut fast, region, &pixels));
        reference(&mut slow, region, &pixels);
        assert_eq!(fast, slow);
        // Levels at exactly .5 and around it round as `f32::round` does.
        for v in [
            -3.0f32, 0.0, 0.49999997, 0.5, 1.5, 16.5, 234.5, 254.5, 254.6, 255.0, 300.0,
        ] {
            assert_eq!(level(v), v.round().clamp(0.0, 255.0) as u8, "{v}");
        }
        let empty = PixelBox {
            x: 0,
            y: 0,
            width: 0,
            height: 0,
        };
        assert!(write_region(&mut fast, empty, &[]));
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
