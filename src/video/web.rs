//! [`WebEncoder`]: the videos besides the MP4, through the same linked
//! FFmpeg: VP9 in WebM (libvpx-vp9), animated WebP (libwebp_anim) and
//! ProRes 4444 in QuickTime (prores_ks), each from whole RGBA frames.
//!
//! What each is asked for ([`WebCodec::of`]):
//!
//! | file | encoder | pixels | settings |
//! |---|---|---|---|
//! | `.webm` | libvpx-vp9 | yuv420p, yuva420p with `transparent` | constant quality `crf` [`VP9_CRF`], `b=0`, `deadline=good`, `cpu-used=4`, `row-mt=1`, a keyframe every 2 s |
//! | `.webp` | libwebp_anim | BGRA (libwebp converts) | lossy `quality` [`WEBP_QUALITY`], loops forever |
//! | `.mov` | prores_ks | yuva444p10le | `profile=4444` (alpha 16 bits, opaque without `transparent`); a held frame is the packet before again (ProRes is intra-only) |
//!
//! Frames are BT.709 limited range (tagged so), converted here on the CPU
//! (the arithmetic of [`crate::yuv`]); the alpha plane is the frame's alpha.
//! FFmpeg's own VP9 decoder drops the alpha of a WebM: decode with
//! `-c:v libvpx-vp9` to see it (browsers do).

use std::path::{Path, PathBuf};

use ffmpeg_next as ffmpeg;

use ffmpeg::format::Pixel;
use ffmpeg::util::color;
use ffmpeg::{codec, encoder, format, frame, Dictionary, Packet, Rational};

use super::settings::{init_ffmpeg, keyframe_interval, VideoError};
use crate::damage::PixelBox;

/// libvpx-vp9's constant-quality level (0 best … 63): flat graphics at
/// 1080p stay sharp at 32 (the text's edges too), at about the MP4's size.
pub const VP9_CRF: u8 = 32;

/// libwebp's lossy quality (0 … 100).
pub const WEBP_QUALITY: u8 = 80;

/// Test hook: an encoder named here is treated as missing from the linked
/// FFmpeg, so the error path of a system without it can be tested.
pub const MISSING_ENCODER_ENV: &str = "ANIM_TEST_MISSING_ENCODER";

/// What one of the other video formats is made with.
#[derive(Clone, Debug, PartialEq)]
pub struct WebCodec {
    /// The format's name, for errors: `webm`, `webp`, `mov`.
    pub format: &'static str,
    /// FFmpeg's encoder and muxer.
    pub encoder: &'static str,
    pub muxer: &'static str,
    pub pixel: Pixel,
    /// Options to open the encoder with.
    pub options: Vec<(&'static str, String)>,
    /// Options of the muxer's header.
    pub header: Vec<(&'static str, &'static str)>,
    /// Every frame is coded on its own (ProRes): a repeated frame is the
    /// packet before written again, not encoded again.
    pub intra: bool,
}

impl WebCodec {
    /// The codec of `format` (`webm`, `webp` or `mov`) at `fps`, keeping
    /// alpha when `transparent`; `None` for another name.
    pub fn of(format: &str, fps: u32, transparent: bool) -> Option<WebCodec> {
        Some(match format {
            "webm" => WebCodec {
                format: "webm",
                encoder: "libvpx-vp9",
                muxer: "webm",
                pixel: if transparent {
                    Pixel::YUVA420P
                } else {
                    Pixel::YUV420P
                },
                options: vec![
                    ("crf", VP9_CRF.to_string()),
                    ("b", "0".into()),
                    ("deadline", "good".into()),
                    ("cpu-used", "4".into()),
                    ("row-mt", "1".into()),
                    ("g", keyframe_interval(fps).to_string()),
                    ("threads", "auto".into()),
                ],
                header: vec![],
                intra: false,
            },
            "webp" => WebCodec {
                format: "webp",
                encoder: "libwebp_anim",
                muxer: "webp",
                pixel: Pixel::BGRA,
                options: vec![("quality", WEBP_QUALITY.to_string()), ("lossless", "0".into())],
                header: vec![("loop", "0")],
                intra: false,
            },
            "mov" => WebCodec {
                format: "mov",
                encoder: "prores_ks",
                muxer: "mov",
                pixel: Pixel::YUVA444P10LE,
                options: vec![
                    ("profile", "4444".into()),
                    ("vendor", "apl0".into()),
                    ("threads", "auto".into()),
                ],
                header: vec![],
                intra: true,
            },
            _ => return None,
        })
    }
}

/// One of the other videos being written, frame by frame.
pub struct WebEncoder {
    path: PathBuf,
    codec: WebCodec,
    width: u32,
    height: u32,
    output: format::context::Output,
    encoder: encoder::video::Encoder,
    frame: frame::Video,
    encoder_time_base: Rational,
    stream_time_base: Rational,
    stream_index: usize,
    frames: u64,
    /// The last packet written (times in frames), for an intra-only codec's repeats.
    last: Option<Packet>,
    /// Packets received from the encoder: below `frames` while it holds some (frame threads).
    received: u64,
}

impl WebEncoder {
    /// Creates `path` for `codec` at `width`×`height` and `fps`, and opens the encoder.
    pub fn create(
        path: &Path,
        codec: WebCodec,
        (width, height): (u32, u32),
        fps: u32,
    ) -> Result<WebEncoder, VideoError> {
        init_ffmpeg()?;
        let missing = std::env::var(MISSING_ENCODER_ENV).is_ok_and(|m| m == codec.encoder);
        let found = encoder::find_by_name(codec.encoder).filter(|_| !missing);
        let Some(found) = found else {
            return Err(VideoError::NoEncoder {
                format: codec.format,
                encoder: codec.encoder,
            });
        };
        let fail = |source| VideoError::CreateFile {
            path: path.to_path_buf(),
            source,
        };
        let mut output = format::output_as(path, codec.muxer).map_err(fail)?;
        let made = (|| {
            let fps_i = i32::try_from(fps).map_err(|_| VideoError::InvalidSettings(format!("fps {fps}")))?;
            let time_base = Rational::new(1, fps_i);
            let mut ctx = codec::context::Context::new_with_codec(found)
                .encoder()
                .video()
                .map_err(|e| open_error(&codec, e))?;
            ctx.set_width(width);
            ctx.set_height(height);
            ctx.set_format(codec.pixel);
            ctx.set_time_base(time_base);
            ctx.set_frame_rate(Some(Rational::new(fps_i, 1)));
            ctx.set_aspect_ratio(Rational::new(1, 1));
            if codec.pixel != Pixel::BGRA {
                ctx.set_color_primaries(color::Primaries::BT709);
                ctx.set_color_transfer_characteristic(color::TransferCharacteristic::BT709);
                ctx.set_colorspace(color::Space::BT709);
                ctx.set_color_range(color::Range::MPEG);
            }
            if output.format().flags().contains(format::Flags::GLOBAL_HEADER) {
                ctx.set_flags(codec::Flags::GLOBAL_HEADER);
            }
            let mut options = Dictionary::new();
            for (k, v) in &codec.options {
                options.set(k, v);
            }
            let encoder = ctx.open_with(options).map_err(|e| open_error(&codec, e))?;
            let stream_index = {
                let mut stream = output.add_stream(found).map_err(fail)?;
                stream.set_parameters(&encoder);
                stream.set_time_base(time_base);
                stream.set_rate(Rational::new(fps_i, 1));
                stream.set_avg_frame_rate(Rational::new(fps_i, 1));
                stream.index()
            };
            let mut header = Dictionary::new();
            for (k, v) in &codec.header {
                header.set(k, v);
            }
            output.write_header_with(header).map_err(fail)?;
            let stream_time_base = output
                .stream(stream_index)
                .map(|s| s.time_base())
                .ok_or(fail(ffmpeg::Error::StreamNotFound))?;
            Ok((encoder, time_base, stream_time_base, stream_index))
        })();
        let (encoder, encoder_time_base, stream_time_base, stream_index) = match made {
            Ok(m) => m,
            Err(e) => {
                drop(output);
                let _ = std::fs::remove_file(path);
                return Err(e);
            }
        };
        let mut frame = frame::Video::new(codec.pixel, width, height);
        if codec.pixel != Pixel::BGRA {
            frame.set_color_primaries(color::Primaries::BT709);
            frame.set_color_transfer_characteristic(color::TransferCharacteristic::BT709);
            frame.set_color_space(color::Space::BT709);
            frame.set_color_range(color::Range::MPEG);
        }
        Ok(WebEncoder {
            path: path.to_path_buf(),
            codec,
            width,
            height,
            output,
            encoder,
            frame,
            encoder_time_base,
            stream_time_base,
            stream_index,
            frames: 0,
            last: None,
            received: 0,
        })
    }

    /// The format's name (`webm`, `webp`, `mov`).
    pub fn format(&self) -> &'static str {
        self.codec.format
    }

    /// Encodes one frame: straight (not premultiplied) sRGB RGBA, `width * 4` bytes a row.
    pub fn push_rgba(&mut self, rgba: &[u8]) -> Result<(), VideoError> {
        super::encoder::check_rgba_len(rgba.len(), self.width, self.height)?;
        // SAFETY: `self.frame` owns a valid AVFrame allocated by `frame::Video::new`.
        let ret = unsafe { ffmpeg::sys::av_frame_make_writable(self.frame.as_mut_ptr()) };
        if ret < 0 {
            return Err(self.encode_error(ffmpeg::Error::from(ret)));
        }
        let (w, h) = (self.width as usize, self.height as usize);
        match self.codec.pixel {
            Pixel::BGRA => {
                let packed: Vec<u8> = rgba
                    .chunks_exact(4)
                    .flat_map(|p| [p[2], p[1], p[0], p[3]])
                    .collect();
                copy_plane(&mut self.frame, 0, &packed, w * 4);
            }
            Pixel::YUVA444P10LE => {
                let planes = yuva444p10(rgba);
                for (i, plane) in planes.iter().enumerate() {
                    copy_plane(&mut self.frame, i, plane, w * 2);
                }
            }
            pixel => {
                let mut yuv = crate::yuv::black(self.width, self.height);
                if !crate::yuv::write_region(&mut yuv, PixelBox::whole(self.width, self.height), rgba) {
                    return Err(VideoError::BadUpdate(format!("{w}x{h} frame")));
                }
                let (y, u, v) = yuv.planes();
                copy_plane(&mut self.frame, 0, y, w);
                copy_plane(&mut self.frame, 1, u, w / 2);
                copy_plane(&mut self.frame, 2, v, w / 2);
                if pixel == Pixel::YUVA420P {
                    let alpha: Vec<u8> = rgba.chunks_exact(4).map(|p| p[3]).collect();
                    copy_plane(&mut self.frame, 3, &alpha, w);
                }
            }
        }
        self.send()
    }

    /// Sends `self.frame` (filled) with pts = frame index, and writes what is ready.
    fn send(&mut self) -> Result<(), VideoError> {
        let pts = i64::try_from(self.frames).unwrap_or(i64::MAX);
        self.frame.set_pts(Some(pts));
        self.encoder
            .send_frame(&self.frame)
            .map_err(|e| self.encode_error(e))?;
        self.frames += 1;
        self.drain()
    }

    /// Encodes the frame before again (nothing to convert).
    pub fn repeat(&mut self) -> Result<(), VideoError> {
        if self.frames == 0 {
            return Err(VideoError::BadUpdate("a repeat before the first frame".into()));
        }
        let idle = self.received == self.frames;
        if let Some(last) = self.last.as_ref().filter(|_| self.codec.intra && idle) {
            let mut packet = last.clone();
            let pts = i64::try_from(self.frames).unwrap_or(i64::MAX);
            packet.set_pts(Some(pts));
            packet.set_dts(Some(pts));
            self.frames += 1;
            self.received += 1;
            return self.write(packet);
        }
        self.send()
    }

    /// Flushes the encoder and finishes the file; returns the frame count.
    pub fn finish(mut self) -> Result<u64, VideoError> {
        self.encoder.send_eof().map_err(|e| self.encode_error(e))?;
        self.drain()?;
        self.output.write_trailer().map_err(|source| VideoError::Write {
            path: self.path.clone(),
            source,
        })?;
        Ok(self.frames)
    }

    fn encode_error(&self, source: ffmpeg::Error) -> VideoError {
        VideoError::EncodeFormat {
            format: self.codec.format,
            encoder: self.codec.encoder,
            frame: self.frames,
            source,
        }
    }

    fn drain(&mut self) -> Result<(), VideoError> {
        let mut packet = Packet::empty();
        loop {
            match self.encoder.receive_packet(&mut packet) {
                Ok(()) => {}
                Err(ffmpeg::Error::Other {
                    errno: ffmpeg::error::EAGAIN,
                })
                | Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(e) => return Err(self.encode_error(e)),
            }
            if packet.duration() == 0 {
                packet.set_duration(1);
            }
            self.received += 1;
            if self.codec.intra {
                self.last = Some(packet.clone());
            }
            self.write(std::mem::replace(&mut packet, Packet::empty()))?;
        }
    }

    /// Writes a packet with times in frames.
    fn write(&mut self, mut packet: Packet) -> Result<(), VideoError> {
        packet.set_stream(self.stream_index);
        packet.rescale_ts(self.encoder_time_base, self.stream_time_base);
        packet
            .write_interleaved(&mut self.output)
            .map_err(|source| VideoError::Write {
                path: self.path.clone(),
                source,
            })
    }
}

fn open_error(codec: &WebCodec, source: ffmpeg::Error) -> VideoError {
    VideoError::OpenFormat {
        format: codec.format,
        encoder: codec.encoder,
        source,
    }
}

/// Copies a tightly packed plane (`row_bytes` a row) into a frame plane whose stride may be larger.
fn copy_plane(frame: &mut frame::Video, plane: usize, src: &[u8], row_bytes: usize) {
    let stride = frame.stride(plane);
    let dst = frame.data_mut(plane);
    for (src_row, dst_row) in src.chunks_exact(row_bytes).zip(dst.chunks_mut(stride)) {
        dst_row[..row_bytes].copy_from_slice(src_row);
    }
}

/// Straight sRGB RGBA → BT.709 limited-range 4:4:4 Y, Cb, Cr and full-range
/// alpha, 10 bits little-endian (ProRes 4444).
pub fn yuva444p10(rgba: &[u8]) -> [Vec<u8>; 4] {
    const KR: f32 = 0.2126;
    const KB: f32 = 0.0722;
    let n = rgba.len() / 4;
    let mut planes = [(); 4].map(|_| Vec::with_capacity(n * 2));
    let ten = |v: f32, max: f32| (v.round().clamp(0.0, max) as u16).to_le_bytes();
    for p in rgba.chunks_exact(4) {
        let [r, g, b] = [p[0], p[1], p[2]].map(|c| c as f32 / 255.0);
        let y = KR * r + (1.0 - KR - KB) * g + KB * b;
        let cb = (b - y) / (2.0 * (1.0 - KB));
        let cr = (r - y) / (2.0 * (1.0 - KR));
        planes[0].extend(ten(64.0 + 876.0 * y, 1023.0));
        planes[1].extend(ten(512.0 + 896.0 * cb, 1023.0));
        planes[2].extend(ten(512.0 + 896.0 * cr, 1023.0));
        planes[3].extend(ten(p[3] as f32 * 1023.0 / 255.0, 1023.0));
    }
    planes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prores_levels_are_bt709_limited_ten_bit() {
        let [y, cb, cr, a] = yuva444p10(&[255, 255, 255, 255, 0, 0, 0, 0]);
        let word = |v: &[u8], i: usize| u16::from_le_bytes([v[2 * i], v[2 * i + 1]]);
        assert_eq!(
            (word(&y, 0), word(&cb, 0), word(&cr, 0), word(&a, 0)),
            (940, 512, 512, 1023)
        );
        assert_eq!((word(&y, 1), word(&a, 1)), (64, 0));
    }

    #[test]
    fn each_format_names_its_codec() {
        assert_eq!(
            WebCodec::of("webm", 30, true).map(|c| c.pixel),
            Some(Pixel::YUVA420P)
        );
        assert_eq!(
            WebCodec::of("webm", 30, false).map(|c| c.pixel),
            Some(Pixel::YUV420P)
        );
        assert_eq!(
            WebCodec::of("mov", 30, false).map(|c| c.encoder),
            Some("prores_ks")
        );
        assert!(WebCodec::of("mp4", 30, false).is_none());
    }
}
