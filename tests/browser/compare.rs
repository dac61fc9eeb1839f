//! How a browser frame differs from anim's still ([`Diff`]: PSNR, mean and
//! worst 16×16 block), and the extremes of those figures over a run.

use anim::image::RgbaImage;

use crate::{MAX_BLOCK_MEAN, MAX_MEAN, MIN_PSNR};

/// How a browser frame differs from the still, over the RGB channels.
#[derive(Clone, Copy, Debug)]
pub struct Diff {
    /// Whole-frame PSNR in dB (infinite when identical).
    pub psnr: f64,
    /// Mean absolute difference over the whole frame, in levels.
    pub mean: f64,
    /// The largest mean absolute difference of a 16×16 block, in levels.
    pub worst_block: f64,
}

impl Diff {
    pub fn passes(&self) -> bool {
        self.worst_block <= MAX_BLOCK_MEAN && self.mean <= MAX_MEAN && self.psnr >= MIN_PSNR
    }
}

pub fn diff(a: &RgbaImage, b: &RgbaImage) -> Diff {
    assert_eq!((a.width, a.height), (b.width, b.height));
    const BLOCK: usize = 16;
    let (w, h) = (a.width as usize, a.height as usize);
    let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    let mut blocks = vec![(0u64, 0u64); bw * bh];
    let (mut abs, mut sq) = (0u64, 0u64);
    for y in 0..h {
        for x in 0..w {
            let i = (y * w + x) * 4;
            let mut d = 0u64;
            for c in 0..3 {
                let e = u64::from(a.data[i + c].abs_diff(b.data[i + c]));
                d += e;
                sq += e * e;
            }
            abs += d;
            let block = &mut blocks[(y / BLOCK) * bw + x / BLOCK];
            block.0 += d;
            block.1 += 3;
        }
    }
    let samples = (w * h * 3) as f64;
    let mse = sq as f64 / samples;
    Diff {
        psnr: 10.0 * (255.0 * 255.0 / mse).log10(),
        mean: abs as f64 / samples,
        worst_block: blocks
            .iter()
            .map(|&(sum, n)| sum as f64 / n as f64)
            .fold(0.0, f64::max),
    }
}

/// The worst values of [`Diff`]s seen, both ways.
pub struct Extremes {
    pub count: usize,
    pub min_psnr: f64,
    pub max_psnr: f64,
    pub max_mean: f64,
    pub min_mean: f64,
    pub max_block: f64,
    pub min_block: f64,
}

impl Default for Extremes {
    fn default() -> Self {
        Extremes {
            count: 0,
            min_psnr: f64::INFINITY,
            max_psnr: 0.0,
            max_mean: 0.0,
            min_mean: f64::INFINITY,
            max_block: 0.0,
            min_block: f64::INFINITY,
        }
    }
}

impl Extremes {
    pub fn add(&mut self, d: Diff) {
        self.count += 1;
        self.min_psnr = self.min_psnr.min(d.psnr);
        self.max_psnr = self.max_psnr.max(d.psnr);
        self.max_mean = self.max_mean.max(d.mean);
        self.min_mean = self.min_mean.min(d.mean);
        self.max_block = self.max_block.max(d.worst_block);
        self.min_block = self.min_block.min(d.worst_block);
    }
}
