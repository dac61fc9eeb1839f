//! A mutation fuzzer for the scene loader: valid scene files (the chapter's
//! and the fixtures) are corrupted at random — bytes flipped, spans deleted
//! or duplicated, numbers replaced by extreme values, names swapped — and
//! each result goes through load → evaluate at several times → tessellate.
//! Any panic fails the test with the input that caused it, written to
//! tests/output/fuzz-crash.ron so it can join tests/bad-scenes/.
//!
//! CI runs a short, fixed-seed pass. A long run:
//!
//! ```sh
//! ANIM_FUZZ_SECS=600 cargo test --release --test fuzz -- --nocapture
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anim::eval::evaluate;
use anim::scene::Loader;
use anim::tess::tessellate;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1e30",
    "-1e30",
    "NaN",
    "inf",
    "-inf",
    "999999999",
    "0.0000001",
    "\"\"",
    "[]",
    "()",
    "-0",
];
const WORDS: &[&str] = &[
    "FadeIn",
    "Follow",
    "Morph",
    "Set",
    "Count",
    "Box",
    "Arrow",
    "Group",
    "Distribution",
    "LineChart",
    "target",
    "name",
    "at",
    "size",
    "dur",
    "temperature",
    "top_k",
    "top_p",
    "bind",
    "children",
    "\"a.right\"",
    "{value}",
    "{p:%9}",
    "{loss:.99}",
    "\u{1F600}",
    "ção",
];

fn mutate(src: &str, rng: &mut Rng) -> String {
    let mut s: Vec<u8> = src.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        if s.is_empty() {
            break;
        }
        let i = rng.below(s.len());
        match rng.below(7) {
            0 => s[i] = (rng.next() & 0xff) as u8,
            1 => {
                let n = rng.below(40).min(s.len() - i);
                s.drain(i..i + n);
            }
            2 => {
                let n = rng.below(80).min(s.len() - i);
                let chunk: Vec<u8> = s[i..i + n].to_vec();
                let j = rng.below(s.len());
                s.splice(j..j, chunk);
            }
            3 | 4 => {
                // Replace a number with an extreme value.
                if let Some(start) = (i..s.len()).find(|&k| s[k].is_ascii_digit()) {
                    let end = (start..s.len())
                        .find(|&k| !(s[k].is_ascii_digit() || s[k] == b'.'))
                        .unwrap_or(s.len());
                    let e = EXTREMES[rng.below(EXTREMES.len())].as_bytes().to_vec();
                    s.splice(start..end, e);
                }
            }
            5 => {
                let w = WORDS[rng.below(WORDS.len())].as_bytes().to_vec();
                s.splice(i..i, w);
            }
            _ => s.truncate(i),
        }
    }
    String::from_utf8_lossy(&s).into_owned()
}

fn seeds(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["scenes", "tests/fixtures", "docs/examples"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "ron") {
                out.push(std::fs::read_to_string(e.path()).unwrap());
            }
        }
    }
    out
}

#[test]
fn mutated_scenes_never_panic() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let loader = Loader::new(&root).unwrap();
    let seeds = seeds(&root);
    let budget = std::env::var("ANIM_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ budget.map_or(0, |_| std::process::id() as u64));
    let started = Instant::now();
    let (mut runs, mut loaded) = (0u64, 0u64);
    // A watchdog: an input that takes more than 20 s is a hang. Save it and abort.
    let current = std::sync::Arc::new(std::sync::Mutex::new((0u64, String::new())));
    {
        let current = current.clone();
        let out = root.join("tests/output");
        std::thread::spawn(move || {
            let mut last = (u64::MAX, Instant::now());
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let (n, input) = current.lock().map(|g| g.clone()).unwrap_or_default();
                if n != last.0 {
                    last = (n, Instant::now());
                } else if last.1.elapsed() > Duration::from_secs(20) {
                    let _ = std::fs::create_dir_all(&out);
                    let _ = std::fs::write(out.join("fuzz-hang.ron"), input);
                    eprintln!("fuzz: input {n} ran for 20 s; saved to tests/output/fuzz-hang.ron");
                    std::process::abort();
                }
            }
        });
    }
    loop {
        match budget {
            Some(b) if started.elapsed() >= b => break,
            None if runs >= 400 => break,
            _ => {}
        }
        let input = mutate(&seeds[rng.below(seeds.len())], &mut rng);
        if let Ok(mut g) = current.lock() {
            *g = (runs, input.clone());
        }
        let result = std::panic::catch_unwind(|| {
            if let Ok(scene) = loader.parse(Path::new("fuzz.ron"), &input) {
                for k in 0..4 {
                    let snap = evaluate(&scene, scene.duration * k as f64 / 3.0);
                    let _ = tessellate(&snap, 0.25, Default::default());
                }
                true
            } else {
                false
            }
        });
        match result {
            Ok(ok) => loaded += ok as u64,
            Err(_) => {
                let out = root.join("tests/output");
                std::fs::create_dir_all(&out).unwrap();
                std::fs::write(out.join("fuzz-crash.ron"), &input).unwrap();
                panic!(
                    "panic on a mutated scene after {runs} runs; input saved to tests/output/fuzz-crash.ron"
                );
            }
        }
        runs += 1;
    }
    eprintln!(
        "fuzz: {runs} inputs in {:.1} s, {loaded} still loaded",
        started.elapsed().as_secs_f64()
    );
    assert!(runs > 0);
}
