//! The `anim` binary: flags → validated jobs → library calls; prints errors
//! with their cause chain and picks the exit code (see docs/errors.md).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use anim::cli::{parse_range, parse_size, Cli, Command, RenderArgs};
use anim::gpu::{BackendChoice, GpuContext, RenderOptions, Renderer};
use anim::render::{render_scene, Job, Progress, RenderError, StopFlag};
use anim::scene::{Loader, Scene, SceneError};
use clap::Parser;

/// Exit codes, documented in docs/errors.md.
mod exit {
    pub const FAILURE: u8 = 1;
    pub const BAD_INPUT: u8 = 2;
    pub const SIGINT: u8 = 130;
    pub const SIGTERM: u8 = 143;
}

/// An error with the exit code it deserves.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn input(e: impl std::fmt::Display) -> Failure {
        Failure {
            code: exit::BAD_INPUT,
            message: e.to_string(),
        }
    }
    fn env(e: impl std::fmt::Display) -> Failure {
        Failure {
            code: exit::FAILURE,
            message: e.to_string(),
        }
    }
}

fn main() -> ExitCode {
    quiet_wsi_warning();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("error: {}", f.message);
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
    let root = find_root(cli.root.as_deref())?;
    match &cli.command {
        Command::List => list(&root),
        Command::Check { files } => check(&root, files),
        Command::Render(args) => render(&cli, &root, args),
        Command::Preview(args) => preview(&cli, &root, args),
    }
}

/// The project folder: `--root`, else the current folder or its nearest
/// parent holding both scenes/ and assets/.
fn find_root(given: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(r) = given {
        if r.join("assets").is_dir() {
            return Ok(r.to_path_buf());
        }
        return Err(Failure::input(format!(
            "--root {}: no assets/ folder there",
            r.display()
        )));
    }
    let cwd = std::env::current_dir().map_err(Failure::env)?;
    cwd.ancestors()
        .find(|d| d.join("scenes").is_dir() && d.join("assets").is_dir())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            Failure::input(format!(
                "{} is not inside an anim project (no scenes/ and assets/ folders); cd into one or pass --root",
                cwd.display()
            ))
        })
}

/// Every scene file, sorted by name.
fn scene_files(root: &Path) -> Result<Vec<PathBuf>, Failure> {
    let dir = root.join("scenes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| Failure::input(format!("cannot read {}: {e}", dir.display())))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    Ok(files)
}

/// `03-loop-treinamento` → `loop-treinamento`.
fn without_number(stem: &str) -> &str {
    match stem.split_once('-') {
        Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) => rest,
        _ => stem,
    }
}

/// Finds a scene by file name, path, or short name.
fn find_scene(root: &Path, name: &str) -> Result<PathBuf, Failure> {
    let as_path = Path::new(name);
    if as_path.extension().is_some_and(|x| x == "ron") && as_path.is_file() {
        return Ok(as_path.to_path_buf());
    }
    let files = scene_files(root)?;
    let stem = |p: &PathBuf| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    if let Some(f) = files.iter().find(|p| stem(p) == name) {
        return Ok(f.clone());
    }
    let matches: Vec<&PathBuf> = files
        .iter()
        .filter(|p| {
            let s = stem(p);
            let short = without_number(&s);
            short == name || short.starts_with(&format!("{name}-"))
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Failure::input(format!(
            "unknown scene \"{name}\"; the scenes are: {}",
            files.iter().map(stem).collect::<Vec<_>>().join(", ")
        ))),
        many => Err(Failure::input(format!(
            "\"{name}\" matches several scenes: {}",
            many.iter().map(|p| stem(p)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

fn loader(root: &Path) -> Result<Loader, Failure> {
    Loader::new(root).map_err(Failure::env)
}

fn load(loader: &Loader, path: &Path) -> Result<Scene, Failure> {
    loader.load(path).map_err(|e: SceneError| Failure::input(e))
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
            Ok(s) => println!("{}", describe(p, &s)),
            Err(e) => {
                bad += 1;
                eprintln!("error: {e}");
            }
        }
    }
    if bad > 0 {
        return Err(Failure {
            code: exit::BAD_INPUT,
            message: format!("{bad} of {} scene file(s) have errors", paths.len()),
        });
    }
    Ok(())
}

fn list(root: &Path) -> Result<(), Failure> {
    let loader = loader(root)?;
    println!(
        "{:<28} {:>9} {:>5}  {:<11} TITLE",
        "SCENE", "DURATION", "FPS", "SIZE"
    );
    load_each(&loader, &scene_files(root)?, |_, s| {
        format!(
            "{:<28} {:>8.1}s {:>5}  {:<11} {}",
            s.name,
            s.duration,
            s.fps,
            format!("{}x{}", s.width, s.height),
            s.title.as_deref().unwrap_or("")
        )
    })
}

fn check(root: &Path, files: &[String]) -> Result<(), Failure> {
    let loader = loader(root)?;
    let paths: Vec<PathBuf> = if files.is_empty() {
        scene_files(root)?
    } else {
        files
            .iter()
            .map(|f| find_scene(root, f))
            .collect::<Result<_, _>>()?
    };
    load_each(&loader, &paths, |p, s| {
        format!(
            "ok   {} ({} elements, {} steps, {:.1} s)",
            p.display(),
            s.elements.len(),
            s.steps.len(),
            s.duration
        )
    })
}

/// A progress bar on a terminal, plain lines otherwise, nothing with --quiet.
struct Bar {
    bar: Option<indicatif::ProgressBar>,
    quiet: bool,
    tty: bool,
    total: u64,
    label: String,
}

impl Progress for Bar {
    fn start(&mut self, label: &str, frames: u64) {
        self.total = frames;
        self.label = label.to_string();
        if self.quiet {
            return;
        }
        if self.tty {
            let bar = indicatif::ProgressBar::new(frames);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{prefix:>24} [{bar:32}] {pos}/{len} frames  {per_sec:>9}  ETA {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(label.to_string());
            self.bar = Some(bar);
        } else {
            eprintln!("{label}: rendering {frames} frames");
        }
    }
    fn frame(&mut self, done: u64) {
        if let Some(b) = &self.bar {
            b.set_position(done);
        } else if !self.quiet
            && !self.tty
            && self.total >= 100
            && done.is_multiple_of((self.total / 4).max(1))
        {
            eprintln!("{}: {done}/{} frames", self.label, self.total);
        }
    }
    fn finish(&mut self, summary: &str) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        if !self.quiet {
            eprintln!("{summary}");
        }
    }
}

fn preview(cli: &Cli, root: &Path, args: &anim::cli::PreviewArgs) -> Result<(), Failure> {
    let path = find_scene(root, &args.scene)?;
    let backend = match cli.backend {
        Some(b) => b,
        None => BackendChoice::from_env()
            .map_err(Failure::input)?
            .unwrap_or_default(),
    };
    let options = anim::preview::PreviewOptions {
        root: root.to_path_buf(),
        scene: path,
        start: args.start,
        paused: args.paused,
        window: args
            .window
            .as_deref()
            .map(parse_size)
            .transpose()
            .map_err(Failure::input)?,
        backend,
        verbose: cli.verbose,
        overlay: !args.no_overlay,
    };
    anim::preview::run(options).map_err(|e| match e {
        anim::preview::PreviewError::Scene(e) => Failure::input(e),
        e @ anim::preview::PreviewError::Options(_) => Failure::input(e),
        other => Failure::env(other),
    })
}

fn install_signal_handlers() -> Result<StopFlag, Failure> {
    let flag: StopFlag = Arc::new(AtomicUsize::new(0));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_usize(sig, flag.clone(), sig as usize).map_err(Failure::env)?;
    }
    Ok(flag)
}

fn render(cli: &Cli, root: &Path, args: &RenderArgs) -> Result<(), Failure> {
    let stop = install_signal_handlers()?;
    let loader = loader(root)?;
    let paths = match &args.scene {
        Some(s) => vec![find_scene(root, s)?],
        None => scene_files(root)?,
    };
    // Load (and so validate) every scene before the GPU starts.
    let scenes: Vec<Scene> = paths.iter().map(|p| load(&loader, p)).collect::<Result<_, _>>()?;
    if scenes.is_empty() {
        return Err(Failure::input("no scene files in scenes/"));
    }
    let job = Job {
        out_dir: if args.out.is_absolute() {
            args.out.clone()
        } else {
            root.join(&args.out)
        },
        png: !args.video_only,
        video: !args.png_only,
        size: args
            .size
            .as_deref()
            .map(parse_size)
            .transpose()
            .map_err(Failure::input)?,
        scale: args.scale,
        still: args.frame,
        frames: args
            .frames
            .as_deref()
            .map(parse_range)
            .transpose()
            .map_err(Failure::input)?,
        crf: args.crf,
        preset: args.preset.clone(),
        transparent: args.transparent,
    };
    if let Some(t) = job.still {
        if !t.is_finite() || t < 0.0 {
            return Err(Failure::input(format!("--frame {t}: give a time in seconds ≥ 0")));
        }
    }
    let backend = match cli.backend {
        Some(b) => b,
        None => BackendChoice::from_env()
            .map_err(Failure::input)?
            .unwrap_or_default(),
    };
    let ctx = GpuContext::new(backend).map_err(Failure::env)?;
    if cli.verbose {
        eprintln!("adapter: {}", ctx.describe());
    }
    let tty = std::io::stderr().is_terminal();
    let jobs = (args.jobs as usize).clamp(1, scenes.len());
    // Scenes are handed out one at a time to `jobs` workers, each with its
    // own renderer on the shared device. With several workers, progress is
    // reported as plain lines.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let first_error: std::sync::Mutex<Option<Failure>> = std::sync::Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let mut renderer = Renderer::new(&ctx, RenderOptions { antialias: args.aa });
                loop {
                    let failed = first_error.lock().map(|e| e.is_some()).unwrap_or(true);
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if failed || i >= scenes.len() {
                        break;
                    }
                    let mut bar = Bar {
                        bar: None,
                        quiet: args.quiet,
                        tty: tty && jobs == 1,
                        total: 0,
                        label: String::new(),
                    };
                    if let Err(f) = render_one(cli, &ctx, &mut renderer, &scenes[i], &job, &stop, &mut bar) {
                        if let Ok(mut slot) = first_error.lock() {
                            slot.get_or_insert(f);
                        }
                        break;
                    }
                }
            });
        }
    });
    match first_error.into_inner() {
        Ok(Some(f)) => Err(f),
        Ok(None) => Ok(()),
        Err(_) => Err(Failure::env("a render worker failed")),
    }
}

/// Renders one scene and maps its outcome to an exit code.
fn render_one(
    cli: &Cli,
    ctx: &GpuContext,
    renderer: &mut Renderer,
    scene: &Scene,
    job: &Job,
    stop: &StopFlag,
    bar: &mut Bar,
) -> Result<(), Failure> {
    match render_scene(ctx, renderer, scene, job, stop, bar) {
        Ok(report) => {
            if cli.verbose {
                eprintln!(
                    "{}: {} frames ({} reused) in {:.2} s",
                    scene.name, report.frames, report.reused, report.seconds
                );
            }
            Ok(())
        }
        Err(RenderError::Interrupted(sig)) => {
            if let Some(b) = bar.bar.take() {
                b.abandon();
            }
            eprintln!(
                "interrupted: {} left as it was, temporary files removed",
                job.out_dir.display()
            );
            let code = if sig == signal_hook::consts::SIGTERM as usize {
                exit::SIGTERM
            } else {
                exit::SIGINT
            };
            Err(Failure {
                code,
                message: String::new(),
            })
        }
        Err(e @ (RenderError::Invalid(_) | RenderError::Video(anim::video::VideoError::OddSize { .. }))) => {
            Err(Failure::input(format!("{}: {e}", scene.name)))
        }
        Err(e) => Err(Failure::env(format!("{}: {e}", scene.name))),
    }
}
