//! The preview's playback clock.
//!
//! Time is an input, not state: while playing, the time shown is
//! `anchor + (now - anchored_at) × speed`, computed from the monotonic clock
//! at each frame, so a slow or dropped frame never makes the animation drift
//! (there is no `t += dt`). Every user action (pause, seek, speed change)
//! re-anchors at the time it happened; paused, the time is the anchor itself.
//!
//! Methods take `now` so tests can drive the clock with made-up instants.

use std::time::Instant;

/// Slowest and fastest playback speeds reachable with `[` and `]`.
pub const SPEED_RANGE: (f64, f64) = (1.0 / 16.0, 16.0);

/// Playback state of one scene: time, play/pause, speed and looping.
#[derive(Clone, Debug)]
pub struct Clock {
    duration: f64,
    fps: u32,
    /// The time shown at `since` (or now, when paused).
    anchor: f64,
    /// When playing: the instant `anchor` was shown.
    since: Option<Instant>,
    speed: f64,
    looping: bool,
}

impl Clock {
    /// A clock for a scene of `duration` seconds at `fps`, showing `start`
    /// (clamped into the scene), playing or paused.
    pub fn new(duration: f64, fps: u32, start: f64, playing: bool, now: Instant) -> Clock {
        let duration = duration.max(0.0);
        Clock {
            duration,
            fps: fps.max(1),
            anchor: start.clamp(0.0, duration),
            since: playing.then_some(now),
            speed: 1.0,
            looping: false,
        }
    }

    /// The time shown at `now`, in `0..=duration`.
    pub fn time(&self, now: Instant) -> f64 {
        match self.since {
            Some(since) => {
                let t = self.anchor + now.saturating_duration_since(since).as_secs_f64() * self.speed;
                if self.looping && self.duration > 0.0 {
                    t.rem_euclid(self.duration)
                } else {
                    t.clamp(0.0, self.duration)
                }
            }
            None => self.anchor,
        }
    }

    /// The time for the frame drawn at `now`; reaching the end without
    /// looping pauses there.
    pub fn tick(&mut self, now: Instant) -> f64 {
        let t = self.time(now);
        if self.since.is_some() && !self.looping && t >= self.duration {
            self.anchor = self.duration;
            self.since = None;
        }
        t
    }

    pub fn playing(&self) -> bool {
        self.since.is_some()
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    pub fn looping(&self) -> bool {
        self.looping
    }

    pub fn duration(&self) -> f64 {
        self.duration
    }

    /// The video frame index shown at `now` (frame `i` is drawn at `i / fps`),
    /// at most the scene's last frame.
    pub fn frame(&self, now: Instant) -> u64 {
        // The epsilon keeps t = i / fps on frame i despite rounding.
        let f = (self.time(now) * self.fps as f64 + 1e-6).floor().max(0.0) as u64;
        f.min(self.frame_count().saturating_sub(1))
    }

    /// Frames in the scene's video: `ceil(duration × fps)`, like `Scene::frame_count`.
    pub fn frame_count(&self) -> u64 {
        (self.duration * self.fps as f64 - 1e-9).ceil().max(1.0) as u64
    }

    /// Freezes the clock at the time shown at `now`.
    fn reanchor(&mut self, now: Instant) {
        self.anchor = self.time(now);
        if self.since.is_some() {
            self.since = Some(now);
        }
    }

    /// Play ↔ pause. Playing again from the very end without looping starts over.
    pub fn toggle(&mut self, now: Instant) {
        if self.since.is_some() {
            self.anchor = self.time(now);
            self.since = None;
        } else {
            if !self.looping && self.anchor >= self.duration {
                self.anchor = 0.0;
            }
            self.since = Some(now);
        }
    }

    /// Shows `t` (clamped into the scene), keeping play/pause.
    pub fn seek(&mut self, t: f64, now: Instant) {
        self.anchor = if t.is_finite() {
            t.clamp(0.0, self.duration)
        } else {
            0.0
        };
        if self.since.is_some() {
            self.since = Some(now);
        }
    }

    /// Pauses and moves `n` frames (negative: back).
    pub fn step_frames(&mut self, n: i64, now: Instant) {
        let frame = self.frame(now) as i64 + n;
        self.since = None;
        self.seek(frame.max(0) as f64 / self.fps as f64, now);
    }

    /// Moves `seconds` (negative: back), keeping play/pause.
    pub fn step_seconds(&mut self, seconds: f64, now: Instant) {
        let t = self.time(now) + seconds;
        self.seek(t, now);
    }

    /// Multiplies the speed by `factor`, within [`SPEED_RANGE`].
    pub fn scale_speed(&mut self, factor: f64, now: Instant) {
        self.reanchor(now);
        self.speed = (self.speed * factor).clamp(SPEED_RANGE.0, SPEED_RANGE.1);
    }

    pub fn set_looping(&mut self, on: bool, now: Instant) {
        self.reanchor(now);
        self.looping = on;
    }

    /// Adopts a reloaded scene's duration and frame rate, keeping the time
    /// shown (clamped into the new duration).
    pub fn set_scene(&mut self, duration: f64, fps: u32, now: Instant) {
        self.reanchor(now);
        self.duration = duration.max(0.0);
        self.fps = fps.max(1);
        self.anchor = self.anchor.clamp(0.0, self.duration);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(t0: Instant, s: f64) -> Instant {
        t0 + Duration::from_secs_f64(s)
    }

    #[test]
    fn time_is_start_plus_elapsed_times_speed() {
        let t0 = Instant::now();
        let mut c = Clock::new(10.0, 30, 1.0, true, t0);
        assert!((c.time(at(t0, 2.5)) - 3.5).abs() < 1e-9);
        c.scale_speed(2.0, at(t0, 2.5));
        assert!((c.time(at(t0, 3.5)) - 5.5).abs() < 1e-9);
        // However many frames are drawn in between, the time at an instant is the same.
        let mut d = Clock::new(100.0, 30, 0.0, true, t0);
        for i in 0..1000 {
            d.tick(at(t0, i as f64 * 0.0167));
        }
        assert!((d.time(at(t0, 7.0)) - 7.0).abs() < 1e-9);
    }

    #[test]
    fn paused_time_does_not_move() {
        let t0 = Instant::now();
        let mut c = Clock::new(10.0, 30, 1.0, false, t0);
        assert_eq!(c.time(at(t0, 5.0)), 1.0);
        c.toggle(at(t0, 5.0));
        assert!((c.time(at(t0, 6.0)) - 2.0).abs() < 1e-9);
        c.toggle(at(t0, 6.0));
        assert!((c.time(at(t0, 60.0)) - 2.0).abs() < 1e-9);
    }

    #[test]
    fn the_end_pauses_unless_looping() {
        let t0 = Instant::now();
        let mut c = Clock::new(2.0, 30, 0.0, true, t0);
        assert_eq!(c.tick(at(t0, 3.0)), 2.0);
        assert!(!c.playing());
        assert_eq!(c.frame(at(t0, 3.0)), 59);
        // Play again from the end: starts over.
        c.toggle(at(t0, 4.0));
        assert!((c.time(at(t0, 4.5)) - 0.5).abs() < 1e-9);
        c.set_looping(true, at(t0, 4.5));
        assert!((c.tick(at(t0, 6.0)) - 0.0).abs() < 1e-9);
        assert!((c.time(at(t0, 6.25)) - 0.25).abs() < 1e-9);
        assert!(c.playing());
    }

    #[test]
    fn frame_steps_land_on_frame_times_and_pause() {
        let t0 = Instant::now();
        let mut c = Clock::new(2.0, 30, 1.0, true, t0);
        c.step_frames(1, t0);
        assert!(!c.playing());
        assert_eq!(c.frame(t0), 31);
        assert!((c.time(t0) - 31.0 / 30.0).abs() < 1e-12);
        c.step_frames(-40, t0);
        assert_eq!(c.time(t0), 0.0);
        c.step_seconds(5.0, t0);
        assert_eq!(c.time(t0), 2.0);
    }

    #[test]
    fn speed_is_bounded_and_reload_keeps_time() {
        let t0 = Instant::now();
        let mut c = Clock::new(10.0, 30, 4.0, false, t0);
        for _ in 0..10 {
            c.scale_speed(0.5, t0);
        }
        assert_eq!(c.speed(), SPEED_RANGE.0);
        c.set_scene(12.0, 60, t0);
        assert_eq!(c.time(t0), 4.0);
        c.set_scene(3.0, 60, t0);
        assert_eq!(c.time(t0), 3.0);
    }
}
