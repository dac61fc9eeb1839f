//! [`VideoEncoder`]: frames into libx264 and the MP4 muxer, segment by
//! segment, on the calling thread.

use std::path::{Path, PathBuf};

use ffmpeg_next as ffmpeg;

use ffmpeg::format::Pixel;
use ffmpeg::util::color;
use ffmpeg::{codec, encoder, format, frame, Dictionary, Packet, Rational};

use super::packets::EncodedPacket;
use super::settings::{init_ffmpeg, keyframe_interval, validate, x264_params, VideoError, VideoSettings};
use crate::damage::PixelBox;

/// Tags a frame BT.709 limited range, matching the encoder.
fn tag_frame(frame: &mut frame::Video) {
    frame.set_color_primaries(color::Primaries::BT709);
    frame.set_color_transfer_characteristic(color::TransferCharacteristic::BT709);
    frame.set_color_space(color::Space::BT709);
    frame.set_color_range(color::Range::MPEG);
}

/// Makes `frame`'s buffers writable: the encoder may still hold a reference to the previous frame's data.
fn make_writable(frame: &mut frame::Video, index: u64) -> Result<(), VideoError> {
    // SAFETY: `frame` owns a valid AVFrame allocated by `frame::Video::new`.
    let ret = unsafe { ffmpeg::sys::av_frame_make_writable(frame.as_mut_ptr()) };
    if ret < 0 {
        return Err(VideoError::Encode {
            frame: index,
            source: ffmpeg::Error::from(ret),
        });
    }
    Ok(())
}

/// Copies a tightly packed plane (`row_bytes` per row) into a frame plane whose stride may be larger.
fn copy_plane(frame: &mut frame::Video, plane: usize, src: &[u8], row_bytes: usize) {
    let stride = frame.stride(plane);
    let dst = frame.data_mut(plane);
    for (src_row, dst_row) in src.chunks_exact(row_bytes).zip(dst.chunks_mut(stride)) {
        dst_row[..row_bytes].copy_from_slice(src_row);
    }
}

/// Opens a libx264 encoder for `settings` (time base 1/fps: a frame's pts is its index).
fn open_x264(
    codec: ffmpeg::Codec,
    settings: &VideoSettings,
    global_header: bool,
) -> Result<encoder::video::Encoder, VideoError> {
    let fps = i32::try_from(settings.fps)
        .map_err(|_| VideoError::InvalidSettings(format!("fps {} is too large", settings.fps)))?;
    let mut ctx = codec::context::Context::new_with_codec(codec)
        .encoder()
        .video()
        .map_err(VideoError::OpenEncoder)?;
    ctx.set_width(settings.width);
    ctx.set_height(settings.height);
    ctx.set_format(Pixel::YUV420P);
    ctx.set_time_base(Rational::new(1, fps));
    ctx.set_frame_rate(Some(Rational::new(fps, 1)));
    ctx.set_aspect_ratio(Rational::new(1, 1));
    ctx.set_color_primaries(color::Primaries::BT709);
    ctx.set_color_transfer_characteristic(color::TransferCharacteristic::BT709);
    ctx.set_colorspace(color::Space::BT709);
    ctx.set_color_range(color::Range::MPEG);
    ctx.set_gop(keyframe_interval(settings.fps));
    let mut flags = codec::Flags::CLOSED_GOP;
    if global_header {
        flags |= codec::Flags::GLOBAL_HEADER;
    }
    ctx.set_flags(flags);

    let mut options = Dictionary::new();
    options.set("profile", "high");
    options.set("preset", &settings.preset);
    options.set("crf", &settings.crf.to_string());
    options.set("x264-params", &x264_params(settings.fps));
    ctx.open_with(options).map_err(VideoError::OpenEncoder)
}

/// Encodes frames into an H.264 (High profile, yuv420p, BT.709) MP4 file.
///
/// The video can be made of *segments* ([`VideoEncoder::begin_segment`]):
/// each is encoded by a fresh libx264 encoder, so it starts with an IDR frame
/// and depends on nothing before it, and its packets are the same whatever
/// came before. A segment of an earlier video made with the same settings
/// can then be written again as it is ([`VideoEncoder::copy_segment`])
/// instead of being rendered and encoded, and the result decodes to exactly
/// the frames a full encode gives.
pub struct VideoEncoder {
    path: PathBuf,
    width: u32,
    height: u32,
    output: format::context::Output,
    /// The current segment's libx264; `None` between segments, so that two are
    /// never alive at once (each holds ~100–200 MB of frames at 1080p).
    encoder: Option<encoder::video::Encoder>,
    encoder_time_base: Rational,
    stream_time_base: Rational,
    stream_index: usize,
    yuv: frame::Video,
    frames: u64,
    /// To open the next segment's encoder with.
    codec: ffmpeg::Codec,
    settings: VideoSettings,
    global_header: bool,
    /// Whether `encoder` has been given no frame yet.
    fresh: bool,
}

impl VideoEncoder {
    /// Creates the MP4 file at exactly `path` (MP4 whatever the extension) and opens libx264.
    ///
    /// Nothing is created if the settings are invalid; if a later step fails the partial file is removed.
    pub fn create(path: &Path, settings: &VideoSettings) -> Result<VideoEncoder, VideoError> {
        validate(settings)?;
        init_ffmpeg()?;
        let codec = encoder::find_by_name("libx264").ok_or(VideoError::NoX264)?;

        let output = format::output_as(path, "mp4").map_err(|source| VideoError::CreateFile {
            path: path.to_path_buf(),
            source,
        })?;
        match Self::setup(path, settings, codec, output) {
            Ok(enc) => Ok(enc),
            Err(e) => {
                // `setup` consumed and closed the output; remove the partial file.
                let _ = std::fs::remove_file(path);
                Err(e)
            }
        }
    }

    fn setup(
        path: &Path,
        settings: &VideoSettings,
        codec: ffmpeg::Codec,
        mut output: format::context::Output,
    ) -> Result<VideoEncoder, VideoError> {
        let (width, height) = (settings.width, settings.height);
        let fps = i32::try_from(settings.fps)
            .map_err(|_| VideoError::InvalidSettings(format!("fps {} is too large", settings.fps)))?;
        let encoder_time_base = Rational::new(1, fps);
        let global_header = output.format().flags().contains(format::Flags::GLOBAL_HEADER);

        let encoder = open_x264(codec, settings, global_header)?;

        let stream_index = {
            let mut stream = output
                .add_stream(codec)
                .map_err(|source| VideoError::CreateFile {
                    path: path.to_path_buf(),
                    source,
                })?;
            stream.set_parameters(&encoder);
            stream.set_time_base(encoder_time_base);
            stream.set_rate(Rational::new(fps, 1));
            stream.set_avg_frame_rate(Rational::new(fps, 1));
            stream.index()
        };

        if let Some(comment) = &settings.comment {
            let mut metadata = Dictionary::new();
            metadata.set("comment", comment);
            output.set_metadata(metadata);
        }
        let mut header_options = Dictionary::new();
        header_options.set("movflags", "+faststart");
        output
            .write_header_with(header_options)
            .map_err(|source| VideoError::CreateFile {
                path: path.to_path_buf(),
                source,
            })?;
        // The MP4 muxer picks its own time base (e.g. 1/15360) in write_header: read it back.
        let stream_time_base =
            output
                .stream(stream_index)
                .map(|s| s.time_base())
                .ok_or(VideoError::CreateFile {
                    path: path.to_path_buf(),
                    source: ffmpeg::Error::StreamNotFound,
                })?;

        let mut yuv = frame::Video::new(Pixel::YUV420P, width, height);
        tag_frame(&mut yuv);

        Ok(VideoEncoder {
            path: path.to_path_buf(),
            width,
            height,
            output,
            encoder: Some(encoder),
            encoder_time_base,
            stream_time_base,
            stream_index,
            yuv,
            frames: 0,
            codec,
            settings: settings.clone(),
            global_header,
            fresh: true,
        })
    }

    /// Ends the current segment: the next frame starts a new one, encoded by
    /// a fresh libx264 encoder (an IDR frame, nothing referring back).
    pub fn begin_segment(&mut self) -> Result<(), VideoError> {
        if self.fresh || self.encoder.is_none() {
            return Ok(());
        }
        self.flush()?;
        // Freed before the next one is opened (by the next frame).
        self.encoder = None;
        Ok(())
    }

    /// Writes a segment of an earlier video made with the same settings as it
    /// is: `packets` (times in frames, as [`read_packets`] gives them) are the
    /// frames `frames_written()..frames_written() + frames`.
    pub fn copy_segment(&mut self, packets: &[EncodedPacket], frames: u64) -> Result<(), VideoError> {
        self.begin_segment()?;
        for p in packets {
            let mut packet = Packet::copy(&p.data);
            packet.set_pts(Some(p.pts));
            packet.set_dts(Some(p.dts));
            packet.set_duration(p.duration.max(1));
            if p.key {
                packet.set_flags(ffmpeg::packet::Flags::KEY);
            }
            self.write(packet)?;
        }
        self.frames += frames;
        Ok(())
    }

    /// Frame width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Frame height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Encodes one frame: tightly packed 8-bit sRGB RGBA, `width * 4` bytes per row. Alpha is ignored.
    pub fn push_rgba(&mut self, rgba: &[u8]) -> Result<(), VideoError> {
        check_rgba_len(rgba.len(), self.width, self.height)?;
        // The encoder thread's converter, on the whole frame (crate::yuv).
        let mut planes = crate::yuv::black(self.width, self.height);
        let whole = PixelBox::whole(self.width, self.height);
        if !crate::yuv::write_region(&mut planes, whole, rgba) {
            return Err(VideoError::BadUpdate(format!(
                "an RGBA frame of {} bytes does not fill {}x{}",
                rgba.len(),
                self.width,
                self.height
            )));
        }
        let (y, u, v) = planes.planes();
        self.push_yuv420p(y, u, v)
    }

    /// Encodes one frame given as BT.709 limited-range yuv420p planes, tightly packed
    /// (`y`: `width * height` bytes, `u` and `v`: `width/2 * height/2` bytes). Converts nothing.
    pub fn push_yuv420p(&mut self, y: &[u8], u: &[u8], v: &[u8]) -> Result<(), VideoError> {
        let (w, h) = (self.width as usize, self.height as usize);
        let planes = [("Y", y, w * h), ("U", u, w / 2 * h / 2), ("V", v, w / 2 * h / 2)];
        for (plane, data, expected) in planes {
            if data.len() != expected {
                return Err(VideoError::PlaneSize {
                    plane,
                    got: data.len(),
                    expected,
                    width: self.width,
                    height: self.height,
                });
            }
        }
        make_writable(&mut self.yuv, self.frames)?;
        copy_plane(&mut self.yuv, 0, y, w);
        copy_plane(&mut self.yuv, 1, u, w / 2);
        copy_plane(&mut self.yuv, 2, v, w / 2);
        self.send_yuv_frame()
    }

    /// Number of frames accepted so far.
    pub fn frames_written(&self) -> u64 {
        self.frames
    }

    /// Flushes the encoder and writes the MP4 index. The file is complete only after this returns `Ok`.
    pub fn finish(mut self) -> Result<(), VideoError> {
        if !self.fresh {
            self.flush()?;
        }
        self.output.write_trailer().map_err(|source| VideoError::Write {
            path: self.path.clone(),
            source,
        })
    }

    /// Sends the end of the stream to the current encoder and writes what it still holds.
    fn flush(&mut self) -> Result<(), VideoError> {
        if let Some(encoder) = &mut self.encoder {
            encoder.send_eof().map_err(|source| VideoError::Encode {
                frame: self.frames,
                source,
            })?;
        }
        self.drain()
    }

    /// Sends `self.yuv` (already filled) with pts = frame index, then writes any ready packets.
    fn send_yuv_frame(&mut self) -> Result<(), VideoError> {
        let pts = i64::try_from(self.frames).unwrap_or(i64::MAX);
        self.yuv.set_pts(Some(pts));
        tag_frame(&mut self.yuv);
        let encoder = match &mut self.encoder {
            Some(e) => e,
            None => {
                self.fresh = true;
                self.encoder
                    .insert(open_x264(self.codec, &self.settings, self.global_header)?)
            }
        };
        encoder
            .send_frame(&self.yuv)
            .map_err(|source| VideoError::Encode {
                frame: self.frames,
                source,
            })?;
        self.frames += 1;
        self.fresh = false;
        self.drain()
    }

    /// Writes every packet the encoder has ready.
    fn drain(&mut self) -> Result<(), VideoError> {
        let mut packet = Packet::empty();
        loop {
            let Some(encoder) = &mut self.encoder else {
                return Ok(());
            };
            match encoder.receive_packet(&mut packet) {
                Ok(()) => {}
                Err(ffmpeg::Error::Other {
                    errno: ffmpeg::error::EAGAIN,
                })
                | Err(ffmpeg::Error::Eof) => {
                    return Ok(());
                }
                Err(source) => {
                    return Err(VideoError::Encode {
                        frame: self.frames,
                        source,
                    })
                }
            }
            if packet.duration() == 0 {
                packet.set_duration(1);
            }
            self.write(std::mem::replace(&mut packet, Packet::empty()))?;
        }
    }

    /// Writes a packet with times in frames to the file.
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

pub(super) fn check_rgba_len(len: usize, width: u32, height: u32) -> Result<(), VideoError> {
    let expected = width as usize * height as usize * 4;
    if len != expected {
        return Err(VideoError::FrameSize {
            got: len,
            expected,
            width,
            height,
        });
    }
    Ok(())
}
