// RGB → BT.709 limited-range YUV 4:2:0 planes, on the GPU, so the CPU never
// runs swscale and the readback is 1.5 bytes per pixel instead of 4.
//
// Input: the resolved frame through an Rgba8Unorm (not sRGB) view, so loads
// return the stored sRGB-encoded values, which is what swscale converts.
// Output: one storage buffer of u32 words holding the Y plane (width×height
// bytes), then U, then V (width/2 × height/2 bytes each), tightly packed,
// little-endian bytes: exactly the planes `VideoEncoder::push_yuv420p` takes.
// One invocation converts an 8×2 block: two Y words per row, one U and one V
// word, so the width must be a multiple of 8 (YUV_BLOCK_WIDTH in
// src/gpu/yuv.rs) and the height even.
// Keep `YuvParams` in sync with `YuvParams` in src/gpu/yuv.rs.

struct YuvParams {
    // Frame size in pixels.
    width: u32,
    height: u32,
    // Word offsets of the U and V planes in `planes`.
    u_offset: u32,
    v_offset: u32,
};

@group(0) @binding(0) var frame: texture_2d<f32>;
@group(0) @binding(1) var<storage, read_write> planes: array<u32>;
@group(0) @binding(2) var<uniform> params: YuvParams;

const KR: f32 = 0.2126;
const KB: f32 = 0.0722;
const KG: f32 = 0.7152;

fn luma(c: vec3<f32>) -> f32 {
    return KR * c.r + KG * c.g + KB * c.b;
}

// Limited range: Y in 16..235.
fn y_byte(c: vec3<f32>) -> u32 {
    return u32(clamp(round(16.0 + 219.0 * luma(c)), 0.0, 255.0));
}

// Limited range: U, V in 16..240 around 128.
fn uv_bytes(c: vec3<f32>) -> vec2<u32> {
    let y = luma(c);
    let u = (c.b - y) / (2.0 * (1.0 - KB));
    let v = (c.r - y) / (2.0 * (1.0 - KR));
    return vec2<u32>(
        u32(clamp(round(128.0 + 224.0 * u), 0.0, 255.0)),
        u32(clamp(round(128.0 + 224.0 * v), 0.0, 255.0)),
    );
}

@compute @workgroup_size(8, 8)
fn cs_main(@builtin(global_invocation_id) id: vec3<u32>) {
    let x0 = id.x * 8u;
    let y0 = id.y * 2u;
    if (x0 >= params.width || y0 >= params.height) {
        return;
    }
    var u_word = 0u;
    var v_word = 0u;
    for (var half = 0u; half < 2u; half++) {
        var top = 0u;
        var bottom = 0u;
        for (var i = 0u; i < 4u; i += 2u) {
            let x = x0 + half * 4u + i;
            let a = textureLoad(frame, vec2<u32>(x, y0), 0).rgb;
            let b = textureLoad(frame, vec2<u32>(x + 1u, y0), 0).rgb;
            let c = textureLoad(frame, vec2<u32>(x, y0 + 1u), 0).rgb;
            let d = textureLoad(frame, vec2<u32>(x + 1u, y0 + 1u), 0).rgb;
            top |= (y_byte(a) | (y_byte(b) << 8u)) << (i * 8u);
            bottom |= (y_byte(c) | (y_byte(d) << 8u)) << (i * 8u);
            // Chroma: the average of the 2×2 block, in the encoded (gamma) values like swscale.
            let uv = uv_bytes((a + b + c + d) * 0.25);
            let shift = (half * 2u + i / 2u) * 8u;
            u_word |= uv.x << shift;
            v_word |= uv.y << shift;
        }
        let row_words = params.width / 4u;
        let col = x0 / 4u + half;
        planes[y0 * row_words + col] = top;
        planes[(y0 + 1u) * row_words + col] = bottom;
    }
    let chroma_index = (y0 / 2u) * (params.width / 8u) + x0 / 8u;
    planes[params.u_offset + chroma_index] = u_word;
    planes[params.v_offset + chroma_index] = v_word;
}
