//! [`EncoderThread`]: one [`VideoEncoder`] on its own thread, fed through a
//! bounded queue, so rendering the next frame overlaps with encoding.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use super::encoder::{check_rgba_len, VideoEncoder};
use super::packets::EncodedPacket;
use super::settings::{VideoError, VideoSettings};
use crate::damage::PixelBox;
use crate::yuv::Yuv420Image;

/// Frames the [`EncoderThread`] queue holds before [`EncoderThread::send`] blocks.
pub const QUEUE_CAPACITY: usize = 4;

/// Whole frames' worth of pixels the [`EncoderThread`] queue holds at most
/// (frames sent as small patches take less): when the whole frame changes,
/// two queued frames already keep the encoder busy, and every more one is
/// 8 MB at 1080p, for nothing.
pub const QUEUE_FRAMES_OF_PIXELS: usize = 2;

/// Runs a [`VideoEncoder`] on its own thread, fed through a bounded queue of [`QUEUE_CAPACITY`] frames.
/// A frame queued on an [`EncoderThread`].
enum QueuedFrame {
    /// Packed RGBA, converted on the encoder thread ([`crate::yuv`]).
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
    /// [`VideoEncoder::push_yuv420p`]); blocks while the queue is full. Converts nothing.
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
