//! What an encoder is asked for ([`VideoSettings`], checked by
//! [`validate`]), keyframe timing and the x264 options anim sets, and why
//! encoding fails ([`VideoError`]).

use std::path::PathBuf;
use std::sync::OnceLock;

use ffmpeg_next as ffmpeg;

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
///   GOP on unless asked for closed ones ([`ffmpeg::codec::Flags::CLOSED_GOP`], also
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
/// Threads, neither changing a byte of the stream (benches/README.md):
///
/// * x264's lookahead runs on its own thread (its default). An earlier
///   `sync-lookahead=0` saved ~30 MB but ran the lookahead on the thread that
///   feeds x264, in series with the frame threads: the loop scene took 1.40×
///   as long (16.6 vs 11.8 s wall, median of 3, `benches/fresh_render.sh`).
/// * `threads=<cores>` instead of x264's 1.5 × cores: each frame thread holds
///   its own frames (~10 MB apiece at 1080p), and anim's renderer and encoder
///   thread already keep the cores busy; ~22 MB less on 2 cores at the same
///   speed (measured on 2 cores only).
pub fn x264_params(fps: u32) -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let keyint = keyframe_interval(fps);
    let min_keyint = (keyint / 10).max(1);
    format!("threads={cores}:open-gop=0:keyint={keyint}:min-keyint={min_keyint}")
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
    /// The linked FFmpeg lacks the encoder one of the other formats needs.
    #[error("the linked FFmpeg has no {encoder} encoder, which the {format} output needs (install an FFmpeg built with it, or leave {format} out of --format)")]
    NoEncoder {
        format: &'static str,
        encoder: &'static str,
    },
    /// The encoder of one of the other formats rejected its settings.
    #[error("could not open the {encoder} encoder for the {format}: {source}")]
    OpenFormat {
        format: &'static str,
        encoder: &'static str,
        source: ffmpeg::Error,
    },
    /// The encoder of one of the other formats failed on a frame.
    #[error("{encoder} failed to encode frame {frame} of the {format}: {source}")]
    EncodeFormat {
        format: &'static str,
        encoder: &'static str,
        frame: u64,
        source: ffmpeg::Error,
    },
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
pub(super) fn init_ffmpeg() -> Result<(), VideoError> {
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
    let max = crate::scene::limits::MAX_SIDE;
    if w > max || h > max {
        return Err(VideoError::InvalidSettings(format!(
            "video size {w}x{h} is larger than {max} pixels per side"
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
