//! The winit application: the window and its surface, the keys, reloads and
//! the frame loop.
//!
//! Frames are paced by the surface (`PresentMode::Fifo`, vsync): while
//! playing, each presented frame asks for the next; while paused nothing is
//! drawn until a key, a click on the timeline bar, a resize or a reload
//! asks for it. The scene is redrawn incrementally into an offscreen frame
//! that is copied into the window ([`super::surface::Gpu`]); the panels are drawn over the
//! copy every frame.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use winit::application::ApplicationHandler;
use winit::dpi::PhysicalSize;
use winit::event::{ElementState, KeyEvent, MouseButton, WindowEvent};
use winit::event_loop::{ActiveEventLoop, EventLoop};
use winit::keyboard::{Key, ModifiersState, NamedKey};
use winit::window::{Window, WindowId};

use super::clock::Clock;
use super::frame::{self, Status};
use super::surface::{Drawn, FrameError, Gpu};
use super::timeline::{self, Bar, Scrub};
use super::watch::{Changes, Watch};
use super::{say, PreviewError, PreviewOptions};
use crate::eval::{evaluate, EvalMemo, Evaluator};
use crate::scene::{Loader, Scene, SceneError};
use crate::snapshot::{DrawItem, Snapshot};

/// Events sent to the event loop from other threads.
#[derive(Debug)]
enum UserEvent {
    /// Watched files changed (already debounced).
    Changed(Changes),
}

/// The scene being previewed: the last version that loaded, and the error
/// of the latest load when it failed.
struct Document {
    root: PathBuf,
    path: PathBuf,
    scene: Scene,
    /// The failed load's message (file:line:col, message, snippet).
    error: Option<String>,
    /// The last good frame and its item keys, shown while `error` is set.
    frozen: Option<(Snapshot, Vec<u64>)>,
    /// What the evaluator remembers of the frame before ([`Evaluator`]);
    /// reset with the scene.
    memo: EvalMemo,
    /// The start times of the scene's steps, for the timeline bar.
    marks: Vec<f64>,
}

impl Document {
    fn new(root: PathBuf, path: PathBuf, scene: Scene) -> Document {
        let marks = timeline::marks(scene.steps.iter().map(|s| s.start), scene.duration);
        Document {
            root,
            path,
            scene,
            error: None,
            frozen: None,
            memo: EvalMemo::default(),
            marks,
        }
    }

    /// The scene at `t` (the frozen frame while a reload failed) and its item keys.
    fn frame(&mut self, t: f64) -> (Snapshot, Vec<u64>) {
        if let (Some(_), Some((snap, keys))) = (&self.error, &self.frozen) {
            return (snap.clone(), keys.clone());
        }
        let mut evaluator = Evaluator::resume(&self.scene, std::mem::take(&mut self.memo));
        let frame = evaluator.frame(t);
        self.memo = evaluator.into_memo();
        frame
    }
}

/// `path` relative to the project root when it is inside it, for messages.
fn shown(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Loads `path` with a fresh loader, so that changed fonts are read again.
fn load(root: &Path, path: &Path) -> Result<Scene, SceneError> {
    Loader::new(root)?.load(path).map_err(|mut e| {
        e.file = shown(root, &e.file);
        e
    })
}

/// `file:line:col: message` on one line (the window shows the snippet too).
fn one_line(e: &SceneError) -> String {
    let msg = e.message.replace('\n', " ");
    match e.location {
        Some(l) => format!("{}:{}:{}: {msg}", e.file.display(), l.line, l.col),
        None => format!("{}: {msg}", e.file.display()),
    }
}

/// Frames presented in the last second, for the overlay's fps.
#[derive(Default)]
struct FpsMeter {
    presents: VecDeque<Instant>,
    /// When `-v` last printed the rate.
    reported: Option<Instant>,
}

impl FpsMeter {
    fn presented(&mut self, at: Instant) {
        self.presents.push_back(at);
        while self
            .presents
            .front()
            .is_some_and(|f| at.duration_since(*f) > Duration::from_secs(1))
        {
            self.presents.pop_front();
        }
    }

    /// Whether five seconds passed since the last `-v` report (then starts the next five).
    fn report_due(&mut self, at: Instant) -> bool {
        match self.reported {
            Some(r) if at.duration_since(r) < Duration::from_secs(5) => false,
            Some(_) => {
                self.reported = Some(at);
                true
            }
            None => {
                self.reported = Some(at);
                false
            }
        }
    }

    fn fps(&self) -> Option<f64> {
        let (first, last) = (self.presents.front()?, self.presents.back()?);
        let span = last.duration_since(*first).as_secs_f64();
        (self.presents.len() >= 3 && span > 0.0).then(|| (self.presents.len() - 1) as f64 / span)
    }
}

struct App {
    options: PreviewOptions,
    /// Held until the window exists (the surface is made from it).
    instance: Option<wgpu::Instance>,
    gpu: Option<Gpu>,
    window: Option<Arc<Window>>,
    doc: Document,
    clock: Clock,
    watch: Option<Watch>,
    overlay: bool,
    /// The mouse on the timeline bar.
    scrub: Scrub,
    modifiers: ModifiersState,
    fps: FpsMeter,
    ready: bool,
    /// The last soft frame error printed, so a broken frame is reported once.
    frame_error: Option<String>,
    failure: Option<PreviewError>,
}

impl App {
    fn fail(&mut self, event_loop: &ActiveEventLoop, e: PreviewError) {
        self.failure = Some(e);
        event_loop.exit();
    }

    fn redraw_soon(&self) {
        if let Some(w) = &self.window {
            w.request_redraw();
        }
    }

    fn title(scene: &Scene) -> String {
        match &scene.title {
            Some(t) => format!("{} — {t} — anim preview", scene.name),
            None => format!("{} — anim preview", scene.name),
        }
    }

    /// Loads the scene file again, keeping the time shown.
    fn reload(&mut self) {
        let now = Instant::now();
        let name = shown(&self.doc.root, &self.doc.path);
        match load(&self.doc.root, &self.doc.path) {
            Ok(scene) => {
                self.clock.set_scene(scene.duration, scene.fps, now);
                if let Some(w) = &self.window {
                    w.set_title(&Self::title(&scene));
                }
                self.doc = Document::new(self.doc.root.clone(), self.doc.path.clone(), scene);
                self.frame_error = None;
                if let Some(gpu) = &mut self.gpu {
                    gpu.forget();
                }
                say(&format!("reloaded {}", name.display()));
            }
            Err(e) => self.show_error(&e, now),
        }
        self.redraw_soon();
    }

    /// Keeps the current frame and shows `e` over it.
    fn show_error(&mut self, e: &SceneError, now: Instant) {
        say(&format!("error: {}", one_line(e)));
        if self.doc.error.is_none() {
            let snap = evaluate(&self.doc.scene, self.clock.time(now));
            let keys = snap.items.iter().map(DrawItem::key).collect();
            self.doc.frozen = Some((snap, keys));
        }
        self.doc.error = Some(e.to_string());
    }

    fn changed(&mut self, changes: Changes) {
        for s in &changes.shaders {
            say(&format!(
                "{} changed; shaders are compiled into anim: rebuild it (cargo build --release) and restart the preview to see the change",
                shown(&self.doc.root, s).display()
            ));
        }
        if !changes.content.is_empty() {
            self.reload();
        }
    }

    /// Opens the chapter's scene `scenes/0N-*.ron` at t = 0.
    fn open_chapter(&mut self, n: u32) {
        let project = crate::project::Project {
            root: self.doc.root.clone(),
        };
        let path = match project.chapter(n) {
            Ok(Some(path)) => path,
            Ok(None) => {
                say(&format!(
                    "no scene {n:02}-*.ron in {}",
                    project.root.join("scenes").display()
                ));
                return;
            }
            Err(e) => {
                say(&format!("error: {e}"));
                return;
            }
        };
        let now = Instant::now();
        match load(&self.doc.root, &path) {
            Ok(scene) => {
                let looping = self.clock.looping();
                self.clock = Clock::new(scene.duration, scene.fps, 0.0, self.clock.playing(), now);
                self.clock.set_looping(looping, now);
                if let Some(w) = &self.window {
                    w.set_title(&Self::title(&scene));
                }
                if let Some(watch) = &mut self.watch {
                    if let Err(e) = watch.set_scene(&path) {
                        say(&format!("cannot watch {}: {e}", path.display()));
                    }
                }
                say(&format!("opened {}", shown(&self.doc.root, &path).display()));
                self.doc = Document::new(self.doc.root.clone(), path, scene);
                self.frame_error = None;
                if let Some(gpu) = &mut self.gpu {
                    gpu.forget();
                }
            }
            Err(e) => self.show_error(&e, now),
        }
        self.redraw_soon();
    }

    fn key(&mut self, event: &KeyEvent, event_loop: &ActiveEventLoop) {
        if event.state != ElementState::Pressed {
            return;
        }
        let now = Instant::now();
        let shift = self.modifiers.shift_key();
        match &event.logical_key {
            Key::Named(NamedKey::Space) if !event.repeat => self.clock.toggle(now),
            Key::Named(NamedKey::ArrowLeft) if shift => self.clock.step_seconds(-1.0, now),
            Key::Named(NamedKey::ArrowRight) if shift => self.clock.step_seconds(1.0, now),
            Key::Named(NamedKey::ArrowLeft) => self.clock.step_frames(-1, now),
            Key::Named(NamedKey::ArrowRight) => self.clock.step_frames(1, now),
            Key::Named(NamedKey::Home) => self.clock.seek(0.0, now),
            Key::Named(NamedKey::End) => self.clock.seek(self.clock.duration(), now),
            Key::Named(NamedKey::Escape) => event_loop.exit(),
            Key::Character(c) if !event.repeat => match c.to_lowercase().as_str() {
                "q" => event_loop.exit(),
                "l" => self.clock.set_looping(!self.clock.looping(), now),
                "[" => self.clock.scale_speed(0.5, now),
                "]" => self.clock.scale_speed(2.0, now),
                "r" => self.reload(),
                "h" => self.overlay = !self.overlay,
                d @ ("1" | "2" | "3" | "4" | "5") => {
                    if let Ok(n) = d.parse() {
                        self.open_chapter(n);
                    }
                }
                _ => return,
            },
            _ => return,
        }
        self.redraw_soon();
    }

    /// The timeline bar of the window as it is now, when it is shown (with the overlay).
    fn bar(&self) -> Option<Bar> {
        let gpu = self.gpu.as_ref().filter(|_| self.overlay)?;
        let rect = frame::fit((self.doc.scene.width, self.doc.scene.height), gpu.size());
        Some(Bar::new(rect, self.clock.duration()))
    }

    /// Shows `t` after a click or drag on the timeline bar.
    fn scrub_to(&mut self, t: f64) {
        let now = Instant::now();
        self.clock.seek(t, now);
        if self.options.verbose {
            say(&format!(
                "seek {:.3} s (frame {})",
                self.clock.time(now),
                self.clock.frame(now)
            ));
        }
        self.redraw_soon();
    }

    fn redraw(&mut self, event_loop: &ActiveEventLoop) {
        if self.gpu.is_none() {
            return;
        }
        let now = Instant::now();
        let t = self.clock.tick(now);
        let (snap, keys) = self.doc.frame(t);
        let bar = self.bar();
        let Some(gpu) = &mut self.gpu else {
            return;
        };
        let rect = frame::fit((snap.width, snap.height), gpu.size());
        let px = snap.width as f32 / rect.width;
        // The panels, in scene units over the scene, drawn after it.
        let mut panels = Snapshot::new(snap.width, snap.height, crate::color::Color::TRANSPARENT);
        let fonts = self.doc.scene.fonts.clone();
        let mut bottom = snap.height as f32;
        if let Some(bar) = &bar {
            bar.draw(&mut panels, t, &self.doc.marks, px);
            bottom -= bar.band.height * px;
        }
        if let Some(e) = &self.doc.error {
            bottom = frame::error_panel(&mut panels, &fonts, e, px, bottom);
        }
        if self.overlay {
            let status = Status {
                t,
                duration: self.clock.duration(),
                frame: self.clock.frame(now),
                frames: self.clock.frame_count(),
                scene: &self.doc.scene.name,
                fps: if self.clock.playing() {
                    self.fps.fps()
                } else {
                    None
                },
                playing: self.clock.playing(),
                speed: self.clock.speed(),
                looping: self.clock.looping(),
            };
            frame::overlay(&mut panels, &fonts, &status, px, bottom);
        }
        match gpu.draw(snap, keys, &panels, rect) {
            Ok(Drawn::Presented) => {
                let at = Instant::now();
                self.fps.presented(at);
                if self.options.verbose && self.clock.playing() && self.fps.report_due(at) {
                    if let Some(fps) = self.fps.fps() {
                        say(&format!("{fps:.1} fps"));
                    }
                }
                if !self.ready {
                    self.ready = true;
                    let (w, h) = gpu.size();
                    say(&format!(
                        "ready ({w}x{h}, {:?}, {} anti-aliasing, {:?})",
                        gpu.config.format,
                        gpu.frames.antialias().name(),
                        gpu.ctx.info.backend
                    ));
                }
                if self.clock.playing() {
                    self.redraw_soon();
                }
            }
            Ok(Drawn::Retry) => self.redraw_soon(),
            Ok(Drawn::Skipped) => {}
            Err(FrameError::Soft(e)) => {
                if self.frame_error.as_deref() != Some(e.as_str()) {
                    say(&format!("error: {e}"));
                    self.frame_error = Some(e);
                }
            }
            Err(FrameError::Fatal(e)) => self.fail(event_loop, e),
        }
    }
}

impl ApplicationHandler<UserEvent> for App {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        let Some(instance) = self.instance.take() else {
            return;
        };
        let scene = &self.doc.scene;
        let (w, h) = self
            .options
            .window
            .unwrap_or(((scene.width / 2).max(1), (scene.height / 2).max(1)));
        let attributes = Window::default_attributes()
            .with_title(Self::title(scene))
            .with_inner_size(PhysicalSize::new(w, h));
        let window = match event_loop.create_window(attributes) {
            Ok(w) => Arc::new(w),
            Err(e) => {
                return self.fail(
                    event_loop,
                    PreviewError::Window(format!(
                        "cannot open a window: {}",
                        without_source_location(&e.to_string())
                    )),
                )
            }
        };
        match Gpu::new(instance, window.clone(), &self.options) {
            Ok(gpu) => self.gpu = Some(gpu),
            Err(e) => return self.fail(event_loop, e),
        }
        window.request_redraw();
        self.window = Some(window);
    }

    fn user_event(&mut self, _event_loop: &ActiveEventLoop, event: UserEvent) {
        match event {
            UserEvent::Changed(changes) => self.changed(changes),
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        match event {
            WindowEvent::CloseRequested => event_loop.exit(),
            WindowEvent::Resized(size) => {
                if let Some(gpu) = &mut self.gpu {
                    gpu.resize(size);
                }
                self.redraw_soon();
            }
            WindowEvent::ModifiersChanged(m) => self.modifiers = m.state(),
            WindowEvent::KeyboardInput { event, .. } => self.key(&event, event_loop),
            WindowEvent::RedrawRequested => self.redraw(event_loop),
            WindowEvent::CursorMoved { position, .. } => {
                let bar = self.bar();
                if let Some(t) = self
                    .scrub
                    .moved((position.x as f32, position.y as f32), bar.as_ref())
                {
                    self.scrub_to(t);
                }
            }
            WindowEvent::CursorLeft { .. } => self.scrub.left(),
            WindowEvent::MouseInput {
                state,
                button: MouseButton::Left,
                ..
            } => match state {
                ElementState::Pressed => {
                    let bar = self.bar();
                    if let Some(t) = self.scrub.pressed(bar.as_ref()) {
                        self.scrub_to(t);
                    }
                }
                ElementState::Released => self.scrub.released(),
            },
            _ => {}
        }
    }
}

/// Runs the preview until the window closes (see [`super::run`]).
pub(super) fn run(options: PreviewOptions) -> Result<(), PreviewError> {
    let root = options.root.clone();
    let scene = load(&root, &options.scene)?;
    let event_loop = EventLoop::<UserEvent>::with_user_event().build().map_err(|e| {
        let display = std::env::var("DISPLAY").unwrap_or_default();
        PreviewError::Window(format!(
            "cannot connect to the X display {display:?}: {}; run it under Xvfb (xvfb-run anim preview …) or check DISPLAY",
            without_source_location(&e.to_string())
        ))
    })?;
    // The instance knows the display: the GL backend needs it to present.
    let mut desc = wgpu::InstanceDescriptor::new_with_display_handle_from_env(Box::new(
        event_loop.owned_display_handle(),
    ));
    desc.backends = options.backend.backends();
    let instance = wgpu::Instance::new(desc);

    let proxy = event_loop.create_proxy();
    let watch = match Watch::start(&root, &options.scene, move |changes| {
        let _ = proxy.send_event(UserEvent::Changed(changes));
    }) {
        Ok(w) => Some(w),
        Err(e) => {
            say(&format!(
                "cannot watch files, hot reload is off (R still reloads): {e}"
            ));
            None
        }
    };
    let now = Instant::now();
    let mut app = App {
        clock: Clock::new(scene.duration, scene.fps, options.start, !options.paused, now),
        doc: Document::new(root, options.scene.clone(), scene),
        overlay: options.overlay,
        scrub: Scrub::default(),
        options,
        instance: Some(instance),
        gpu: None,
        window: None,
        watch,
        modifiers: ModifiersState::empty(),
        fps: FpsMeter::default(),
        ready: false,
        frame_error: None,
        failure: None,
    };
    let result = event_loop.run_app(&mut app);
    if let Some(e) = app.failure.take() {
        return Err(e);
    }
    result.map_err(|e| {
        PreviewError::Window(format!(
            "the window system failed: {}",
            without_source_location(&e.to_string())
        ))
    })
}

/// winit's OS errors start with the place in winit's source that raised
/// them (`os error at /…/winit-0.30.13/src/…/mod.rs:788: Failed to open …`):
/// of no use to a user, so only what follows is kept.
fn without_source_location(message: &str) -> &str {
    let Some(rest) = message.strip_prefix("os error at ") else {
        return message;
    };
    // `<file>:<line>: <message>`; the file name may itself hold colons.
    let mut from = 0;
    while let Some(i) = rest[from..].find(": ") {
        let before = &rest[..from + i];
        if before
            .rsplit(':')
            .next()
            .is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
        {
            return &rest[from + i + 2..];
        }
        from += i + 2;
    }
    message
}

#[cfg(test)]
mod tests {
    #[test]
    fn winit_source_locations_are_dropped() {
        let m = "os error at /root/.cargo/registry/src/x/winit-0.30.13/src/platform_impl/linux/mod.rs:788: Failed to open connection to X server";
        assert_eq!(
            super::without_source_location(m),
            "Failed to open connection to X server"
        );
        assert_eq!(super::without_source_location("plain: message"), "plain: message");
    }
}
