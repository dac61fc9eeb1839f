use super::build::{INSIDE, MID, MITRE_LIMIT, OUTSIDE};
use super::*;
use crate::color::Color;
use crate::geom::PathData;
use crate::geom::Rect;
use crate::snapshot::LineCap;
use glam::Vec2;

fn area(mesh: &Mesh) -> f32 {
    mesh.indices
        .chunks(3)
        .map(|t| {
            let p = |i: u32| Vec2::from(mesh.vertices[i as usize].position);
            let (a, b, c) = (p(t[0]), p(t[1]), p(t[2]));
            ((b - a).perp_dot(c - a) * 0.5).abs()
        })
        .sum()
}

#[test]
fn a_filled_square_is_two_triangles_of_its_area() {
    let mut s = Snapshot::new(100, 100, Color::WHITE);
    s.fill(
        PathData::rounded_rect(
            Rect {
                min: Vec2::ZERO,
                max: Vec2::splat(10.0),
            },
            0.0,
        ),
        Color::BLACK,
    );
    let mesh = tessellate(&s, 1.0, Antialias::Off).unwrap();
    assert_eq!(mesh.indices.len(), 6);
    assert!((area(&mesh) - 100.0).abs() < 1e-3);
}

#[test]
fn circle_area_converges_and_scale_refines() {
    let mut s = Snapshot::new(100, 100, Color::WHITE);
    s.fill(
        PathData::ellipse(Vec2::splat(50.0), Vec2::splat(40.0)),
        Color::BLACK,
    );
    let m1 = tessellate(&s, 1.0, Antialias::Off).unwrap();
    let m2 = tessellate(&s, 4.0, Antialias::Off).unwrap();
    let exact = std::f32::consts::PI * 1600.0;
    assert!((area(&m1) - exact).abs() / exact < 2e-3, "{}", area(&m1));
    assert!(m2.vertices.len() > m1.vertices.len());
}

#[test]
fn a_stroke_covers_length_times_width() {
    let mut s = Snapshot::new(100, 100, Color::WHITE);
    let mut line = Snapshot::new(100, 100, Color::WHITE);
    line.items.clear();
    s.items.push(crate::snapshot::DrawItem {
        path: PathData::polyline(&[Vec2::new(10.0, 10.0), Vec2::new(90.0, 10.0)], false).into(),
        paint: Paint::Stroke {
            color: Color::BLACK,
            width: 4.0,
            cap: LineCap::Butt,
        },
        text: None,
    });
    let mesh = tessellate(&s, 1.0, Antialias::Off).unwrap();
    assert!((area(&mesh) - 320.0).abs() < 1e-2, "{}", area(&mesh));
}

#[test]
fn colours_are_linear_and_premultiplied() {
    let mut s = Snapshot::new(10, 10, Color::WHITE);
    let c = Color::from_hex("#80808080").unwrap();
    s.fill(
        PathData::rounded_rect(
            Rect {
                min: Vec2::ZERO,
                max: Vec2::ONE,
            },
            0.0,
        ),
        c,
    );
    let mesh = tessellate(&s, 1.0, Antialias::Off).unwrap();
    assert_eq!(mesh.vertices[0].color, c.to_linear_premultiplied());
}

/// Area of the triangles whose three vertices all have full coverage across.
fn solid_area(mesh: &Mesh) -> f32 {
    mesh.indices
        .chunks(3)
        .filter(|t| t.iter().all(|&i| mesh.vertices[i as usize].across == INSIDE))
        .map(|t| {
            let p = |i: u32| Vec2::from(mesh.vertices[i as usize].position);
            ((p(t[1]) - p(t[0])).perp_dot(p(t[2]) - p(t[0])) * 0.5).abs()
        })
        .sum()
}

fn square(min: f32, size: f32, clockwise: bool) -> PathData {
    let (a, b) = (min, min + size);
    let pts = if clockwise {
        [(a, a), (a, b), (b, b), (b, a)]
    } else {
        [(a, a), (b, a), (b, b), (a, b)]
    };
    PathData::polyline(&pts.map(|(x, y)| Vec2::new(x, y)), true)
}

#[test]
fn coverage_fill_is_inset_half_a_pixel_and_fringed_to_half_a_pixel_out() {
    for clockwise in [false, true] {
        let mut s = Snapshot::new(100, 100, Color::WHITE);
        s.fill(square(10.0, 10.0, clockwise), Color::BLACK);
        // At scale 2 half a pixel is 0.25 scene units.
        let mesh = tessellate(&s, 2.0, Antialias::Coverage).unwrap();
        assert!(
            (solid_area(&mesh) - 9.5 * 9.5).abs() < 1e-3,
            "{}",
            solid_area(&mesh)
        );
        // The whole mesh covers the square grown by 0.25 on each side.
        assert!((area(&mesh) - 10.5 * 10.5).abs() < 1e-3, "{}", area(&mesh));
        // Fringe vertices: full coverage on the inset, none on the outset.
        let xs: Vec<f32> = mesh
            .vertices
            .iter()
            .filter(|v| v.across == OUTSIDE)
            .map(|v| v.position[0])
            .collect();
        assert!(xs.iter().all(|&x| x == 9.75 || x == 20.25), "{xs:?}");
    }
}

#[test]
fn coverage_fill_keeps_holes_open_and_grows_them() {
    // Outer square and a reversed inner one: a ring under the non-zero rule.
    let mut ring = square(0.0, 20.0, false);
    ring.extend(&square(5.0, 10.0, true));
    let mut s = Snapshot::new(100, 100, Color::WHITE);
    s.fill(ring, Color::BLACK);
    let mesh = tessellate(&s, 1.0, Antialias::Coverage).unwrap();
    // Inset outer 19×19 minus the hole grown to 11×11.
    let expected = 19.0 * 19.0 - 11.0 * 11.0;
    assert!(
        (solid_area(&mesh) - expected).abs() < 1e-2,
        "{}",
        solid_area(&mesh)
    );
}

#[test]
fn sharp_spikes_are_mitred_within_the_limit() {
    let mut s = Snapshot::new(100, 100, Color::WHITE);
    s.fill(PathData::parse_svg("M 0 0 L 50 1 L 0 2 Z").unwrap(), Color::BLACK);
    let mesh = tessellate(&s, 1.0, Antialias::Coverage).unwrap();
    for v in &mesh.vertices {
        let p = Vec2::from(v.position);
        assert!(
            p.x > -0.5 * MITRE_LIMIT - 1e-3 && p.x < 50.0 + 0.5 * MITRE_LIMIT + 1e-3,
            "{p}"
        );
    }
}

fn stroked(d: &str, width: f32, cap: LineCap, scale: f32) -> Mesh {
    let mut s = Snapshot::new(100, 100, Color::WHITE);
    s.items.push(crate::snapshot::DrawItem {
        path: PathData::parse_svg(d).unwrap().into(),
        paint: Paint::Stroke {
            color: Color::BLACK,
            width,
            cap,
        },
        text: None,
    });
    tessellate(&s, scale, Antialias::Coverage).unwrap()
}

#[test]
fn coverage_strokes_reach_half_a_pixel_past_the_edge() {
    // 3 px wide at scale 1: geometry 4 px wide, offsets ±2 px, reach 2.
    let mesh = stroked("M 10 10 L 90 10", 3.0, LineCap::Round, 1.0);
    for v in &mesh.vertices {
        let offset = Vec2::new(v.across[0], v.across[1]).length();
        assert!((offset - 2.0).abs() < 1e-3 && v.across[2] == 2.0, "{v:?}");
        assert_eq!(v.along, MID);
    }
    // Scale 2: the same stroke is 6 px wide; offsets are in pixels.
    let mesh = stroked("M 10 10 L 90 10", 3.0, LineCap::Round, 2.0);
    assert!(mesh.vertices.iter().all(|v| v.across[2] == 3.5));
}

#[test]
fn butt_ends_are_prolonged_and_fade_along_the_path() {
    let mesh = stroked("M 10 10 L 90 10", 2.0, LineCap::Butt, 1.0);
    let xs: Vec<f32> = mesh.vertices.iter().map(|v| v.position[0]).collect();
    assert!(xs.iter().all(|&x| (9.5..=90.5).contains(&x)), "{xs:?}");
    for v in &mesh.vertices {
        // from start + to end = the prolonged length, 81 px.
        assert!((v.along[0] + v.along[1] - 81.0).abs() < 1e-3, "{v:?}");
        if v.position[0] == 9.5 {
            assert_eq!(v.along[0], 0.0);
        }
    }
}

#[test]
fn strokes_thinner_than_a_pixel_are_one_pixel_and_fainter() {
    let mesh = stroked("M 10 10 L 90 10", 0.25, LineCap::Round, 1.0);
    for v in &mesh.vertices {
        assert_eq!(v.across[2], 1.0);
        assert!((v.color[3] - 0.25).abs() < 1e-6, "{:?}", v.color);
    }
}

#[test]
fn other_modes_have_hard_edges() {
    for aa in [Antialias::Msaa4, Antialias::Off] {
        let mut s = Snapshot::new(100, 100, Color::WHITE);
        s.fill(square(10.0, 10.0, false), Color::BLACK);
        let mesh = tessellate(&s, 1.0, aa).unwrap();
        assert!(mesh.vertices.iter().all(|v| v.across == INSIDE && v.along == MID));
        assert!((area(&mesh) - 100.0).abs() < 1e-3);
    }
}

#[test]
fn the_cache_gives_the_same_mesh_and_forgets_what_is_gone() {
    let frame = |x: f32| {
        let mut s = Snapshot::new(100, 100, Color::WHITE);
        s.fill(square(10.0, 10.0, false), Color::BLACK);
        s.stroke(
            PathData::parse_svg(&format!("M {x} 50 L 90 50")).unwrap(),
            Color::BLACK,
            2.0,
        );
        s
    };
    let mut cache = TessCache::new();
    for (i, x) in [10.0, 10.0, 20.0, 30.0].into_iter().enumerate() {
        let s = frame(x);
        let cached =
            tessellate_cached(&s, 1.0, Antialias::Coverage, &mut cache, 0..s.items.len(), None).unwrap();
        assert_eq!(
            cached,
            tessellate(&s, 1.0, Antialias::Coverage).unwrap(),
            "frame {i}"
        );
    }
    // The square was tessellated once; the moving line on every frame but the repeat.
    assert_eq!((cache.hits, cache.misses), (4, 4));
    // The square and the line of frames 0-1 were drawn twice: static,
    // kept; so are the lines of the previous and current frames.
    assert_eq!(cache.len(), 4);
    for x in [40.0, 50.0] {
        let s = frame(x);
        tessellate_cached(&s, 1.0, Antialias::Coverage, &mut cache, 0..s.items.len(), None).unwrap();
    }
    // Lines drawn in one frame only are gone two frames later.
    assert_eq!(cache.len(), 4);
    assert_eq!(cache.misses, 6);
    // Another scale or mode starts afresh.
    let f = frame(30.0);
    tessellate_cached(&f, 2.0, Antialias::Coverage, &mut cache, 0..f.items.len(), None).unwrap();
    assert_eq!(cache.misses, 8);
}

#[test]
fn vertex_layout_matches_the_shader() {
    // VertexIn in shaders/fill.wgsl: vec2<f32> at 0, vec4<f32> at 8.
    // VertexIn: vec2<f32> at 0, vec4<f32> at 8, vec3<f32> at 24, vec2<f32> at 36.
    assert_eq!(std::mem::size_of::<Vertex>(), 44);
    assert_eq!(std::mem::offset_of!(Vertex, color), 8);
    assert_eq!(std::mem::offset_of!(Vertex, across), 24);
    assert_eq!(std::mem::offset_of!(Vertex, along), 36);
}
