//! A mutation fuzzer for the scene loader: valid inputs are corrupted at
//! random — bytes flipped, spans deleted or duplicated, numbers replaced by
//! extreme values, names swapped — and each result goes through load →
//! evaluate at several times → tessellate. Three kinds of input are
//! mutated: scene files (the chapter's, the fixtures, the docs' example);
//! the CSV files those scenes chart, read by an unchanged scene pointed at
//! the mutated copy; and the theme, named by an unchanged scene. Any panic
//! fails the test with the inputs that caused it, written to tests/output/
//! (`fuzz-crash.ron`, and the mutated CSV or theme beside it) so they can
//! join tests/bad-scenes/.
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
    // Byte-order marks and line endings anywhere, CSV cells and comments.
    "\u{feff}",
    "\r",
    "\n",
    ",",
    ",,",
    "#",
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
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .collect();
        files.sort(); // the same order on every machine, for a fixed seed
        out.extend(files.iter().map(|p| std::fs::read_to_string(p).unwrap()));
    }
    out
}

/// The CSV paths (`csv: "…"`) a scene charts, in order of appearance.
fn csv_paths(scene: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in scene.split("csv: \"").skip(1) {
        if let Some(end) = part.find('"') {
            out.push(part[..end].to_string());
        }
    }
    out
}

/// One fuzz input: scene source, and the mutated data file it reads, if any.
#[derive(Clone, Default)]
struct Case {
    scene: String,
    /// (file name in the scratch folder, contents).
    data: Option<(&'static str, String)>,
}

/// Makes the next input: a mutated scene, a mutated CSV read by its
/// unchanged scene, or a mutated theme named by an unchanged scene.
fn next_case(seeds: &[String], theme: &str, scratch: &Path, root: &Path, rng: &mut Rng) -> Case {
    let seed = &seeds[rng.below(seeds.len())];
    match rng.below(5) {
        0 | 1 => {
            // A CSV: one the chosen scene charts, or any scene that charts one.
            let charts: Vec<&String> = seeds.iter().filter(|s| !csv_paths(s).is_empty()).collect();
            let scene = charts[rng.below(charts.len())];
            let paths = csv_paths(scene);
            let csv = &paths[rng.below(paths.len())];
            let original = std::fs::read_to_string(root.join(csv)).unwrap();
            let copy = scratch.join("data.csv");
            Case {
                scene: scene.replace(&format!("\"{csv}\""), &format!("\"{}\"", copy.display())),
                data: Some(("data.csv", mutate(&original, rng))),
            }
        }
        2 => {
            // The theme, named right after the scene's opening parenthesis.
            let at = anim::scene::nav::root(seed) + 1;
            let named = format!("\n    theme: \"{}\",", scratch.join("theme.ron").display());
            let mut scene = seed.clone();
            scene.insert_str(at.min(scene.len()), &named);
            Case {
                scene,
                data: Some(("theme.ron", mutate(theme, rng))),
            }
        }
        _ => Case {
            scene: mutate(seed, rng),
            data: None,
        },
    }
}

/// Writes a failing case to tests/output/ for a look (and tests/bad-scenes/).
fn save(root: &Path, stem: &str, case: &Case) {
    let out = root.join("tests/output");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(out.join(format!("{stem}.ron")), &case.scene);
    if let Some((name, text)) = &case.data {
        let _ = std::fs::write(out.join(format!("{stem}.{name}")), text);
    }
}

#[test]
fn mutated_scenes_never_panic() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let loader = Loader::new(&root).unwrap();
    let seeds = seeds(&root);
    let theme = std::fs::read_to_string(root.join("assets/theme.ron")).unwrap();
    let scratch = std::env::temp_dir().join(format!("anim-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let budget = std::env::var("ANIM_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ budget.map_or(0, |_| std::process::id() as u64));
    let started = Instant::now();
    let (mut runs, mut loaded) = (0u64, 0u64);
    // Inputs tried and loaded, by kind: scene, CSV, theme.
    let mut by_kind = [(0u64, 0u64); 3];
    // A watchdog: an input that takes more than 20 s is a hang. Save it and abort.
    let current = std::sync::Arc::new(std::sync::Mutex::new((0u64, Case::default())));
    {
        let current = current.clone();
        let root = root.clone();
        std::thread::spawn(move || {
            let mut last = (u64::MAX, Instant::now());
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let (n, case) = current.lock().map(|g| g.clone()).unwrap_or_default();
                if n != last.0 {
                    last = (n, Instant::now());
                } else if last.1.elapsed() > Duration::from_secs(20) {
                    save(&root, "fuzz-hang", &case);
                    eprintln!("fuzz: input {n} ran for 20 s; saved to tests/output/fuzz-hang.*");
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
        let case = next_case(&seeds, &theme, &scratch, &root, &mut rng);
        if let Some((name, text)) = &case.data {
            std::fs::write(scratch.join(name), text).unwrap();
        }
        let kind = match &case.data {
            None => 0,
            Some(("data.csv", _)) => 1,
            Some(_) => 2,
        };
        if let Ok(mut g) = current.lock() {
            *g = (runs, case.clone());
        }
        // The loader's caches are pure memos: one that a panic interrupted is still right.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if let Ok(scene) = loader.parse(Path::new("fuzz.ron"), &case.scene) {
                for k in 0..4 {
                    let snap = evaluate(&scene, scene.duration * k as f64 / 3.0);
                    let _ = tessellate(&snap, 0.25, Default::default());
                }
                true
            } else {
                false
            }
        }));
        match result {
            Ok(ok) => {
                loaded += ok as u64;
                by_kind[kind].0 += 1;
                by_kind[kind].1 += ok as u64;
            }
            Err(_) => {
                save(&root, "fuzz-crash", &case);
                panic!("panic on a mutated input after {runs} runs; saved to tests/output/fuzz-crash.*");
            }
        }
        runs += 1;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let [scenes, csvs, themes] = by_kind;
    eprintln!(
        "fuzz: {runs} inputs in {:.1} s, {loaded} still loaded \
         (scenes {}/{}, CSVs {}/{}, themes {}/{} tried/loaded)",
        started.elapsed().as_secs_f64(),
        scenes.0,
        scenes.1,
        csvs.0,
        csvs.1,
        themes.0,
        themes.1
    );
    assert!(runs > 0);
    assert!(csvs.0 > 0 && themes.0 > 0, "every kind of input was tried");
}
