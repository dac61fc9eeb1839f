#![allow(clippy::unwrap_used)]

use super::*;

/// A project in a temporary folder with empty scene files named `stems`.
fn project(name: &str, stems: &[&str]) -> Project {
    let root = std::env::temp_dir().join(format!("anim-project-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("scenes")).unwrap();
    std::fs::create_dir_all(root.join("assets")).unwrap();
    for s in stems {
        std::fs::write(root.join("scenes").join(format!("{s}.ron")), "").unwrap();
    }
    std::fs::write(root.join("scenes/notes.txt"), "").unwrap();
    Project { root }
}

#[test]
fn scenes_are_the_sorted_ron_files() {
    let p = project("list", &["02-b", "01-a"]);
    let names: Vec<String> = stems(&p.scenes().unwrap());
    assert_eq!(names, ["01-a", "02-b"]);
    assert_eq!(Project::find(Some(&p.root)).unwrap(), p);
    let e = Project::find(Some(&p.root.join("scenes"))).unwrap_err();
    assert!(e.to_string().ends_with("scenes: no assets/ folder there"), "{e}");
    std::fs::remove_dir_all(&p.root).unwrap();
}

#[test]
fn names_pick_scenes_by_file_name_and_short_name() {
    let p = project(
        "names",
        &[
            "01-pipeline-treinamento",
            "02-cross-entropy",
            "03-loop-treinamento",
            "04-cross-check",
        ],
    );
    let pick = |n: &str| p.find_scene(n).map(|f| stems(&[f]).remove(0));
    assert_eq!(pick("03-loop-treinamento").unwrap(), "03-loop-treinamento");
    assert_eq!(pick("loop-treinamento").unwrap(), "03-loop-treinamento");
    assert_eq!(pick("loop").unwrap(), "03-loop-treinamento");
    assert_eq!(pick("cross-entropy").unwrap(), "02-cross-entropy");
    assert_eq!(
        pick("cross").unwrap_err().to_string(),
        "\"cross\" matches several scenes: 02-cross-entropy, 04-cross-check"
    );
    let e = pick("lopp").unwrap_err().to_string();
    assert!(
        e.starts_with("unknown scene \"lopp\" (did you mean \"loop\"?); the scenes are: 01-pipeline"),
        "{e}"
    );
    let all = stems(&p.scenes().unwrap());
    assert_eq!(short_name("02-cross-entropy", &all), "cross-entropy");
    assert_eq!(short_name("03-loop-treinamento", &all), "loop");
    let third = p.chapter(3).unwrap().unwrap();
    assert!(third.ends_with("scenes/03-loop-treinamento.ron"), "{third:?}");
    assert_eq!(p.chapter(7).unwrap(), None);
    std::fs::remove_dir_all(&p.root).unwrap();
}

#[test]
fn paths_say_what_they_are() {
    let p = project("paths", &["01-a"]);
    let folder = p.root.join("scenes").to_string_lossy().into_owned();
    let e = p.find_scene(&format!("{folder}/")).unwrap_err().to_string();
    assert!(e.ends_with("is a folder, not a scene file"), "{e}");
    let e = p.find_scene("/nonexistent/x.ron").unwrap_err().to_string();
    assert_eq!(e, "/nonexistent/x.ron does not exist");
    assert_eq!(
        not_a(Path::new("/dev/null"), "video").unwrap(),
        "is a device, not a video"
    );
    let files = p.scenes_named(&[folder]).unwrap();
    assert_eq!(stems(&files), ["01-a"]);
    std::fs::remove_dir_all(&p.root).unwrap();
}
