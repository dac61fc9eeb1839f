// The one pipeline that draws tessellated paths. Vertices carry their colour
// already converted to linear light and premultiplied by alpha on the CPU
// (src/color.rs), so the fragment stage is a pass-through and the *Srgb
// target encodes the result. Blending: premultiplied "over".
//
// `common.wgsl` is prepended to this file by src/gpu/renderer.rs.

@group(0) @binding(0) var<uniform> globals: Globals;

struct VertexIn {
    @location(0) position: vec2<f32>,
    @location(1) color: vec4<f32>,
};

struct VertexOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) color: vec4<f32>,
};

@vertex
fn vs_main(in: VertexIn) -> VertexOut {
    // Scene units (origin top-left, y down) → clip space (origin centre, y up).
    let ndc = in.position / globals.viewport * 2.0 - vec2<f32>(1.0, 1.0);
    var out: VertexOut;
    out.clip = vec4<f32>(ndc.x, -ndc.y, 0.0, 1.0);
    out.color = in.color;
    return out;
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    return in.color;
}
