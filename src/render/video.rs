//! The video job: the frames drawn by [`Frames`] go to the encoder thread,
//! segment by segment, or whole segments are copied from the video already
//! written when they look the same ([`segment_hashes`]).

use std::path::Path;

use super::frames::{gpu_yuv_enabled, render_frames, Frame, FrameRun, Frames};
use super::job::{video_settings, FrameRange, Job, Plan, Progress, RenderError, StopFlag};
use crate::damage::PixelBox;
use crate::eval::Evaluator;
use crate::gpu::{GpuContext, Renderer};
use crate::output::{temp_path, TempGuard};
use crate::scene::Scene;
use crate::video::{EncodedPacket, EncoderThread};

/// What [`render_video`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VideoDone {
    /// Frames in the video.
    pub frames: u64,
    /// Frames whose pixels were the previous frame's (not redrawn).
    pub reused: u64,
    /// Segments copied from the earlier video, and all segments.
    pub copied: usize,
    pub segments: usize,
}

/// The video [`render_video`] makes: `plan.video` of `job` on `scene`,
/// written to `path`, keeping segment `j` of the earlier video there where `keep[j]`.
#[derive(Clone, Copy)]
pub struct VideoJob<'a> {
    pub scene: &'a Scene,
    pub job: &'a Job,
    pub plan: &'a Plan,
    pub path: &'a Path,
    pub keep: &'a [bool],
    pub stop: &'a StopFlag,
}

/// Renders the video, frame by frame, to `path` via a temp file. Segment
/// `j` of the frames ([`FrameRange::segments`]) is copied from the video
/// already at `path` where `keep[j]` (its frames look the same,
/// [`segment_hashes`]) and that video holds it whole; the others are
/// rendered. Either way each segment is encoded on its own, so the result
/// decodes to the frames a render of every segment gives.
pub fn render_video(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    video: VideoJob<'_>,
    progress: &mut dyn Progress,
) -> Result<VideoDone, RenderError> {
    let VideoJob {
        scene,
        job,
        plan,
        path,
        keep,
        stop,
    } = video;
    let (w, h) = plan.size;
    let frames = plan.frames;
    let segments = frames.segments();
    let mut copies = kept_segments(path, &segments, keep);
    let guard = TempGuard::new(temp_path(path));
    let total = scene.frame_count_at(frames.fps);
    let encoder = EncoderThread::spawn(guard.path.clone(), video_settings(job, plan.size, frames, total))?;
    progress.start(&scene.name, frames.len());
    let mut done = VideoDone {
        segments: segments.len(),
        ..VideoDone::default()
    };
    let mut j = 0;
    while j < segments.len() {
        if let Some(packets) = copies[j].take() {
            encoder.copy_segment(packets, segments[j].len())?;
            progress.frame(segments[j].end - frames.start);
            done.copied += 1;
            j += 1;
            continue;
        }
        // A run of segments to render, up to the next one kept.
        let run_end = (j..segments.len())
            .find(|&k| copies[k].is_some())
            .unwrap_or(segments.len());
        let run = FrameRange {
            start: segments[j].start,
            end: segments[run_end - 1].end,
            ..frames
        };
        let run = FrameRun {
            scene,
            size: (w, h),
            range: run,
            stop,
            yuv: gpu_yuv_enabled(ctx),
        };
        // A fresh start: the run begins the video or follows a copied segment.
        done.reused += render_frames(ctx, &mut Frames::new(&mut *renderer), run, |i, frame| {
            if i % frames.segment.max(1) == 0 {
                encoder.begin_segment()?;
            }
            // RGBA frames go to the encoder thread as the rectangle that
            // changed, converted to YUV there into the kept previous planes.
            match frame {
                Frame::Same => encoder.repeat()?,
                Frame::Yuv420p(yuv) => encoder.send_yuv420p(yuv.data)?,
                Frame::Rgba(img) => encoder.send_patch(PixelBox::whole(w, h), img.data)?,
                Frame::Patch(b, img) => encoder.send_patch(b, img.data)?,
            }
            progress.frame(i - frames.start + 1);
            Ok(())
        })?;
        j = run_end;
    }
    done.frames = encoder.finish()?;
    guard.commit(path).map_err(|source| RenderError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(done)
}

/// For each segment to keep, its packets in the video at `path`: one per
/// frame, the first a keyframe, in decode order. A segment the file does not
/// hold whole (or a file that cannot be read) is rendered instead.
fn kept_segments(path: &Path, segments: &[FrameRange], keep: &[bool]) -> Vec<Option<Vec<EncodedPacket>>> {
    let mut out = vec![None; segments.len()];
    if !keep.iter().any(|&k| k) {
        return out;
    }
    let Some(fps) = segments.first().map(|s| s.fps) else {
        return out;
    };
    let kept = |j: usize| keep.get(j).copied().unwrap_or(false);
    let segment_of = |pts: i64| {
        segments
            .iter()
            .position(|s| (s.start as i64..s.end as i64).contains(&pts))
    };
    let Ok(packets) = crate::video::read_packets(path, fps, |pts| segment_of(pts).is_some_and(kept)) else {
        return out;
    };
    let mut by_segment: Vec<Vec<EncodedPacket>> = vec![Vec::new(); segments.len()];
    for p in packets {
        if let Some(j) = segment_of(p.pts) {
            by_segment[j].push(p);
        }
    }
    for (j, (seg, mine)) in segments.iter().zip(by_segment).enumerate() {
        if !kept(j) {
            continue;
        }
        let mut pts: Vec<i64> = mine.iter().map(|p| p.pts).collect();
        pts.sort_unstable();
        let whole = pts.iter().copied().eq(seg.start as i64..seg.end as i64);
        if whole && mine.first().is_some_and(|p| p.key) {
            out[j] = Some(mine);
        }
    }
    out
}

/// A hash of what each segment of `frames` shows ([`FrameRange::segments`]):
/// every frame's background and item keys. Keys name paths, paints and
/// images by content ([`crate::snapshot::DrawItem::key`]), so two runs of
/// anim give the same hash for segments that look the same.
pub fn segment_hashes(scene: &Scene, frames: FrameRange) -> Vec<u64> {
    use std::hash::Hasher;
    let mut evaluator = Evaluator::new(scene);
    frames
        .segments()
        .iter()
        .map(|seg| {
            let mut h = std::hash::DefaultHasher::new();
            for i in seg.start..seg.end {
                let (snap, keys) = evaluator.frame(i as f64 / seg.fps as f64);
                let bg = snap.background;
                for c in [bg.r, bg.g, bg.b, bg.a] {
                    h.write_u32(c.to_bits());
                }
                h.write_usize(keys.len());
                keys.iter().for_each(|&k| h.write_u64(k));
            }
            h.finish()
        })
        .collect()
}
