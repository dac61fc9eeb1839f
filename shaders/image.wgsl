// Images (PNG assets) drawn as textured quads between the vector triangles.
// The texture is Rgba8UnormSrgb, so sampling returns linear light; the
// output is premultiplied like every other draw (fill.wgsl).
//
// `common.wgsl` is prepended to this file by src/gpu/images.rs.

@group(0) @binding(0) var<uniform> globals: Globals;
@group(1) @binding(0) var image: texture_2d<f32>;
@group(1) @binding(1) var image_sampler: sampler;

struct VertexIn {
    @location(0) position: vec2<f32>,
    @location(1) uv: vec2<f32>,
    @location(2) opacity: f32,
};

struct VertexOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) uv: vec2<f32>,
    @location(1) opacity: f32,
};

@vertex
fn vs_main(in: VertexIn) -> VertexOut {
    let ndc = in.position / globals.viewport * 2.0 - vec2<f32>(1.0, 1.0);
    var out: VertexOut;
    out.clip = vec4<f32>(ndc.x, -ndc.y, 0.0, 1.0);
    out.uv = in.uv;
    out.opacity = in.opacity;
    return out;
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    let c = textureSample(image, image_sampler, in.uv);
    let a = c.a * in.opacity;
    return vec4<f32>(c.rgb * a, a);
}
