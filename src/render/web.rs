//! The other videos: WebM, GIF, WebP and ProRes MOV, and the MP4 when it
//! is asked beside them, fed from one frame loop (the scene is rendered
//! once, every sink gets the same frames), plus the poster.
//!
//! Each output is written to its own temporary file and renamed once
//! complete ([`crate::output`]). A sink that fails (an encoder missing from
//! the system's FFmpeg, a write error) is dropped, its temporary file
//! removed, and the others carry on: the render then fails naming that
//! format ([`RenderError::Format`]), with the other files written and any
//! earlier file of the failed format left as it was.

use std::path::{Path, PathBuf};

use super::formats::Format;
use super::frames::{render_frames_over, Frame, FrameRun, Frames};
use super::gif::{downscale, gif_size, GifWriter, Palette};
use super::job::{Job, Plan, Progress, RenderError, StopFlag};
use super::still::draw;
use crate::color::Color;
use crate::eval::evaluate;
use crate::gpu::{GpuContext, Renderer};
use crate::image::RgbaImage;
use crate::output::{temp_path, TempGuard};
use crate::scene::Scene;

/// What [`render_web`] is asked for.
#[derive(Clone, Copy)]
pub struct WebJob<'a> {
    pub scene: &'a Scene,
    pub job: &'a Job,
    pub plan: &'a Plan,
    pub stop: &'a StopFlag,
    /// Also feed the MP4 at this path from the same frames.
    pub mp4: Option<&'a Path>,
}

/// What [`render_web`] wrote, and what failed.
#[derive(Debug, Default)]
pub struct WebDone {
    pub written: Vec<PathBuf>,
    pub failed: Vec<RenderError>,
    pub frames: u64,
    pub reused: u64,
}

enum Sink {
    /// The WebM, WebP or MOV at `size` and `out_fps` (of the render's `fps`):
    /// `seen` render frames so far, `changed` when one differed from the
    /// last frame sent.
    #[cfg(feature = "video")]
    Ffmpeg {
        enc: crate::video::WebEncoder,
        size: (u32, u32),
        fps: u32,
        out_fps: u32,
        seen: u64,
        changed: bool,
    },
    #[cfg(feature = "video")]
    Mp4(crate::video::EncoderThread),
    /// Made at the first frame (its palette wants it); the palette sample of the still.
    Gif {
        writer: Option<GifWriter<std::fs::File>>,
        size: (u32, u32),
        fps: u32,
        transparent: bool,
        still: Option<RgbaImage>,
    },
}

struct Output {
    format: Format,
    path: PathBuf,
    guard: TempGuard,
    sink: Sink,
}

fn failed(format: Format, message: impl std::fmt::Display) -> RenderError {
    RenderError::Format {
        format: format.name(),
        message: message.to_string(),
    }
}

impl Output {
    fn create(format: Format, path: &Path, web: &WebJob<'_>) -> Result<Output, RenderError> {
        let guard = TempGuard::new(temp_path(path));
        let plan = web.plan;
        let sink = match format {
            Format::Gif => Sink::Gif {
                writer: None,
                size: gif_size(plan.size, web.job.gif.width),
                fps: web.job.gif.fps,
                transparent: web.job.transparent,
                still: None,
            },
            #[cfg(feature = "video")]
            Format::Mp4 => {
                let total = web.scene.frame_count_at(plan.frames.fps);
                let settings = super::job::video_settings(web.job, plan.size, plan.frames, total);
                Sink::Mp4(
                    crate::video::EncoderThread::spawn(guard.path.clone(), settings)
                        .map_err(|e| failed(format, e))?,
                )
            }
            #[cfg(feature = "video")]
            f => {
                let fps = plan.frames.fps;
                let asked = match f {
                    Format::Webm | Format::Webp => web.job.web_size,
                    _ => super::job::WebSize::default(), // the MOV, for editors, keeps the render's
                };
                let size = asked
                    .width
                    .map_or(plan.size, |w| super::gif::web_size(plan.size, w));
                let out_fps = asked.fps.map_or(fps, |r| r.clamp(1, fps.max(1)));
                let codec = crate::video::WebCodec::of(f.name(), out_fps, web.job.transparent)
                    .ok_or_else(|| failed(f, "not a video format"))?;
                let enc = crate::video::WebEncoder::create(&guard.path, codec, size, out_fps)
                    .map_err(|e| failed(f, e))?;
                Sink::Ffmpeg {
                    enc,
                    size,
                    fps,
                    out_fps,
                    seen: 0,
                    changed: false,
                }
            }
            #[cfg(not(feature = "video"))]
            f => return Err(failed(f, "this anim was built without the `video` feature")),
        };
        Ok(Output {
            format,
            path: path.to_path_buf(),
            guard,
            sink,
        })
    }

    /// Hands this sink frame `i` (`whole` is the whole frame after `frame`).
    fn push(
        &mut self,
        i: u64,
        segment: u64,
        frame: &Frame,
        whole: &RgbaImage,
        fps: u32,
    ) -> Result<(), RenderError> {
        let format = self.format;
        #[cfg(not(feature = "video"))]
        let _ = (i, segment); // the MP4's segments
        match &mut self.sink {
            #[cfg(feature = "video")]
            Sink::Ffmpeg {
                enc,
                size,
                fps,
                out_fps,
                seen,
                changed,
            } => {
                let n = *seen;
                *seen += 1;
                *changed |= !matches!(frame, Frame::Same);
                if !super::gif::picked(n, *fps, *out_fps) {
                    return Ok(()); // not a frame at the output's rate
                }
                let sent = if n > 0 && !*changed {
                    enc.repeat()
                } else if (whole.width, whole.height) == *size {
                    enc.push_rgba(&whole.data)
                } else {
                    enc.push_rgba(&downscale(whole, *size).data)
                };
                *changed = false;
                sent.map_err(|e| failed(format, e))
            }
            #[cfg(feature = "video")]
            Sink::Mp4(enc) => {
                if i.is_multiple_of(segment.max(1)) {
                    enc.begin_segment().map_err(|e| failed(format, e))?;
                }
                let (w, h) = (whole.width, whole.height);
                match frame {
                    Frame::Same => enc.repeat(),
                    Frame::Patch(b, img) => enc.send_patch(*b, img.data.clone()),
                    _ => enc.send_patch(crate::damage::PixelBox::whole(w, h), whole.data.clone()),
                }
                .map_err(|e| failed(format, e))
            }
            Sink::Gif {
                writer,
                size,
                fps: gif_fps,
                transparent,
                still,
            } => {
                if let (Some(g), Frame::Same) = (writer.as_mut(), frame) {
                    g.repeat();
                    return Ok(());
                }
                let small = downscale(whole, *size);
                if writer.is_none() {
                    let samples: Vec<&RgbaImage> = still.iter().chain([&small]).collect();
                    let palette = Palette::new(&samples, *transparent);
                    let file = std::fs::File::create(&self.guard.path).map_err(|e| failed(format, e))?;
                    let g =
                        GifWriter::new(file, *size, palette, fps, *gif_fps).map_err(|e| failed(format, e))?;
                    *writer = Some(g);
                }
                match writer {
                    Some(g) => g.push(&small).map_err(|e| failed(format, e)),
                    None => Ok(()),
                }
            }
        }
    }

    /// Finishes the file and moves it into place.
    fn finish(self) -> Result<PathBuf, RenderError> {
        let format = self.format;
        match self.sink {
            #[cfg(feature = "video")]
            Sink::Ffmpeg { enc, .. } => enc.finish().map(drop).map_err(|e| failed(format, e))?,
            #[cfg(feature = "video")]
            Sink::Mp4(enc) => enc.finish().map(drop).map_err(|e| failed(format, e))?,
            Sink::Gif { writer, .. } => {
                let file = writer
                    .ok_or_else(|| failed(format, "no frame"))?
                    .finish()
                    .map_err(|e| failed(format, e))?;
                file.sync_all().map_err(|e| failed(format, e))?;
            }
        }
        self.guard.commit(&self.path).map_err(|e| failed(format, e))?;
        Ok(self.path)
    }
}

/// Renders the frames once and writes every other video `web.plan` names
/// (and the MP4 when `web.mp4`), then the poster. A format that fails is in
/// [`WebDone::failed`]; an error of the render itself (GPU, interrupted)
/// stops everything and writes nothing.
pub fn render_web(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    web: WebJob<'_>,
    progress: &mut dyn Progress,
) -> Result<WebDone, RenderError> {
    let WebJob {
        scene,
        job,
        plan,
        stop,
        ..
    } = web;
    let mut done = WebDone::default();
    let mut snap = evaluate(scene, plan.still);
    if job.transparent {
        snap.background = Color::TRANSPARENT;
    }
    let still = draw(ctx, renderer, &snap, plan.size.0, plan.size.1)?;
    let mut outputs = Vec::new();
    let asked = web.mp4.map(|p| (Format::Mp4, p)).into_iter();
    for (format, path) in asked.chain(plan.web.iter().map(|(f, p)| (*f, p.as_path()))) {
        match Output::create(format, path, &web) {
            Ok(mut out) => {
                // Without `video` the GIF is the only sink.
                #[cfg_attr(not(feature = "video"), allow(irrefutable_let_patterns))]
                if let Sink::Gif { still: s, size, .. } = &mut out.sink {
                    *s = Some(downscale(&still, *size));
                }
                outputs.push(out);
            }
            Err(e) => done.failed.push(e),
        }
    }
    let frames = plan.frames;
    if !outputs.is_empty() {
        progress.start(&scene.name, frames.len());
        let run = FrameRun {
            scene,
            size: plan.size,
            range: frames,
            stop,
            yuv: false,
        };
        let mut whole = RgbaImage::new(plan.size.0, plan.size.1);
        let failures = &mut done.failed;
        let over = job.transparent.then_some(Color::TRANSPARENT);
        done.reused = render_frames_over(ctx, &mut Frames::new(&mut *renderer), run, over, |i, frame| {
            match &frame {
                Frame::Rgba(img) => whole = img.clone(),
                Frame::Patch(b, img) => whole.blit(img, b.x, b.y),
                Frame::Yuv420p(_) | Frame::Same => {}
            }
            let mut k = 0;
            while k < outputs.len() {
                match outputs[k].push(i, frames.segment, &frame, &whole, frames.fps) {
                    Ok(()) => k += 1,
                    Err(e) => {
                        failures.push(e);
                        outputs.remove(k); // its temporary file goes with it
                    }
                }
            }
            progress.frame(i - frames.start + 1);
            Ok(())
        })?;
        done.frames = frames.len();
    }
    for out in outputs {
        match out.finish() {
            Ok(path) => done.written.push(path),
            Err(e) => done.failed.push(e),
        }
    }
    if let Some(path) = &plan.poster {
        super::still::write_png(&still, path, job.dpi)?;
        done.written.push(path.clone());
    }
    Ok(done)
}
