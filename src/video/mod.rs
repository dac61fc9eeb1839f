//! H.264 / MP4 video encoding through the linked FFmpeg libraries (ffmpeg-next, libx264).
//!
//! No `ffmpeg` process is spawned: frames go from the renderer straight into libx264 and the MP4 muxer.
//!
//! # Colour: BT.709, limited range
//! Rendered frames are 8-bit sRGB. They are converted to YUV 4:2:0 with the **BT.709** matrix into
//! **limited (MPEG/TV) range** (Y 16–235, Cb/Cr 16–240), and the stream is tagged BT.709
//! primaries / transfer / matrix and `tv` range. That is what HD video uses and what players, browsers and
//! editors assume for untagged HD content, so colours come back as drawn. With the BT.601
//! matrix (swscale's default), saturated colours would come back 9–18 levels off per channel (measured: `#2da44e` green G −18,
//! `#1f6feb` blue R −9) in any player that (correctly) decodes BT.709-tagged video with BT.709. Full range is avoided because many players ignore the range flag.
//!
//! RGB→YUV happens on the GPU ([`crate::gpu::yuv`]) or in [`crate::yuv`] on the CPU,
//! for the rectangle that changed; swscale is not used.
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
//! [`VideoEncoder`] is synchronous: [`VideoEncoder::push_yuv420p`] encodes on the calling thread
//! (libx264 itself also uses worker threads). [`EncoderThread`] moves one encoder onto a dedicated thread
//! fed through a bounded queue of [`QUEUE_CAPACITY`] frames, so rendering the next frame overlaps with
//! encoding the previous ones; when the queue is full, [`EncoderThread::send`] blocks, which bounds memory
//! (each 1080p RGBA frame is ~8 MB, and the queue holds at most [`QUEUE_FRAMES_OF_PIXELS`] frames' bytes).
//! The encoder is created on the caller's thread so setup errors surface at once; an encoding error
//! stops the thread and is returned by the next `send` and by `finish`.
//!
//! An encoder dropped without `finish` leaves an incomplete file: write to a temporary path and rename it
//! after `finish` succeeds.
//!
//! # Modules
//! [`settings`] (what is asked, errors), [`encoder`] (one encoder), [`thread`]
//! (the encoder on its thread), [`packets`] (reading packets back, splicing chunks),
//! [`web`] (the WebM, WebP and ProRes MOV, from whole RGBA frames).

pub mod encoder;
pub mod packets;
pub mod settings;
pub mod thread;
pub mod web;

pub use encoder::VideoEncoder;
pub use packets::{read_packets, splice, EncodedPacket};
pub use settings::{
    keyframe_interval, validate, x264_params, ChunkTag, VideoError, VideoSettings, KEYFRAME_INTERVAL_SECONDS,
};
pub use thread::{EncoderThread, QUEUE_CAPACITY, QUEUE_FRAMES_OF_PIXELS};
pub use web::{WebCodec, WebEncoder};
