//! [`render_scene`]: a job's outputs for one scene, the cache consulted first.

use std::path::Path;
use std::time::Instant;

use super::formats::Format;
use super::job::{plan, Job, Plan, Progress, RenderError, Report, StopFlag};
use super::still::{render_png, render_vector};
#[cfg(feature = "video")]
use super::video::{render_video, segment_hashes, VideoJob};
use crate::cache::{FileHashes, Inputs};
use crate::gpu::{GpuContext, Renderer};
use crate::scene::Scene;

/// Renders what `job` asks for; [`plan`] checks it first, so a job that
/// cannot be done writes nothing, not even its folder. Outputs whose
/// inputs are unchanged since they were written are kept as they are
/// unless `job.force` ([`crate::cache`]).
pub fn render_scene(
    ctx: &GpuContext,
    renderer: &mut Renderer,
    scene: &Scene,
    job: &Job,
    stop: &StopFlag,
    progress: &mut dyn Progress,
) -> Result<Report, RenderError> {
    let started = Instant::now();
    #[cfg(not(feature = "video"))]
    let _ = stop; // only the video's frame loop can be interrupted
    let mut plan = plan(scene, job)?;
    let mut report = Report::default();
    let others = plan
        .web
        .iter()
        .chain(&plan.vector)
        .map(|(_, p)| p)
        .chain(&plan.poster)
        .chain(plan.storyboard.iter().flatten());
    for path in plan.video.iter().chain(&plan.png).chain(others) {
        prepare_folder(path)?;
    }
    let engine = format!("{} aa={}", ctx.describe(), renderer.antialias().name());
    let files = FileHashes::new(&scene.inputs);
    let png_inputs = Inputs::new(&files, &png_options(job, &plan, &engine));
    #[cfg(feature = "video")]
    let video_inputs = Inputs::new(&files, &video_options(job, &plan, &engine));
    #[allow(unused_mut)]
    let mut outputs = vec![(&mut plan.png, &png_inputs)];
    #[cfg(feature = "video")]
    outputs.push((&mut plan.video, &video_inputs));
    for (slot, inputs) in outputs {
        if slot
            .as_ref()
            .is_some_and(|path| keep(inputs, path, job.force, &mut report))
        {
            *slot = None;
        }
    }
    // The MP4 beside other videos comes from their frame loop (rendered
    // whole), unless its frames differ (--transparent keeps its background).
    let mp4_with_others = !plan.web.is_empty() && !job.transparent;
    let mut format_errors = Vec::new();
    if !plan.web.is_empty() {
        let mp4 = plan.video.as_deref().filter(|_| mp4_with_others);
        let web = super::web::WebJob {
            scene,
            job,
            plan: &plan,
            stop,
            mp4,
        };
        let done = super::web::render_web(ctx, renderer, web, progress)?;
        #[cfg(feature = "video")]
        if let Some(path) = mp4.filter(|p| done.written.iter().any(|w| w == p)) {
            record(
                &video_inputs
                    .clone()
                    .with_segments(segment_hashes(scene, plan.frames)),
                path,
            )?;
            report.video = Some(path.to_path_buf());
        }
        report.web = done
            .written
            .into_iter()
            .filter(|p| Some(p.as_path()) != mp4)
            .collect();
        report.frames = done.frames;
        report.reused = done.reused;
        format_errors = done.failed;
    }
    #[cfg(feature = "video")]
    if let Some(path) = plan
        .video
        .as_ref()
        .filter(|_| plan.web.is_empty() || !mp4_with_others)
    {
        // Segments that look as they did are copied from the earlier video.
        let hashes = segment_hashes(scene, plan.frames);
        let keep: Vec<bool> = match video_inputs.old_segments(path).filter(|_| !job.force) {
            Some(old) => hashes
                .iter()
                .enumerate()
                .map(|(j, h)| old.get(j) == Some(h))
                .collect(),
            None => vec![false; hashes.len()],
        };
        let video = VideoJob {
            scene,
            job,
            plan: &plan,
            path,
            keep: &keep,
            stop,
        };
        let done = render_video(ctx, renderer, video, progress)?;
        record(&video_inputs.with_segments(hashes), path)?;
        report.video = Some(path.clone());
        report.frames = done.frames;
        report.reused = done.reused;
        report.segments = (done.copied, done.segments);
    }
    if let Some(path) = &plan.png {
        render_png(ctx, renderer, scene, job, &plan, path)?;
        record(&png_inputs, path)?;
        report.png = Some(path.clone());
    }
    // The vector stills need no GPU; one that fails leaves the others.
    for (format, path) in &plan.vector {
        let inputs = Inputs::new(&files, &vector_options(*format, job, &plan));
        if keep(&inputs, path, job.force, &mut report) {
            continue;
        }
        match render_vector(scene, job, &plan, *format, path) {
            Ok(()) => {
                record(&inputs, path)?;
                report.vector.push(path.clone());
            }
            Err(e) => format_errors.push(e),
        }
    }
    if let Some(paths) = &plan.storyboard {
        let inputs = Inputs::new(&files, &storyboard_options(job, &plan, &engine));
        // Its PNG and PDF are one output: both are kept, or both made again
        // for the first one's reason.
        let why = paths.iter().find_map(|p| inputs.check(p).err());
        if why.is_none() && !job.force {
            report.up_to_date.extend(paths.iter().cloned());
        } else {
            let why = why.unwrap_or(crate::cache::Stale::Forced);
            report
                .stale
                .extend(paths.iter().map(|p| (p.clone(), why.clone())));
            match super::storyboard::render_storyboard(ctx, renderer, scene, job, &plan, paths) {
                Ok(()) => {
                    for p in paths {
                        record(&inputs, p)?;
                        report.vector.push(p.clone());
                    }
                }
                Err(e) => format_errors.push(e),
            }
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    progress.finish(&summary(&report));
    match format_errors.len() {
        0 => Ok(report),
        1 => Err(format_errors.remove(0)),
        _ => Err(RenderError::Formats(
            format_errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )),
    }
}

/// What shapes the still besides the scene's files (and anim itself).
fn png_options(job: &Job, plan: &Plan, engine: &str) -> String {
    format!(
        "png {}x{} t={} transparent={} dpi={} {engine}",
        plan.size.0, plan.size.1, plan.still, job.transparent, job.dpi
    )
}

/// What shapes a vector still besides the scene's files (and anim itself).
fn vector_options(format: Format, job: &Job, plan: &Plan) -> String {
    format!(
        "{} {}x{} t={} transparent={}",
        format.name(),
        plan.size.0,
        plan.size.1,
        plan.still,
        job.transparent
    )
}

/// What shapes the storyboard besides the scene's files (and anim itself).
fn storyboard_options(job: &Job, plan: &Plan, engine: &str) -> String {
    format!(
        "storyboard {}x{} transparent={} dpi={} {engine}",
        plan.size.0, plan.size.1, job.transparent, job.dpi
    )
}

/// What shapes the video besides the scene's files (and anim itself).
#[cfg(feature = "video")]
fn video_options(job: &Job, plan: &Plan, engine: &str) -> String {
    let f = plan.frames;
    format!(
        "mp4 {}x{} frames={}..{}@{} crf={} preset={} x264={} {engine}",
        plan.size.0,
        plan.size.1,
        f.start,
        f.end,
        f.fps,
        job.crf,
        job.preset,
        crate::video::x264_params(f.fps)
    )
}

/// Whether `path` is up to date with `inputs` and is kept (never with
/// `--force`); `report` says which, and why not.
fn keep(inputs: &Inputs, path: &Path, force: bool, report: &mut Report) -> bool {
    let path = path.to_path_buf();
    match inputs.check(&path) {
        Ok(()) if !force => {
            report.up_to_date.push(path);
            true
        }
        Ok(()) => {
            report.stale.push((path, crate::cache::Stale::Forced));
            false
        }
        Err(why) => {
            report.stale.push((path, why));
            false
        }
    }
}

/// Writes the cache record of a finished output.
fn record(inputs: &Inputs, path: &Path) -> Result<(), RenderError> {
    inputs.record(path).map_err(|source| RenderError::Io {
        path: crate::cache::record_path(path),
        source,
    })
}

/// Creates the folder `path` goes in and removes what killed runs left there.
fn prepare_folder(path: &Path) -> Result<(), RenderError> {
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    std::fs::create_dir_all(dir).map_err(|source| RenderError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    crate::output::clean_leftovers(dir);
    Ok(())
}

fn summary(r: &Report) -> String {
    let mut parts = Vec::new();
    if let Some(v) = &r.video {
        let copied = match r.segments {
            (0, _) => String::new(),
            (c, n) => format!(", {c} of {n} segments unchanged and kept"),
        };
        parts.push(format!(
            "{} ({} frames, {} reused{copied})",
            display(v),
            r.frames,
            r.reused
        ));
    }
    if let Some(p) = &r.png {
        parts.push(display(p));
    }
    parts.extend(r.web.iter().chain(&r.vector).map(|p| display(p)));
    let kept: Vec<String> = r.up_to_date.iter().map(|p| display(p)).collect();
    match (parts.is_empty(), kept.is_empty()) {
        (false, true) => format!("wrote {} in {:.1} s", parts.join(" and "), r.seconds),
        (false, false) => format!(
            "wrote {} in {:.1} s; {} up to date",
            parts.join(" and "),
            r.seconds,
            kept.join(" and ")
        ),
        (true, _) => format!("up to date: {} (--force renders anyway)", kept.join(" and ")),
    }
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
