// The one pipeline that draws tessellated paths. Vertices carry their colour
// already converted to linear light and premultiplied by alpha on the CPU
// (src/color.rs), and coverage terms (src/tess.rs, "Anti-aliasing by
// coverage"): the fragment's colour is scaled by the fraction of its pixel
// the shape covers. The *Srgb target encodes the result. Blending:
// premultiplied "over".
//
// `common.wgsl` is prepended to this file by src/gpu/renderer.rs.

@group(0) @binding(0) var<uniform> globals: Globals;

struct VertexIn {
    @location(0) position: vec2<f32>,
    @location(1) color: vec4<f32>,
    // Coverage terms in output pixels (src/tess.rs): across the edge
    // [offset.x, offset.y, reach], along a butt-ended stroke [from start, to end].
    @location(2) across: vec3<f32>,
    @location(3) along: vec2<f32>,
};

struct VertexOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) color: vec4<f32>,
    @location(1) across: vec3<f32>,
    @location(2) along: vec2<f32>,
};

@vertex
fn vs_main(in: VertexIn) -> VertexOut {
    // Scene units (origin top-left, y down) → clip space (origin centre, y up).
    let ndc = in.position / globals.viewport * 2.0 - vec2<f32>(1.0, 1.0);
    var out: VertexOut;
    out.clip = vec4<f32>(ndc.x, -ndc.y, 0.0, 1.0);
    out.color = in.color;
    out.across = in.across;
    out.along = in.along;
    return out;
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    // Box-filter coverage: distance to the edge across, fade along (butt ends).
    let across = clamp(in.across.z - length(in.across.xy), 0.0, 1.0);
    let along = clamp(in.along, vec2<f32>(0.0), vec2<f32>(1.0));
    return in.color * (across * along.x * along.y);
}
