//! The `anim` binary: flags ([`anim::cli`]) → the project and its scenes
//! ([`anim::project`]) → library calls; prints errors with their cause
//! chain and picks the exit code (see docs/errors.md).

use std::error::Error;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use anim::cli::{Cli, Command, RenderArgs};
use anim::gpu::{GpuContext, RenderOptions, Renderer};
use anim::progress::{note, Bar};
use anim::project::{self, Project};
use anim::render::{plan, render_scene, Job, RenderError, StopFlag};
use anim::scene::{Loader, Scene};
use anyhow::anyhow;
use clap::Parser;

/// Exit codes, documented in docs/errors.md.
mod exit {
    pub const FAILURE: u8 = 1;
    pub const BAD_INPUT: u8 = 2;
    pub const SIGINT: u8 = 130;
    pub const SIGTERM: u8 = 143;
}

/// An error with the exit code it deserves; no error to print when the
/// program stops quietly (a reader gone, an interrupt already reported).
struct Failure {
    code: u8,
    error: Option<anyhow::Error>,
}

impl Failure {
    /// Bad input: a scene file, a flag, a name (exit code 2).
    fn input(e: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: exit::BAD_INPUT,
            error: Some(e.into()),
        }
    }
    /// The environment or the render failed (exit code 1).
    fn env(e: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: exit::FAILURE,
            error: Some(e.into()),
        }
    }
    /// Stops with `code` and prints nothing.
    fn quiet(code: u8) -> Failure {
        Failure { code, error: None }
    }
}

/// `e` and its causes on one line, as anyhow's `{:#}` prints them
/// (`outer: cause: its cause`), except that a cause whose text is already
/// in the message is not repeated: most of anim's errors quote their source
/// ("cannot write x.png: No space left on device").
fn with_causes(e: &(dyn Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let c_text = c.to_string();
        if !text.contains(&c_text) {
            text.push_str(": ");
            text.push_str(&c_text);
        }
        cause = c.source();
    }
    text
}

/// `e` as a failure of `scene`: `NAME: message`.
fn in_scene(scene: &Scene, e: impl Error + Send + Sync + 'static) -> anyhow::Error {
    anyhow::Error::new(e).context(scene.name.clone())
}

/// Prints a line on standard output. A reader that closed the pipe
/// (`anim list | head -1`) ends the program quietly with success, as
/// ripgrep does; any other failure (a full disk) is an error.
fn out(line: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::quiet(0)),
        Err(e) => Err(Failure::env(
            anyhow::Error::new(e).context("cannot write to standard output"),
        )),
    }
}

fn main() -> ExitCode {
    quiet_wsi_warning();
    let cli = Cli::parse_from(anim::cli::expand_quality_flags(std::env::args_os()));
    #[cfg(feature = "video")]
    anim::avlog::route(cli.verbose);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if let Some(e) = &f.error {
                note(&format!("error: {}", with_causes(&**e)));
            }
            ExitCode::from(f.code)
        }
    }
}

/// Mesa's Vulkan WSI prints "XDG_RUNTIME_DIR is invalid" when the variable is
/// unset (CI, ssh, containers). Point it at a private folder before any
/// thread starts; a valid existing value is left alone.
fn quiet_wsi_warning() {
    let valid = std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| Path::new(&d).is_dir());
    if !valid {
        let dir = std::env::temp_dir().join("anim-xdg-runtime");
        if std::fs::create_dir_all(&dir).is_ok() {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
            std::env::set_var("XDG_RUNTIME_DIR", &dir);
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let project = Project::find(cli.root.as_deref()).map_err(|e| match e {
        project::ProjectError::CurrentDir(_) => Failure::env(e),
        e => Failure::input(e),
    })?;
    match &cli.command {
        Command::List => list(&project),
        Command::Check { files, expanded } => check(&project, files, *expanded),
        Command::Render(args) => render(&cli, &project, args),
        Command::Preview(args) => preview(&cli, &project, args),
        Command::Splice { chunks, output } => splice(chunks, output),
    }
}

fn loader(project: &Project) -> Result<Loader, Failure> {
    Loader::new(&project.root).map_err(Failure::env)
}

/// Loads each scene, printing `describe(scene)` for the good ones and the
/// error for the others; fails with exit code 2 if any did not load.
fn load_each(
    loader: &Loader,
    paths: &[PathBuf],
    describe: impl Fn(&Path, &Scene) -> String,
) -> Result<(), Failure> {
    let mut bad = 0;
    for p in paths {
        match loader.load(p) {
            Ok(s) => out(&describe(p, &s))?,
            Err(e) => {
                bad += 1;
                note(&format!("error: {}", with_causes(&e)));
            }
        }
    }
    if bad > 0 {
        return Err(Failure::input(anyhow!(
            "{bad} of {} scene file(s) have errors",
            paths.len()
        )));
    }
    Ok(())
}

fn list(project: &Project) -> Result<(), Failure> {
    let loader = loader(project)?;
    let files = project.scenes().map_err(Failure::input)?;
    let stems = project::stems(&files);
    out(&format!(
        "{:<26} {:<12} {:>9} {:>5}  {:<11} TITLE",
        "SCENE", "SHORT NAME", "DURATION", "FPS", "SIZE"
    ))?;
    load_each(&loader, &files, |p, s| {
        let stem = p.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
        format!(
            "{:<26} {:<12} {:>8.1}s {:>5}  {:<11} {}",
            s.name,
            project::short_name(&stem, &stems),
            s.duration,
            s.fps,
            format!("{}x{}", s.width, s.height),
            s.title.as_deref().unwrap_or("")
        )
    })
}

fn check(project: &Project, files: &[String], expanded: bool) -> Result<(), Failure> {
    let loader = loader(project)?;
    let paths = if files.is_empty() {
        project.scenes()
    } else {
        project.scenes_named(files)
    }
    .map_err(Failure::input)?;
    load_each(&loader, &paths, |p, s| {
        if expanded {
            return match loader.load_expanded(p) {
                Ok(t) => format!("// {}, expanded\n{t}", p.display()),
                Err(e) => format!("// {}: {e}", p.display()),
            };
        }
        format!(
            "ok   {} ({} elements, {} steps, {:.1} s)",
            p.display(),
            s.elements.len(),
            s.steps.len(),
            s.duration
        )
    })
}

#[cfg(feature = "preview")]
fn preview(cli: &Cli, project: &Project, args: &anim::cli::PreviewArgs) -> Result<(), Failure> {
    use anim::preview::PreviewError;
    let options = anim::preview::PreviewOptions {
        root: project.root.clone(),
        scene: project.find_scene(&args.scene).map_err(Failure::input)?,
        start: args.start,
        paused: args.paused,
        window: args.window,
        backend: cli.backend().map_err(Failure::input)?,
        verbose: cli.verbose,
        overlay: !args.no_overlay,
    };
    anim::preview::run(options).map_err(|e| match e {
        e @ (PreviewError::Scene(_) | PreviewError::Options(_)) => Failure::input(e),
        e => Failure::env(e),
    })
}

#[cfg(not(feature = "preview"))]
fn preview(_: &Cli, _: &Project, _: &anim::cli::PreviewArgs) -> Result<(), Failure> {
    Err(Failure::env(anyhow!(
        "this anim was built without the `preview` feature; rebuild it with the default features for the preview window"
    )))
}

/// `anim splice CHUNK... -o FILE`: through a temporary file, like every output.
#[cfg(feature = "video")]
fn splice(chunks: &[PathBuf], output: &Path) -> Result<(), Failure> {
    use anim::video::VideoError;
    for c in chunks {
        if let Some(what) = project::not_a(c, "video") {
            return Err(Failure::input(anyhow!("{} {what}", c.display())));
        }
        if c == output {
            return Err(Failure::input(anyhow!(
                "-o {}: is one of the chunks; write the joined video elsewhere",
                output.display()
            )));
        }
    }
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::env(anyhow!("cannot create {}: {e}", dir.display())))?;
    }
    let guard = anim::output::TempGuard::new(anim::output::temp_path(output));
    let frames = anim::video::splice(chunks, &guard.path).map_err(|e| match e {
        e @ (VideoError::Read { .. } | VideoError::InvalidSettings(_)) => Failure::input(e),
        e => Failure::env(e),
    })?;
    guard
        .commit(output)
        .map_err(|e| Failure::env(anyhow!("cannot write {}: {e}", output.display())))?;
    note(&format!(
        "wrote {} ({frames} frames from {} chunks)",
        output.display(),
        chunks.len()
    ));
    Ok(())
}

#[cfg(not(feature = "video"))]
fn splice(_: &[PathBuf], _: &Path) -> Result<(), Failure> {
    Err(Failure::env(anyhow!(
        "this anim was built without the `video` feature, so it cannot join videos; rebuild it with the default features"
    )))
}

fn install_signal_handlers() -> Result<StopFlag, Failure> {
    let flag: StopFlag = Arc::new(AtomicUsize::new(0));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_usize(sig, flag.clone(), sig as usize).map_err(Failure::env)?;
    }
    Ok(flag)
}

fn render(cli: &Cli, project: &Project, args: &RenderArgs) -> Result<(), Failure> {
    let stop = install_signal_handlers()?;
    let loader = loader(project)?;
    let paths = match (&args.scene, args.all) {
        (Some(s), _) => vec![project.find_scene(s).map_err(Failure::input)?],
        (None, true) => project.scenes().map_err(Failure::input)?,
        (None, false) => {
            return Err(Failure::input(anyhow!(
                "which scene? give --scene NAME (anim list shows the names), or --all for every scene"
            )))
        }
    };
    // Load (and so validate) every scene before the GPU starts.
    let scenes: Vec<Scene> = paths
        .iter()
        .map(|p| loader.load(p).map_err(Failure::input))
        .collect::<Result<_, _>>()?;
    if scenes.is_empty() {
        return Err(Failure::input(anyhow!("no scene files in scenes/")));
    }
    let job = args.job(&project.root).map_err(Failure::input)?;
    // Check the whole request against every scene before anything is written.
    for scene in &scenes {
        plan(scene, &job).map_err(|e| Failure::input(in_scene(scene, e)))?;
    }
    let ctx = GpuContext::new(cli.backend().map_err(Failure::input)?).map_err(Failure::env)?;
    if cli.verbose {
        note(&format!("adapter: {}", ctx.describe()));
    }
    // Each worker has its own renderer on the shared device. With several
    // workers, progress is reported as plain lines.
    let jobs = (args.jobs as usize).clamp(1, scenes.len());
    let tty = std::io::stderr().is_terminal() && jobs == 1;
    let one = OneScene {
        ctx: &ctx,
        job: &job,
        stop: &stop,
        verbose: cli.verbose,
    };
    for_each_parallel(
        &scenes,
        jobs,
        || Renderer::new(&ctx, RenderOptions { antialias: args.aa }),
        |renderer, scene| one.render(renderer, scene, &mut Bar::new(args.quiet, tty)),
    )
}

/// Runs `work` on each of `items`, handed out in order one at a time to
/// `jobs` threads, each with its own state made by `init`. After the first
/// failure no more items are handed out, and that failure (the first in
/// time) is returned once the items in progress are done.
fn for_each_parallel<T: Sync, S, E: Send>(
    items: &[T],
    jobs: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &T) -> Result<(), E> + Sync,
) -> Result<(), E> {
    let queue = Mutex::new(items.iter());
    let first_error = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            scope.spawn(|| {
                let mut state = init();
                // A poisoned lock (a worker panicked) hands out nothing more.
                while let Some(item) = queue.lock().ok().and_then(|mut q| q.next()) {
                    if let Err(e) = work(&mut state, item) {
                        if let Ok(mut first) = first_error.lock() {
                            first.get_or_insert(e);
                        }
                        if let Ok(mut q) = queue.lock() {
                            *q = Default::default();
                        }
                        break;
                    }
                }
            });
        }
    });
    match first_error.into_inner() {
        Ok(Some(e)) => Err(e),
        _ => Ok(()),
    }
}

/// What every scene of one `anim render` shares.
struct OneScene<'a> {
    ctx: &'a GpuContext,
    job: &'a Job,
    stop: &'a StopFlag,
    verbose: bool,
}

impl OneScene<'_> {
    /// Renders `scene` and maps its outcome to an exit code.
    fn render(&self, renderer: &mut Renderer, scene: &Scene, bar: &mut Bar) -> Result<(), Failure> {
        match render_scene(self.ctx, renderer, scene, self.job, self.stop, bar) {
            Ok(report) => {
                if self.verbose {
                    for path in &report.up_to_date {
                        note(&format!(
                            "{}: {}: up to date, not rendered",
                            scene.name,
                            path.display()
                        ));
                    }
                    for (path, why) in &report.stale {
                        note(&format!(
                            "{}: {}: out of date ({why})",
                            scene.name,
                            path.display()
                        ));
                    }
                    if report.video.is_some() || report.png.is_some() {
                        note(&format!(
                            "{}: {} frames ({} reused) in {:.2} s",
                            scene.name, report.frames, report.reused, report.seconds
                        ));
                    }
                }
                Ok(())
            }
            Err(RenderError::Interrupted(sig)) => {
                bar.abandon();
                note("interrupted: earlier outputs left as they were, temporary files removed");
                Err(Failure::quiet(if sig == signal_hook::consts::SIGTERM as usize {
                    exit::SIGTERM
                } else {
                    exit::SIGINT
                }))
            }
            Err(e) if is_bad_input(&e) => Err(Failure::input(in_scene(scene, e))),
            Err(e) => Err(Failure::env(in_scene(scene, e))),
        }
    }
}

/// Whether a render failed because of what was asked (exit code 2) rather
/// than the environment.
fn is_bad_input(e: &RenderError) -> bool {
    match e {
        RenderError::Invalid(_) => true,
        #[cfg(feature = "video")]
        RenderError::Video(anim::video::VideoError::OddSize { .. }) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_printed_once() {
        let io = std::io::Error::other("No space left on device");
        let quoted = anyhow::Error::new(RenderError::Io {
            path: "x.png".into(),
            source: std::io::Error::other("No space left on device"),
        });
        assert_eq!(
            with_causes(&*quoted),
            "cannot write x.png: No space left on device"
        );
        let wrapped = anyhow::Error::new(io).context("loop").context("cannot render");
        assert_eq!(
            with_causes(&*wrapped),
            "cannot render: loop: No space left on device"
        );
    }

    #[test]
    fn the_first_failure_stops_the_queue() {
        let done = Mutex::new(Vec::new());
        let r = for_each_parallel(
            &[1, 2, 3, 4, 5],
            1,
            || (),
            |(), &i| {
                done.lock().unwrap().push(i);
                if i == 3 {
                    Err(i)
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(r, Err(3));
        assert_eq!(*done.lock().unwrap(), [1, 2, 3]);
        let sum = std::sync::atomic::AtomicUsize::new(0);
        let r: Result<(), ()> = for_each_parallel(
            &[1, 2, 3, 4, 5],
            3,
            || (),
            |(), &i| {
                sum.fetch_add(i, std::sync::atomic::Ordering::Relaxed);
                Ok(())
            },
        );
        assert_eq!((r, sum.into_inner()), (Ok(()), 15));
    }
}
