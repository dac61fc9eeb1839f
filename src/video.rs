//! H.264 / MP4 video encoding through the linked FFmpeg libraries (ffmpeg-next, libx264).
//!
//! No `ffmpeg` process is spawned: frames go from the renderer straight into libx264 and the MP4 muxer.
//!
//! # Colour: BT.709, limited range
//! Rendered frames are 8-bit sRGB. They are converted to YUV 4:2:0 with the **BT.709** matrix into
//! **limited (MPEG/TV) range** (Y 16–235, Cb/Cr 16–240), and the stream is tagged BT.709
//! primaries / transfer / matrix and `tv` range. That is what HD video uses and what players, browsers and
//! editors assume for untagged HD content, so colours come back as drawn. swscale's default is the BT.601
//! matrix: saturated colours then come back 9–18 levels off per channel (measured: `#2da44e` green G −18,
//! `#1f6feb` blue R −9) in any player that (correctly) decodes BT.709-tagged video with BT.709. Full range is avoided because many players ignore the range flag.
//!
//! RGB→YUV uses `SWS_BILINEAR | SWS_ACCURATE_RND` (see [`SWS_FLAGS`]).
//!
//! # Container
//! The output is always MP4 (whatever the file extension), written with `movflags=+faststart` so that the
//! index (`moov`) sits before the media data (`mdat`): browsers and players can start playing a file
//! served over HTTP before it is fully downloaded.
//!
//! # Size rule
//! yuv420p stores one chroma sample per 2×2 pixels, so width and height must both be even;
//! [`VideoEncoder::create`] returns [`VideoError::OddSize`] with a suggested even size otherwise.
//!
//! # Threading
//! [`VideoEncoder`] is synchronous: [`VideoEncoder::push_rgba`] converts and encodes on the calling thread
//! (libx264 itself also uses worker threads). [`EncoderThread`] moves one encoder onto a dedicated thread
//! fed through a bounded queue of [`QUEUE_CAPACITY`] frames, so rendering the next frame overlaps with
//! encoding the previous ones; when the queue is full, [`EncoderThread::send`] blocks, which bounds memory
//! (each 1080p RGBA frame is ~8 MB, and the queue holds at most [`QUEUE_FRAMES_OF_PIXELS`] frames' bytes).
//! The encoder is created on the caller's thread so setup errors surface at once; an encoding error
//! stops the thread and is returned by the next `send` and by `finish`.
//!
//! An encoder dropped without `finish` leaves an incomplete file: write to a temporary path and rename it
//! after `finish` succeeds.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::JoinHandle;

use ffmpeg_next as ffmpeg;

use crate::damage::PixelBox;
use crate::yuv::Yuv420Image;

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling;
use ffmpeg::util::color;
use ffmpeg::{codec, encoder, format, frame, Dictionary, Packet, Rational};

/// Frames the [`EncoderThread`] queue holds before [`EncoderThread::send`] blocks.
pub const QUEUE_CAPACITY: usize = 4;

/// Whole frames' worth of pixels the [`EncoderThread`] queue holds at most
/// (frames sent as small patches take less): when the whole frame changes,
/// two queued frames already keep the encoder busy, and every more one is
/// 8 MB at 1080p, for nothing.
pub const QUEUE_FRAMES_OF_PIXELS: usize = 2;

/// swscale flags for RGBA → yuv420p: `BILINEAR | ACCURATE_RND`.
///
/// * `BILINEAR`: the filter used for the 2:1 chroma subsampling (no resizing happens).
/// * `ACCURATE_RND`: measured in the colour round-trip test (encode, decode with the ffmpeg CLI, 8 flat
///   patches), it brings the worst channel error from 3 to 2 levels (blue `#1f6feb`: B 232 → 235).
/// * Not used: `FULL_CHR_H_INP` gave the same errors on flat patches with no measurable speed difference,
///   `FULL_CHR_H_INT` only affects YUV → RGB output, `BICUBIC` measured like plain `BILINEAR`.
pub const SWS_FLAGS: scaling::Flags = scaling::Flags::BILINEAR.union(scaling::Flags::ACCURATE_RND);

/// Longest time between two keyframes, in seconds: the most a player
/// decodes, from the keyframe before, to show a frame after a seek.
pub const KEYFRAME_INTERVAL_SECONDS: u32 = 2;

/// The most frames between two keyframes at `fps`: [`KEYFRAME_INTERVAL_SECONDS`] × fps
/// (x264's `keyint`; its default, 250, is 4.2 s at 60 fps).
pub fn keyframe_interval(fps: u32) -> u32 {
    KEYFRAME_INTERVAL_SECONDS * fps.max(1)
}

/// The x264 options anim sets beyond the preset and CRF, in `x264-params`
/// syntax (the benchmark gives the `ffmpeg` CLI the same).
///
/// Keyframes, for seeking (issue 14):
///
/// * `open-gop=0`: closed GOPs, so every keyframe is an IDR frame after which
///   no frame refers to one before it. FFmpeg's libx264 wrapper turns open
///   GOP on unless asked for closed ones ([`codec::Flags::CLOSED_GOP`], also
///   set); its later keyframes are then recovery points, not IDRs, and
///   Chromium fails to decode after seeking to one
///   (`PIPELINE_ERROR_DECODE … is_key_frame=0`; `ffmpeg -ss` warns
///   `mmco: unref short failure`).
/// * `keyint=`[`keyframe_interval`] (2 s), `min-keyint=` a tenth of that
///   (x264's own default ratio): a scene cut at least that long after the
///   last keyframe starts a new one (an IDR) early; closer cuts get a plain
///   I frame. Keyframes are never more than 2 s apart, so a seek decodes at
///   most 2 s of video. The cost is the extra IDR frames, 37–54 KB each at
///   1080p: the chapter's five videos grew by 18–47 %, 26 % together, as
///   2 s segments (README.md). anim also starts a fresh encoder at every
///   segment ([`VideoEncoder::begin_segment`]), which makes each 2 s an IDR
///   whatever x264 would decide.
///
/// Memory, each without changing a decoded pixel (benches/README.md; checked
/// by decoding the loop and decoding-strategies videos both ways):
///
/// * `sync-lookahead=0`: no frames buffered between x264's lookahead and its
///   encoding threads, ~27 MB.
/// * `threads=<cores>` instead of x264's 1.5 × cores: each frame thread holds
///   its own frames (~10 MB apiece at 1080p), and anim's renderer and encoder
///   thread already keep the cores busy; ~22 MB less on 2 cores at the same
///   speed (measured on 2 cores only).
pub fn x264_params(fps: u32) -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let keyint = keyframe_interval(fps);
    let min_keyint = (keyint / 10).max(1);
    format!("sync-lookahead=0:threads={cores}:open-gop=0:keyint={keyint}:min-keyint={min_keyint}")
}

/// Encoder settings.
///
/// `width` and `height` must be even (yuv420p); [`VideoEncoder::create`] rejects odd sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoSettings {
    /// Frame width in pixels (even).
    pub width: u32,
    /// Frame height in pixels (even).
    pub height: u32,
    /// Constant frame rate, frames per second.
    pub fps: u32,
    /// x264 constant rate factor, 0 (lossless) to 51; 18 is visually lossless for flat graphics.
    pub crf: u8,
    /// x264 preset, `ultrafast` … `veryslow`.
    pub preset: String,
    /// Written as the MP4's `comment`: for a chunk, which part of which video
    /// it is ([`ChunkTag`]), so that [`splice`] can check it joins them all.
    pub comment: Option<String>,
}

/// What a chunk of a video (`anim render --chunk i/N`) says about itself in
/// its MP4 `comment`: `anim chunk 2/4: frames 360..720 of 1440`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkTag {
    pub index: u32,
    pub count: u32,
    pub start: u64,
    pub end: u64,
    pub total: u64,
}

impl ChunkTag {
    pub fn comment(&self) -> String {
        format!(
            "anim chunk {}/{}: frames {}..{} of {}",
            self.index, self.count, self.start, self.end, self.total
        )
    }

    pub fn parse(comment: &str) -> Option<ChunkTag> {
        let rest = comment.strip_prefix("anim chunk ")?;
        let (which, frames) = rest.split_once(": frames ")?;
        let (index, count) = which.split_once('/')?;
        let (range, total) = frames.split_once(" of ")?;
        let (start, end) = range.split_once("..")?;
        Some(ChunkTag {
            index: index.parse().ok()?,
            count: count.parse().ok()?,
            start: start.parse().ok()?,
            end: end.parse().ok()?,
            total: total.parse().ok()?,
        })
    }
}

impl Default for VideoSettings {
    fn default() -> Self {
        VideoSettings {
            width: 1920,
            height: 1080,
            fps: 30,
            crf: 18,
            preset: "veryfast".to_string(),
            comment: None,
        }
    }
}

/// Errors from video encoding.
#[derive(Debug, Clone, thiserror::Error)]
pub enum VideoError {
    /// Width or height is odd, which yuv420p cannot store.
    #[error(
        "video size {width}x{height} is not even: H.264 yuv420p needs an even width and height; \
         use {even_width}x{even_height} instead"
    )]
    OddSize {
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
        /// Nearest even width.
        even_width: u32,
        /// Nearest even height.
        even_height: u32,
    },
    /// A setting is out of range (zero size or fps, CRF above 51, empty preset).
    #[error("invalid video settings: {0}")]
    InvalidSettings(String),
    /// FFmpeg could not be initialised.
    #[error("could not initialise FFmpeg: {0}")]
    Init(ffmpeg::Error),
    /// The linked FFmpeg has no libx264 encoder.
    #[error("the linked FFmpeg has no libx264 encoder (FFmpeg must be built with --enable-libx264)")]
    NoX264,
    /// The output file could not be created or its header written.
    #[error("could not create video file {path}: {source}")]
    CreateFile {
        /// The output path.
        path: PathBuf,
        /// FFmpeg's error.
        source: ffmpeg::Error,
    },
    /// libx264 rejected the settings.
    #[error("could not open x264 encoder: {0} (check the preset name and the CRF)")]
    OpenEncoder(ffmpeg::Error),
    /// swscale could not set up the RGBA → yuv420p conversion.
    #[error("could not set up the RGBA to YUV conversion: {0}")]
    Scaler(String),
    /// An RGBA frame has the wrong number of bytes.
    #[error("frame has {got} bytes, expected {expected} for {width}x{height} (RGBA, 4 bytes per pixel)")]
    FrameSize {
        /// Bytes received.
        got: usize,
        /// Bytes expected (`width * height * 4`).
        expected: usize,
        /// Encoder width.
        width: u32,
        /// Encoder height.
        height: u32,
    },
    /// A frame patch or repeat the encoder thread cannot apply (a bug in the caller).
    #[error("bad frame update for the encoder: {0}")]
    BadUpdate(String),
    /// A yuv420p plane has the wrong number of bytes.
    #[error("{plane} plane has {got} bytes, expected {expected} for {width}x{height} yuv420p")]
    PlaneSize {
        /// `"Y"`, `"U"` or `"V"`.
        plane: &'static str,
        /// Bytes received.
        got: usize,
        /// Bytes expected.
        expected: usize,
        /// Encoder width.
        width: u32,
        /// Encoder height.
        height: u32,
    },
    /// libx264 failed while encoding or flushing.
    #[error("x264 failed to encode frame {frame}: {source}")]
    Encode {
        /// Index of the frame being encoded (or the frame count when flushing).
        frame: u64,
        /// FFmpeg's error.
        source: ffmpeg::Error,
    },
    /// An earlier video could not be read back.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// FFmpeg's error.
        source: ffmpeg::Error,
    },
    /// Writing to the output file failed (disk full, permissions…).
    #[error("could not write video file {path}: {source}")]
    Write {
        /// The output path.
        path: PathBuf,
        /// FFmpeg's error.
        source: ffmpeg::Error,
    },
    /// The encoder thread could not be started.
    #[error("could not start the video encoder thread: {0}")]
    ThreadSpawn(String),
    /// The encoder thread panicked.
    #[error("the video encoder thread panicked: {0}")]
    ThreadPanicked(String),
    /// The encoder thread is no longer running (it stopped after an error reported elsewhere).
    #[error("the video encoder thread has stopped")]
    ThreadStopped,
}

/// Initialises FFmpeg once per process and sets its log level to errors only.
fn init_ffmpeg() -> Result<(), VideoError> {
    static INIT: OnceLock<Result<(), ffmpeg::Error>> = OnceLock::new();
    INIT.get_or_init(|| {
        ffmpeg::init()?;
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Error);
        Ok(())
    })
    .map_err(VideoError::Init)
}

/// Nearest even size for an odd `n` (rounds down, but never to 0).
fn even(n: u32) -> u32 {
    if n.is_multiple_of(2) {
        n
    } else if n == 1 {
        2
    } else {
        n - 1
    }
}

/// Checks `settings` before an encoder is made: sizes (even, not zero), frame
/// rate, CRF and preset. [`VideoEncoder::create`] calls it; a render plan
/// calls it first so that an impossible video is refused before any file exists.
pub fn validate(settings: &VideoSettings) -> Result<(), VideoError> {
    let (w, h) = (settings.width, settings.height);
    if w == 0 || h == 0 {
        return Err(VideoError::InvalidSettings(format!(
            "video size {w}x{h} must not be zero"
        )));
    }
    if w % 2 != 0 || h % 2 != 0 {
        return Err(VideoError::OddSize {
            width: w,
            height: h,
            even_width: even(w),
            even_height: even(h),
        });
    }
    if w > 16384 || h > 16384 {
        return Err(VideoError::InvalidSettings(format!(
            "video size {w}x{h} is larger than 16384"
        )));
    }
    if settings.fps == 0 || settings.fps > 1000 {
        return Err(VideoError::InvalidSettings(format!(
            "fps {} must be 1 to 1000",
            settings.fps
        )));
    }
    if settings.crf > 51 {
        return Err(VideoError::InvalidSettings(format!(
            "crf {} must be 0 to 51",
            settings.crf
        )));
    }
    if settings.preset.is_empty() {
        return Err(VideoError::InvalidSettings(
            "the x264 preset is empty".to_string(),
        ));
    }
    Ok(())
}

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

/// swscale context, movable to the encoder thread.
struct Scaler(scaling::Context);

// SAFETY: an SwsContext has no thread affinity; it is only ever used through `&mut self`, i.e. from one
// thread at a time. ffmpeg-next just does not declare it `Send`.
unsafe impl Send for Scaler {}

impl Scaler {
    fn new(width: u32, height: u32) -> Result<Scaler, VideoError> {
        let mut ctx = scaling::Context::get(
            Pixel::RGBA,
            width,
            height,
            Pixel::YUV420P,
            width,
            height,
            SWS_FLAGS,
        )
        .map_err(|e| VideoError::Scaler(e.to_string()))?;
        // SAFETY: the context pointer is valid for the lifetime of `ctx`; the coefficient tables are
        // static arrays owned by libswscale.
        let ret = unsafe {
            let table = ffmpeg::sys::sws_getCoefficients(ffmpeg::sys::SWS_CS_ITU709);
            ffmpeg::sys::sws_setColorspaceDetails(
                ctx.as_mut_ptr(),
                table,
                1, // source range: full (RGB)
                table,
                0, // destination range: limited (MPEG/TV)
                0,
                1 << 16,
                1 << 16,
            )
        };
        if ret < 0 {
            return Err(VideoError::Scaler(format!(
                "sws_setColorspaceDetails returned {ret}"
            )));
        }
        Ok(Scaler(ctx))
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

/// One encoded H.264 packet, its times in frames (time base 1/fps), as read
/// back from an earlier video ([`read_packets`]) to be written again unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedPacket {
    pub data: Vec<u8>,
    pub pts: i64,
    pub dts: i64,
    pub duration: i64,
    pub key: bool,
}

/// The video packets of the MP4 at `path` whose frame (pts) `wanted` picks, in
/// file (decode) order, with times in frames at `fps`. Only those are kept in
/// memory: at most the file's size.
pub fn read_packets(
    path: &Path,
    fps: u32,
    wanted: impl Fn(i64) -> bool,
) -> Result<Vec<EncodedPacket>, VideoError> {
    init_ffmpeg()?;
    let read_error = |source| VideoError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut input = format::input(&path).map_err(read_error)?;
    let stream = input
        .streams()
        .best(ffmpeg::media::Type::Video)
        .ok_or(ffmpeg::Error::StreamNotFound)
        .map_err(read_error)?;
    let (index, time_base) = (stream.index(), stream.time_base());
    // MP4 stores NAL units behind big-endian lengths (their size is in the
    // avcC box, the stream's extradata); the muxer is fed what libx264 gives,
    // NAL units behind start codes, and converts them itself.
    let length_size = match extradata(&stream).as_slice() {
        [1, _, _, _, sizes, ..] => usize::from(sizes & 3) + 1,
        _ => {
            return Err(VideoError::Read {
                path: path.to_path_buf(),
                source: ffmpeg::Error::InvalidData,
            })
        }
    };
    let frames = Rational::new(1, i32::try_from(fps).unwrap_or(i32::MAX));
    let mut packets = Vec::new();
    for (stream, mut packet) in input.packets() {
        if stream.index() != index {
            continue;
        }
        packet.rescale_ts(time_base, frames);
        if !wanted(packet.pts().unwrap_or(-1)) {
            continue;
        }
        let data = packet.data().unwrap_or_default();
        let data = annex_b(data, length_size).ok_or_else(|| VideoError::Read {
            path: path.to_path_buf(),
            source: ffmpeg::Error::InvalidData,
        })?;
        packets.push(EncodedPacket {
            data,
            pts: packet.pts().unwrap_or(0),
            dts: packet.dts().unwrap_or(0),
            duration: packet.duration(),
            key: packet.is_key(),
        });
    }
    Ok(packets)
}

/// A stream's codec extradata (for H.264 in MP4, the avcC box).
fn extradata(stream: &ffmpeg::format::stream::Stream) -> Vec<u8> {
    // SAFETY: the stream's codec parameters live as long as its input; extradata
    // is null or `extradata_size` bytes.
    unsafe {
        let par = (*stream.as_ptr()).codecpar;
        let (data, len) = ((*par).extradata, (*par).extradata_size);
        if data.is_null() || len <= 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(data, len as usize).to_vec()
        }
    }
}

/// Joins videos that are consecutive parts of one render (`anim render
/// --chunk i/N`, given in order) into one MP4 at `output`, copying their
/// packets: each chunk is made of whole segments, each encoded on its own
/// ([`VideoEncoder::begin_segment`]), so the result is what a single render
/// writes. Chunks made with other settings (size, frame rate, encoder
/// parameters) are refused. Returns the frame count.
pub fn splice(chunks: &[PathBuf], output: &Path) -> Result<u64, VideoError> {
    init_ffmpeg()?;
    let read_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| VideoError::Read { path, source }
    };
    let write_error = |source| VideoError::Write {
        path: output.to_path_buf(),
        source,
    };
    let mut octx = format::output_as(&output, "mp4").map_err(|source| VideoError::CreateFile {
        path: output.to_path_buf(),
        source,
    })?;
    check_chunks(chunks)?;
    // (extradata, width, height, frame rate) of the first chunk, which the others must match.
    let mut first: Option<(Vec<u8>, i32, i32, Rational)> = None;
    let mut frames: i64 = 0;
    let mut ost_time_base = Rational::new(1, 1);
    for path in chunks {
        let mut input = format::input(path).map_err(read_error(path))?;
        let stream = input
            .streams()
            .best(ffmpeg::media::Type::Video)
            .ok_or(ffmpeg::Error::StreamNotFound)
            .map_err(read_error(path))?;
        let (index, time_base, rate) = (stream.index(), stream.time_base(), stream.avg_frame_rate());
        // SAFETY: as in `extradata`: codecpar lives as long as `input`.
        let (width, height) = unsafe {
            let par = (*stream.as_ptr()).codecpar;
            ((*par).width, (*par).height)
        };
        let this = (extradata(&stream), width, height, rate);
        match &first {
            None => {
                let mut ost = octx
                    .add_stream(encoder::find(codec::Id::None))
                    .map_err(write_error)?;
                ost.set_parameters(stream.parameters());
                ost.set_time_base(Rational::new(rate.denominator(), rate.numerator()));
                ost.set_rate(rate);
                ost.set_avg_frame_rate(rate);
                // SAFETY: the output stream's parameters belong to `octx`; a zero
                // tag lets the MP4 muxer choose its own for H.264.
                unsafe { (*ost.parameters().as_mut_ptr()).codec_tag = 0 };
                let mut header = Dictionary::new();
                header.set("movflags", "+faststart");
                octx.write_header_with(header).map_err(write_error)?;
                ost_time_base = octx.stream(0).map(|s| s.time_base()).ok_or(ffmpeg::Error::StreamNotFound).map_err(write_error)?;
                first = Some(this);
            }
            Some(f) if *f != this => {
                return Err(VideoError::InvalidSettings(format!(
                    "{} was not made with the same settings as {} (size, frame rate or encoder parameters differ): \
                     splice the chunks of one render",
                    path.display(),
                    chunks[0].display()
                )))
            }
            Some(_) => {}
        }
        if rate.numerator() <= 0 || rate.denominator() <= 0 {
            return Err(VideoError::InvalidSettings(format!(
                "{}: no frame rate",
                path.display()
            )));
        }
        let per_frame = Rational::new(rate.denominator(), rate.numerator());
        let mut count = 0;
        for (s, mut packet) in input.packets() {
            if s.index() != index {
                continue;
            }
            packet.rescale_ts(time_base, per_frame);
            packet.set_pts(packet.pts().map(|t| t + frames));
            packet.set_dts(packet.dts().map(|t| t + frames));
            packet.set_position(-1);
            packet.set_stream(0);
            packet.rescale_ts(per_frame, ost_time_base);
            packet.write_interleaved(&mut octx).map_err(write_error)?;
            count += 1;
        }
        frames += count;
    }
    if first.is_none() {
        return Err(VideoError::InvalidSettings("no chunks to splice".into()));
    }
    octx.write_trailer().map_err(write_error)?;
    Ok(frames as u64)
}

/// Checks that `chunks` are every chunk of one video, in order: each says
/// which it is in its `comment` ([`ChunkTag`]).
fn check_chunks(chunks: &[PathBuf]) -> Result<(), VideoError> {
    let mut tags = Vec::with_capacity(chunks.len());
    for path in chunks {
        let input = format::input(path).map_err(|source| VideoError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let tag = input
            .metadata()
            .get("comment")
            .and_then(ChunkTag::parse)
            .ok_or_else(|| {
                VideoError::InvalidSettings(format!(
                    "{} is not a chunk made by `anim render --chunk I/N`",
                    path.display()
                ))
            })?;
        tags.push(tag);
    }
    let Some(first) = tags.first() else {
        return Err(VideoError::InvalidSettings("no chunks to splice".into()));
    };
    let (count, total) = (first.count, first.total);
    let mut next = 0;
    for (k, (tag, path)) in tags.iter().zip(chunks).enumerate() {
        let expected = k as u32 + 1;
        if tag.count != count || tag.total != total {
            return Err(VideoError::InvalidSettings(format!(
                "{} is chunk {}/{} of a {}-frame video, not of the {}-frame video in {count} chunks the first one belongs to",
                path.display(),
                tag.index,
                tag.count,
                tag.total,
                total
            )));
        }
        if tag.index != expected || tag.start != next {
            return Err(VideoError::InvalidSettings(format!(
                "{} is chunk {}/{count} (frames {}..{}), but chunk {expected}/{count} (from frame {next}) comes next: \
                 give every chunk, in order",
                path.display(),
                tag.index,
                tag.start,
                tag.end
            )));
        }
        next = tag.end;
    }
    if tags.len() as u32 != count || next != total {
        return Err(VideoError::InvalidSettings(format!(
            "{} of {count} chunks given (frames 0..{next} of {total}): chunk {}/{count} and after are missing",
            tags.len(),
            tags.len() + 1
        )));
    }
    Ok(())
}

/// NAL units behind `length_size`-byte big-endian lengths (MP4) → behind
/// 4-byte start codes (what libx264 gives); `None` when a length runs past the end.
fn annex_b(mut data: &[u8], length_size: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() + 16);
    while !data.is_empty() {
        let (len, rest) = data.split_at_checked(length_size)?;
        let n = len.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b));
        let (nal, rest) = rest.split_at_checked(n)?;
        out.extend_from_slice(&[0, 0, 0, 1]);
        out.extend_from_slice(nal);
        data = rest;
    }
    Some(out)
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
    /// Created on the first `push_rgba`, so yuv-only users never build it.
    scaler: Option<Scaler>,
    rgba: frame::Video,
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
        let rgba = frame::Video::new(Pixel::RGBA, width, height);

        Ok(VideoEncoder {
            path: path.to_path_buf(),
            width,
            height,
            output,
            encoder: Some(encoder),
            encoder_time_base,
            stream_time_base,
            stream_index,
            scaler: None,
            rgba,
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
        let scaler = match &mut self.scaler {
            Some(s) => s,
            None => self.scaler.insert(Scaler::new(self.width, self.height)?),
        };
        make_writable(&mut self.rgba, self.frames)?;
        copy_plane(&mut self.rgba, 0, rgba, self.width as usize * 4);
        make_writable(&mut self.yuv, self.frames)?;
        scaler
            .0
            .run(&self.rgba, &mut self.yuv)
            .map_err(|e| VideoError::Scaler(e.to_string()))?;
        self.send_yuv_frame()
    }

    /// Encodes one frame given as BT.709 limited-range yuv420p planes, tightly packed
    /// (`y`: `width * height` bytes, `u` and `v`: `width/2 * height/2` bytes). Skips swscale.
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

fn check_rgba_len(len: usize, width: u32, height: u32) -> Result<(), VideoError> {
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

/// Runs a [`VideoEncoder`] on its own thread, fed through a bounded queue of [`QUEUE_CAPACITY`] frames.
/// A frame queued on an [`EncoderThread`].
enum QueuedFrame {
    /// Packed RGBA, converted by swscale on the encoder thread.
    Rgba(Vec<u8>),
    /// Packed yuv420p planes (Y, then U, then V), encoded as they are.
    Yuv420p(Vec<u8>),
    /// RGBA pixels of a chroma-aligned rectangle: converted into the previous
    /// frame's planes (black before the first), which are then encoded.
    Patch(PixelBox, Vec<u8>),
    /// The previous frame again.
    Repeat,
    /// The next frame starts a segment ([`VideoEncoder::begin_segment`]).
    Segment,
    /// A segment of an earlier video, written as it is ([`VideoEncoder::copy_segment`]).
    Copy(Vec<EncodedPacket>, u64),
}

/// Bytes queued on an [`EncoderThread`] and not yet encoded, with the
/// condition its sender waits on; `None` once the thread has stopped.
type Backlog = Arc<(Mutex<Option<usize>>, Condvar)>;

impl QueuedFrame {
    fn bytes(&self) -> usize {
        match self {
            QueuedFrame::Rgba(data) | QueuedFrame::Yuv420p(data) | QueuedFrame::Patch(_, data) => data.len(),
            QueuedFrame::Repeat | QueuedFrame::Segment => 0,
            QueuedFrame::Copy(packets, _) => packets.iter().map(|p| p.data.len()).sum(),
        }
    }
}

pub struct EncoderThread {
    sender: Option<SyncSender<QueuedFrame>>,
    backlog: Backlog,
    handle: Option<JoinHandle<Result<u64, VideoError>>>,
    /// The error that stopped the thread, for `send` to report.
    error: Arc<Mutex<Option<VideoError>>>,
    width: u32,
    height: u32,
}

/// Closes the backlog when the encoder thread ends, however it ends.
struct CloseOnDrop<'a>(&'a Backlog);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        release(self.0, None);
    }
}

/// Takes `bytes` off the backlog (or closes it) and wakes the sender.
fn release(backlog: &Backlog, bytes: Option<usize>) {
    let (queued, freed) = &**backlog;
    if let Ok(mut queued) = queued.lock() {
        *queued = match (*queued, bytes) {
            (Some(q), Some(b)) => Some(q.saturating_sub(b)),
            _ => None,
        };
    }
    freed.notify_all();
}

impl EncoderThread {
    /// Creates the encoder on the calling thread (so setup errors are returned here), then starts the thread.
    pub fn spawn(path: PathBuf, settings: VideoSettings) -> Result<EncoderThread, VideoError> {
        let encoder = VideoEncoder::create(&path, &settings)?;
        let (sender, receiver) = std::sync::mpsc::sync_channel::<QueuedFrame>(QUEUE_CAPACITY);
        let error = Arc::new(Mutex::new(None));
        let thread_error = Arc::clone(&error);
        let backlog: Backlog = Arc::new((Mutex::new(Some(0)), Condvar::new()));
        let thread_backlog = Arc::clone(&backlog);
        let handle = std::thread::Builder::new()
            .name("anim-video-encoder".to_string())
            .spawn(move || {
                // Closes the backlog however the thread ends (a panic included),
                // after the error is stored: a sender woken by the close finds it.
                let _close = CloseOnDrop(&thread_backlog);
                let result = run_encoder(encoder, &receiver, &thread_backlog);
                if let Err(e) = &result {
                    if let Ok(mut slot) = thread_error.lock() {
                        *slot = Some(e.clone());
                    }
                }
                // `receiver` drops only after the error is stored, so a failing `send` always finds it.
                drop(receiver);
                result
            })
            .map_err(|e| {
                let _ = std::fs::remove_file(&path);
                VideoError::ThreadSpawn(e.to_string())
            })?;
        Ok(EncoderThread {
            sender: Some(sender),
            backlog,
            handle: Some(handle),
            error,
            width: settings.width,
            height: settings.height,
        })
    }

    /// Queues one RGBA frame (see [`VideoEncoder::push_rgba`]); blocks while the queue is full.
    ///
    /// A wrong-sized frame is rejected here without stopping the thread. If the thread stopped on an
    /// error, that error is returned.
    pub fn send(&self, frame: Vec<u8>) -> Result<(), VideoError> {
        check_rgba_len(frame.len(), self.width, self.height)?;
        self.queue(QueuedFrame::Rgba(frame))
    }

    /// Queues one frame of packed yuv420p planes, Y then U then V (see
    /// [`VideoEncoder::push_yuv420p`]); blocks while the queue is full. Skips swscale.
    pub fn send_yuv420p(&self, planes: Vec<u8>) -> Result<(), VideoError> {
        let luma = self.width as usize * self.height as usize;
        let expected = luma + 2 * (self.width as usize / 2) * (self.height as usize / 2);
        if planes.len() != expected {
            return Err(VideoError::PlaneSize {
                plane: "YUV",
                got: planes.len(),
                expected,
                width: self.width,
                height: self.height,
            });
        }
        self.queue(QueuedFrame::Yuv420p(planes))
    }

    /// Queues a frame that differs from the previous one only inside
    /// `region` (chroma-aligned, see [`crate::yuv::align_to_chroma`]), given
    /// as its RGBA pixels; converted to YUV on the encoder thread, only there.
    /// The first frame must be a patch of the whole frame.
    pub fn send_patch(&self, region: PixelBox, pixels: Vec<u8>) -> Result<(), VideoError> {
        let expected = region.width as usize * region.height as usize * 4;
        if pixels.len() != expected {
            return Err(VideoError::BadUpdate(format!(
                "{} bytes for a {}x{} patch",
                pixels.len(),
                region.width,
                region.height
            )));
        }
        self.queue(QueuedFrame::Patch(region, pixels))
    }

    /// Queues the previous frame again (after [`EncoderThread::send_patch`] or
    /// [`EncoderThread::send_yuv420p`]).
    pub fn repeat(&self) -> Result<(), VideoError> {
        self.queue(QueuedFrame::Repeat)
    }

    /// The next frame starts a segment ([`VideoEncoder::begin_segment`]);
    /// it must be a whole frame.
    pub fn begin_segment(&self) -> Result<(), VideoError> {
        self.queue(QueuedFrame::Segment)
    }

    /// Queues a segment of an earlier video, `frames` long, to be written as
    /// it is ([`VideoEncoder::copy_segment`]); the frame after it must be whole.
    pub fn copy_segment(&self, packets: Vec<EncodedPacket>, frames: u64) -> Result<(), VideoError> {
        self.queue(QueuedFrame::Copy(packets, frames))
    }

    /// Waits until the frame fits the byte budget (a frame alone always
    /// fits), then queues it; waits again while the queue is full.
    fn queue(&self, frame: QueuedFrame) -> Result<(), VideoError> {
        let sender = self.sender.as_ref().ok_or(VideoError::ThreadStopped)?;
        let budget = QUEUE_FRAMES_OF_PIXELS * self.width as usize * self.height as usize * 4;
        let bytes = frame.bytes();
        let (queued, freed) = &*self.backlog;
        let mut queued = queued.lock().map_err(|_| VideoError::ThreadStopped)?;
        while let Some(q) = *queued {
            if q == 0 || q + bytes <= budget {
                *queued = Some(q + bytes);
                break;
            }
            queued = freed.wait(queued).map_err(|_| VideoError::ThreadStopped)?;
        }
        drop(queued);
        // A stopped thread (backlog closed) makes the send below fail with its error.
        if sender.send(frame).is_err() {
            let stored = self.error.lock().ok().and_then(|slot| slot.clone());
            return Err(stored.unwrap_or(VideoError::ThreadStopped));
        }
        Ok(())
    }

    /// Closes the queue, waits for the encoder to flush and finish the file, and returns the frame count
    /// or the first error.
    pub fn finish(mut self) -> Result<u64, VideoError> {
        self.sender = None;
        match self.handle.take() {
            Some(handle) => join(handle),
            None => Err(VideoError::ThreadStopped),
        }
    }
}

impl Drop for EncoderThread {
    /// Dropping without `finish` still closes the queue and waits for the thread, ignoring its result.
    fn drop(&mut self) {
        self.sender = None;
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

fn join(handle: JoinHandle<Result<u64, VideoError>>) -> Result<u64, VideoError> {
    match handle.join() {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(VideoError::ThreadPanicked(message))
        }
    }
}

fn run_encoder(
    mut encoder: VideoEncoder,
    receiver: &Receiver<QueuedFrame>,
    backlog: &Backlog,
) -> Result<u64, VideoError> {
    let (w, h) = (encoder.width() as usize, encoder.height() as usize);
    let (luma, chroma) = (w * h, (w / 2) * (h / 2));
    // The planes of the last frame sent as YUV or as a patch.
    let mut current: Option<Yuv420Image> = None;
    for frame in receiver.iter() {
        // The frame's pixels are freed (or copied into `current`) below.
        let bytes = frame.bytes();
        match frame {
            QueuedFrame::Rgba(rgba) => {
                encoder.push_rgba(&rgba)?;
                current = None;
            }
            QueuedFrame::Yuv420p(data) => {
                current = Some(Yuv420Image {
                    width: w as u32,
                    height: h as u32,
                    data,
                })
            }
            QueuedFrame::Patch(region, pixels) => {
                let frame = current.get_or_insert_with(|| crate::yuv::black(w as u32, h as u32));
                if !crate::yuv::write_region(frame, region, &pixels) {
                    return Err(VideoError::BadUpdate(format!(
                        "{region:?} is not 2x2-aligned inside the {w}x{h} frame"
                    )));
                }
            }
            QueuedFrame::Repeat => {
                if current.is_none() {
                    return Err(VideoError::BadUpdate("a repeat before the first frame".into()));
                }
            }
            QueuedFrame::Segment => {
                encoder.begin_segment()?;
                release(backlog, Some(bytes));
                continue;
            }
            QueuedFrame::Copy(packets, frames) => {
                encoder.copy_segment(&packets, frames)?;
                // The next frame is whole: no patch may apply to what came before.
                current = None;
                release(backlog, Some(bytes));
                continue;
            }
        }
        release(backlog, Some(bytes));
        if let Some(p) = &current {
            let p = &p.data;
            encoder.push_yuv420p(&p[..luma], &p[luma..luma + chroma], &p[luma + chroma..])?;
        }
    }
    let frames = encoder.frames_written();
    encoder.finish()?;
    Ok(frames)
}
