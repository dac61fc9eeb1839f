//! Reading frames back from the GPU.
//!
//! `copy_texture_to_buffer` needs rows aligned to
//! [`wgpu::COPY_BYTES_PER_ROW_ALIGNMENT`]; [`padded_bytes_per_row`] computes the
//! stride and [`read_buffer`] strips the padding while copying out.

use super::context::{GpuContext, GpuError};
use crate::image::RgbaImage;

/// Bytes per row of a readback buffer for an RGBA8 image `width` pixels wide.
pub fn padded_bytes_per_row(width: u32) -> u32 {
    let unpadded = width * 4;
    unpadded.div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT) * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT
}

/// Maps all of `buffer` for reading, waiting for the GPU, and returns the
/// mapped bytes; the caller unmaps once the view is dropped.
pub(crate) fn map_read(ctx: &GpuContext, buffer: &wgpu::Buffer) -> Result<wgpu::BufferView, GpuError> {
    let slice = buffer.slice(..);
    let (tx, rx) = std::sync::mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    ctx.wait()?;
    rx.recv()
        .map_err(|e| GpuError::Readback(e.to_string()))?
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    slice
        .get_mapped_range()
        .map_err(|e| GpuError::Readback(e.to_string()))
}

/// Maps `buffer`, copies the image out row by row (dropping the padding) and unmaps.
pub(crate) fn read_buffer(
    ctx: &GpuContext,
    buffer: &wgpu::Buffer,
    width: u32,
    height: u32,
    stride: u32,
) -> Result<RgbaImage, GpuError> {
    let mut image = RgbaImage::new(width, height);
    {
        let mapped = map_read(ctx, buffer)?;
        let row = width as usize * 4;
        for (y, out) in image.data.chunks_exact_mut(row).enumerate() {
            let start = y * stride as usize;
            out.copy_from_slice(&mapped[start..start + row]);
        }
    }
    buffer.unmap();
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_padded_to_the_copy_alignment() {
        assert_eq!(padded_bytes_per_row(64), 256);
        assert_eq!(padded_bytes_per_row(1920), 7680);
        // 854 * 4 = 3416 → next multiple of 256.
        assert_eq!(padded_bytes_per_row(854), 3584);
        assert_eq!(padded_bytes_per_row(1), 256);
        for w in 1..2000 {
            let p = padded_bytes_per_row(w);
            assert_eq!(p % wgpu::COPY_BYTES_PER_ROW_ALIGNMENT, 0);
            assert!(p >= w * 4 && p < w * 4 + wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
        }
    }
}
