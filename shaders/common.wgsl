// Shared structs and constants for anim's shaders.
// Keep in sync with `Globals` in src/gpu/renderer.rs (a unit test checks its size).

struct Globals {
    // The scene's size in scene units; positions arrive in these units.
    viewport: vec2<f32>,
    _pad: vec2<f32>,
};
