//! `import: [...]`: a scene declares the values and components of shared
//! files before its own (the series' look, `assets/serie.ron`). An error in
//! an imported file points into that file, at its line, not the scene's;
//! the imported files are inputs of the scene (the render cache and the
//! preview's watch see them).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use anim::scene::{Loader, Scene, SceneError};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A throwaway project: the repository's assets, and `files` beside them.
struct Project(PathBuf);

impl Project {
    fn new(tag: &str, files: &[(&str, &str)]) -> Project {
        let dir = std::env::temp_dir().join(format!("anim-import-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("scenes")).unwrap();
        std::os::unix::fs::symlink(repo().join("assets"), dir.join("assets")).unwrap();
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Project(dir)
    }
    fn load(&self, scene: &str) -> Result<Scene, SceneError> {
        let path = self.0.join("scenes/01-x.ron");
        std::fs::write(&path, scene).unwrap();
        Loader::new(&self.0).unwrap().load(&path)
    }
}

/// The error loading `scene` gives (a scene that loads is a failure).
fn error(p: &Project, scene: &str) -> SceneError {
    match p.load(scene) {
        Ok(_) => panic!("loads: {scene}"),
        Err(e) => e,
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scene(import: &str, elements: &str) -> String {
    format!("(\n    size: (800, 450),\n    duration: 2.0,\n    import: {import},\n    elements: [\n        {elements}\n    ],\n)\n")
}

#[test]
fn a_scene_uses_the_series_panel_and_values() {
    let p = Project::new("serie", &[]);
    let s = p
        .load(&scene(
            r#"["assets/serie.ron"]"#,
            r#"Group(name: "g", at: (40, 20), children: [ Painel(name: "card", size: (400, 200), title: "Top-k", caption: "os k melhores") ]),
        Circle(name: "dot", at: "{[serie_margin, serie_title_y]}", radius: 4, fill: "ink"),"#,
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    let card = s.by_name["card"];
    let children: Vec<_> = s.elements.iter().filter(|e| e.parent == Some(card)).collect();
    assert_eq!(children.len(), 3, "the panel's card, title and caption");
    assert_eq!(s.elements[s.by_name["dot"]].origin, glam::Vec2::new(60.0, 72.0));
    assert!(s.inputs.contains(&p.0.join("assets/serie.ron")), "{:?}", s.inputs);
}

#[test]
fn an_error_in_an_imported_file_points_into_it() {
    let lib = "// shared\n(\n    components: {\n        \"Chip\": (params: { \"c\": () }, body: [\n            Box(at: (9, 9), size: (9, 9), fill: \"{c}\", bogus: 1),\n        ]),\n    },\n)\n";
    let p = Project::new("bad", &[("lib/chips.ron", lib)]);
    let e = error(
        &p,
        &scene(r#"["lib/chips.ron"]"#, r#"Chip(name: "a", c: "primary"),"#),
    );
    assert_eq!(e.file, p.0.join("lib/chips.ron"), "{e}");
    let at = e.location.unwrap();
    assert_eq!(at.line, 5, "{e}");
    assert!(e.message.contains("bogus"), "{e}");
    assert!(e.snippet.as_deref().unwrap_or("").contains("bogus: 1"), "{e}");
    assert!(e.message.contains("in component `Chip` used at"), "{e}");

    // A field an imported file cannot have, at its line in that file.
    let p = Project::new(
        "field",
        &[(
            "lib/v.ron",
            "(\n    values: { \"a\": 1 },\n    elements: [],\n)\n",
        )],
    );
    let e = error(&p, &scene(r#"["lib/v.ron"]"#, ""));
    assert_eq!(
        (e.file.clone(), e.location.unwrap().line),
        (p.0.join("lib/v.ron"), 3),
        "{e}"
    );
    assert!(e.message.contains("`elements` in an imported file"), "{e}");
}

#[test]
fn a_bad_import_is_an_error_at_the_scene_field() {
    let p = Project::new("missing", &[]);
    for (import, want) in [
        (r#"["lib/nope.ron"]"#, "import \"lib/nope.ron\": cannot read"),
        (r#""assets/serie.ron""#, "import is a list of files"),
        (r#"["assets/serie.ron", "assets/serie.ron"]"#, "imported twice"),
        ("[3]", "a file name in quotes"),
    ] {
        let e = error(&p, &scene(import, ""));
        assert_eq!(e.file, p.0.join("scenes/01-x.ron"), "{e}");
        assert_eq!(e.location.unwrap().line, 4, "{import}: {e}");
        assert!(e.message.contains(want), "{import}: {e}");
    }
    // A component the scene defines again is refused, wherever it came from.
    let twice = "(\n    size: (800, 450),\n    duration: 2.0,\n    import: [\"assets/serie.ron\"],\n    components: { \"Painel\": (params: {}, body: []) },\n    elements: [],\n)\n";
    let e = error(&p, twice);
    assert!(e.message.contains("\"Painel\" is defined twice"), "{e}");
    assert_eq!(Path::new(&e.file), p.0.join("scenes/01-x.ron"));
}
