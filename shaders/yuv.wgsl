// RGB → BT.709 limited-range YUV 4:2:0 planes, on the GPU, so the CPU never
// runs swscale and the readback is 1.5 bytes per pixel instead of 4.
//
// Two fragment passes over one full-target triangle (fragment work is what a
// software rasteriser like llvmpipe spreads best over its threads; a compute
// version of this pass cost several times the frame's own rendering there):
// - `fs_luma` into an R8Unorm target the size of the frame: the Y plane;
// - `fs_chroma` into two R8Unorm targets half the size each way: U and V,
//   from the plain average of each 2×2 block.
// Input: the resolved frame through an Rgba8Unorm (not sRGB) view, so loads
// return the stored sRGB-encoded values, which is what swscale converts.
// Outputs are whole levels divided by 255, which the unorm targets store exactly.

@group(0) @binding(0) var frame: texture_2d<f32>;

const KR: f32 = 0.2126;
const KB: f32 = 0.0722;
const KG: f32 = 0.7152;

fn luma(c: vec3<f32>) -> f32 {
    return KR * c.r + KG * c.g + KB * c.b;
}

// Limited range: Y in 16..235.
fn y_level(c: vec3<f32>) -> f32 {
    return clamp(round(16.0 + 219.0 * luma(c)), 0.0, 255.0);
}

// Limited range: U, V in 16..240 around 128.
fn uv_levels(c: vec3<f32>) -> vec2<f32> {
    let y = luma(c);
    let u = (c.b - y) / (2.0 * (1.0 - KB));
    let v = (c.r - y) / (2.0 * (1.0 - KR));
    return clamp(round(vec2<f32>(128.0) + 224.0 * vec2<f32>(u, v)), vec2<f32>(0.0), vec2<f32>(255.0));
}

@vertex
fn vs_main(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
    // (-1,-1), (3,-1), (-1,3): one triangle over the whole target.
    let p = vec2<f32>(f32((i << 1u) & 2u), f32(i & 2u));
    return vec4<f32>(p * 2.0 - vec2<f32>(1.0), 0.0, 1.0);
}

@fragment
fn fs_luma(@builtin(position) pos: vec4<f32>) -> @location(0) vec4<f32> {
    let c = textureLoad(frame, vec2<i32>(pos.xy), 0).rgb;
    return vec4<f32>(y_level(c) / 255.0, 0.0, 0.0, 1.0);
}

struct Chroma {
    @location(0) u: vec4<f32>,
    @location(1) v: vec4<f32>,
};

@fragment
fn fs_chroma(@builtin(position) pos: vec4<f32>) -> Chroma {
    let q = vec2<i32>(pos.xy) * 2;
    let c = (textureLoad(frame, q, 0).rgb + textureLoad(frame, q + vec2<i32>(1, 0), 0).rgb
        + textureLoad(frame, q + vec2<i32>(0, 1), 0).rgb + textureLoad(frame, q + vec2<i32>(1, 1), 0).rgb) * 0.25;
    let uv = uv_levels(c) / 255.0;
    var out: Chroma;
    out.u = vec4<f32>(uv.x, 0.0, 0.0, 1.0);
    out.v = vec4<f32>(uv.y, 0.0, 0.0, 1.0);
    return out;
}
