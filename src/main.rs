//! The `anim` binary: flags → validated jobs → library calls; prints errors
//! with their cause chain and picks the exit code (see docs/errors.md).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use anim::cli::{
    parse_chunk, parse_range, parse_size, Cli, Command, RenderArgs, DEFAULT_CRF, DEFAULT_PRESET,
};
use anim::gpu::{BackendChoice, GpuContext, RenderOptions, Renderer};
use anim::render::{plan, render_scene, Destination, Job, Progress, RenderError, StopFlag};
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
    /// Stop now, successfully and silently: whoever reads our output has gone.
    fn reader_gone() -> Failure {
        Failure {
            code: 0,
            message: String::new(),
        }
    }
}

/// Prints a line on standard output. A reader that closed the pipe
/// (`anim list | head -1`) ends the program quietly with success, as
/// ripgrep does; any other failure (a full disk) is an error.
fn out(line: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::reader_gone()),
        Err(e) => Err(Failure::env(format!("cannot write to standard output: {e}"))),
    }
}

/// Prints a line on standard error; a closed or full stderr is ignored (a
/// message nobody can read must not stop a render, nor panic as eprintln! does).
fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn main() -> ExitCode {
    quiet_wsi_warning();
    let cli = Cli::parse_from(anim::cli::expand_quality_flags(std::env::args_os()));
    anim::avlog::route(cli.verbose);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                note(&format!("error: {}", f.message));
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
        Command::Splice { chunks, output } => splice(chunks, output),
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
    ron_files_in(&root.join("scenes"))
}

/// The `.ron` files in `dir`, sorted by name.
fn ron_files_in(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
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

/// Whether `name` names a file rather than a scene: it has a folder part or ends in `.ron`.
fn is_path(name: &str) -> bool {
    name.contains('/') || Path::new(name).extension().is_some_and(|x| x == "ron")
}

/// What is at `path`, when it is not a scene file anim can read.
fn not_a_scene_file(path: &Path) -> Option<String> {
    use std::os::unix::fs::FileTypeExt;
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.raw_os_error() == Some(40) => return Some("is a loop of symbolic links".into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Some(if std::fs::symlink_metadata(path).is_ok() {
                "is a symbolic link to nothing".into()
            } else {
                "does not exist".into()
            })
        }
        Err(e) => return Some(format!("cannot be read: {e}")),
    };
    let t = meta.file_type();
    let what = if t.is_file() {
        return None;
    } else if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Some(format!("is {what}, not a scene file"))
}

/// The scenes' file names without `.ron`.
fn stems(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|p| {
            p.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect()
}

/// Whether `name` picks the scene `stem` by its short name: the name without
/// its number (`loop-treinamento`) or its first words (`loop`).
fn short_matches(stem: &str, name: &str) -> bool {
    let short = without_number(stem);
    short == name || short.starts_with(&format!("{name}-"))
}

/// The shortest name that picks `stem` alone among `all`: its first word(s)
/// after the number (`loop`, `cross-entropy` when `cross` were ambiguous).
fn short_name<'a>(stem: &'a str, all: &[String]) -> &'a str {
    let short = without_number(stem);
    let ends = short.match_indices('-').map(|(i, _)| i).chain([short.len()]);
    for end in ends {
        let candidate = &short[..end];
        if all.iter().filter(|s| short_matches(s, candidate)).count() == 1 {
            return candidate;
        }
    }
    short
}

/// Finds a scene by path, file name, or short name.
fn find_scene(root: &Path, name: &str) -> Result<PathBuf, Failure> {
    if is_path(name) {
        return match not_a_scene_file(Path::new(name)) {
            None => Ok(PathBuf::from(name)),
            Some(what) => Err(Failure::input(format!("{name} {what}"))),
        };
    }
    let files = scene_files(root)?;
    let stems = stems(&files);
    if let Some(i) = stems.iter().position(|s| s == name) {
        return Ok(files[i].clone());
    }
    let matches: Vec<usize> = (0..files.len())
        .filter(|&i| short_matches(&stems[i], name))
        .collect();
    match matches.as_slice() {
        [one] => Ok(files[*one].clone()),
        [] if std::fs::symlink_metadata(name).is_ok() => Err(Failure::input(format!(
            "{name} {}",
            not_a_scene_file(Path::new(name))
                .unwrap_or_else(|| "is not a scene name; give its path as ./NAME".into())
        ))),
        [] => {
            let shorts: Vec<&str> = stems.iter().map(|s| short_name(s, &stems)).collect();
            let names = stems.iter().map(String::as_str).chain(shorts.iter().copied());
            Err(Failure::input(format!(
                "unknown scene \"{name}\"{}; the scenes are: {} (anim list shows them)",
                anim::suggest::hint(name, names),
                stems.join(", ")
            )))
        }
        many => Err(Failure::input(format!(
            "\"{name}\" matches several scenes: {}",
            many.iter()
                .map(|&i| stems[i].as_str())
                .collect::<Vec<_>>()
                .join(", ")
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
            Ok(s) => out(&describe(p, &s))?,
            Err(e) => {
                bad += 1;
                note(&format!("error: {e}"));
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
    let files = scene_files(root)?;
    let stems = stems(&files);
    out(&format!(
        "{:<26} {:<12} {:>9} {:>5}  {:<11} TITLE",
        "SCENE", "SHORT NAME", "DURATION", "FPS", "SIZE"
    ))?;
    load_each(&loader, &files, |p, s| {
        let stem = p.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
        format!(
            "{:<26} {:<12} {:>8.1}s {:>5}  {:<11} {}",
            s.name,
            short_name(&stem, &stems),
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
        // A folder (`anim check scenes/`) stands for the scene files in it.
        let mut paths = Vec::new();
        for f in files {
            if Path::new(f).is_dir() {
                let found = ron_files_in(Path::new(f))?;
                if found.is_empty() {
                    return Err(Failure::input(format!(
                        "{f} is a folder with no scene files (.ron) in it"
                    )));
                }
                paths.extend(found);
            } else {
                paths.push(find_scene(root, f)?);
            }
        }
        paths
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
                "{prefix:>24} [{bar:32}] {pos}/{len} frames  {rate:>7}  ETA {eta}",
            ) {
                // A whole number of frames a second: "95 fps", not "95.212183844/s".
                let rate = |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} fps", s.per_sec());
                };
                bar.set_style(style.with_key("rate", rate).progress_chars("=> "));
            }
            bar.set_prefix(label.to_string());
            self.bar = Some(bar);
        } else {
            note(&format!("{label}: rendering {frames} frames"));
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
            note(&format!("{}: {done}/{} frames", self.label, self.total));
        }
    }
    fn finish(&mut self, summary: &str) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        if !self.quiet {
            note(summary);
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

/// `anim splice CHUNK... -o FILE`: through a temporary file, like every output.
fn splice(chunks: &[PathBuf], output: &Path) -> Result<(), Failure> {
    for c in chunks {
        if !c.is_file() {
            let what = not_a_scene_file(c)
                .unwrap_or_default()
                .replace("not a scene file", "not a video");
            return Err(Failure::input(format!("{} {what}", c.display())));
        }
        if c == output {
            return Err(Failure::input(format!(
                "-o {}: is one of the chunks; write the joined video elsewhere",
                output.display()
            )));
        }
    }
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::env(format!("cannot create {}: {e}", dir.display())))?;
    }
    let guard = anim::output::TempGuard::new(anim::output::temp_path(output));
    let frames = anim::video::splice(chunks, &guard.path).map_err(|e| match e {
        e @ (anim::video::VideoError::Read { .. } | anim::video::VideoError::InvalidSettings(_)) => {
            Failure::input(e)
        }
        e => Failure::env(e),
    })?;
    guard
        .commit(output)
        .map_err(|e| Failure::env(format!("cannot write {}: {e}", output.display())))?;
    note(&format!(
        "wrote {} ({frames} frames from {} chunks)",
        output.display(),
        chunks.len()
    ));
    Ok(())
}

fn install_signal_handlers() -> Result<StopFlag, Failure> {
    let flag: StopFlag = Arc::new(AtomicUsize::new(0));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_usize(sig, flag.clone(), sig as usize).map_err(Failure::env)?;
    }
    Ok(flag)
}

/// File extensions of outputs anim writes: an `--out` with one of these is a
/// file name given where a folder is expected.
const OUTPUT_EXTENSIONS: [&str; 2] = ["png", "mp4"];

/// Where the outputs go: exactly `-o FILE`, or a folder (`--out`, relative
/// to the project), checked before anything is created.
fn destination(root: &Path, args: &RenderArgs) -> Result<Destination, Failure> {
    if let Some(file) = &args.output {
        if file.is_dir() {
            return Err(Failure::input(format!(
                "-o {}: is a folder; -o names the file to write (use --out for a folder)",
                file.display()
            )));
        }
        return Ok(Destination::File(file.clone()));
    }
    let dir = if args.out.is_absolute() {
        args.out.clone()
    } else {
        root.join(&args.out)
    };
    let ext = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.is_some_and(|e| OUTPUT_EXTENSIONS.contains(&e.as_str())) {
        return Err(Failure::input(format!(
            "--out {0} looks like a file name, but --out is the folder the outputs go in; \
             to write exactly one file, use -o {0}",
            args.out.display()
        )));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::input(format!(
            "--out {}: exists and is not a folder",
            args.out.display()
        )));
    }
    Ok(Destination::Folder(dir))
}

/// The job the flags ask for. A quality preset (`-q`) sets the size, frame
/// rate, CRF and x264 preset; flags given beside it win.
fn job(root: &Path, args: &RenderArgs) -> Result<Job, Failure> {
    let quality = args.quality.map(|q| q.settings());
    let (png, video) = match &args.output {
        Some(_) => (true, true), // the plan keeps the one the extension names
        None if args.chunk.is_some() => (false, true),
        None => (!args.video_only, !args.png_only),
    };
    // Flags that shape the other output than the one -o names would be ignored: say so.
    if let Some(file) = &args.output {
        let ext = file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let (kind, others): (&str, &[(&str, bool)]) = match ext.as_deref() {
            Some("png") => (
                "the still",
                &[
                    ("--frames", args.frames.is_some()),
                    ("--fps", args.fps.is_some()),
                    ("--chunk", args.chunk.is_some()),
                ],
            ),
            Some("mp4") => (
                "the video",
                &[
                    ("--frame", args.frame.is_some()),
                    ("--transparent", args.transparent),
                ],
            ),
            _ => ("", &[]),
        };
        if let Some((flag, _)) = others.iter().find(|(_, given)| *given) {
            return Err(Failure::input(format!(
                "{flag} does not apply to {kind}, which is what -o {} writes",
                file.display()
            )));
        }
    }
    if let Some(t) = args.frame {
        if !t.is_finite() || t < 0.0 {
            return Err(Failure::input(format!("--frame {t}: give a time in seconds ≥ 0")));
        }
    }
    Ok(Job {
        dest: destination(root, args)?,
        png,
        video,
        size: args
            .size
            .as_deref()
            .map(parse_size)
            .transpose()
            .map_err(Failure::input)?,
        height: quality.map(|q| q.height),
        scale: args.scale,
        still: args.frame,
        frames: args
            .frames
            .as_deref()
            .map(parse_range)
            .transpose()
            .map_err(Failure::input)?,
        chunk: args
            .chunk
            .as_deref()
            .map(parse_chunk)
            .transpose()
            .map_err(Failure::input)?,
        fps: args.fps.or(quality.map(|q| q.fps)),
        crf: args.crf.or(quality.map(|q| q.crf)).unwrap_or(DEFAULT_CRF),
        preset: args
            .preset
            .clone()
            .or(quality.map(|q| q.preset.to_string()))
            .unwrap_or_else(|| DEFAULT_PRESET.to_string()),
        transparent: args.transparent,
        dpi: args.dpi,
        force: args.force,
    })
}

fn render(cli: &Cli, root: &Path, args: &RenderArgs) -> Result<(), Failure> {
    let stop = install_signal_handlers()?;
    let loader = loader(root)?;
    let paths = match (&args.scene, args.all) {
        (Some(s), _) => vec![find_scene(root, s)?],
        (None, true) => scene_files(root)?,
        (None, false) => {
            return Err(Failure::input(
                "which scene? give --scene NAME (anim list shows the names), or --all for every scene",
            ))
        }
    };
    // Load (and so validate) every scene before the GPU starts.
    let scenes: Vec<Scene> = paths.iter().map(|p| load(&loader, p)).collect::<Result<_, _>>()?;
    if scenes.is_empty() {
        return Err(Failure::input("no scene files in scenes/"));
    }
    let job = job(root, args)?;
    // Check the whole request against every scene before anything is written.
    for scene in &scenes {
        plan(scene, &job).map_err(|e| Failure::input(format!("{}: {e}", scene.name)))?;
    }
    let backend = match cli.backend {
        Some(b) => b,
        None => BackendChoice::from_env()
            .map_err(Failure::input)?
            .unwrap_or_default(),
    };
    let ctx = GpuContext::new(backend).map_err(Failure::env)?;
    if cli.verbose {
        note(&format!("adapter: {}", ctx.describe()));
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
            if let Some(b) = bar.bar.take() {
                b.abandon();
            }
            note("interrupted: earlier outputs left as they were, temporary files removed");
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
