#version 300 es
// Splat accumulation, vertex stage: one point per localization, placed in the accumulation texture of the
// current view and sized to cover ±3σ of its Gaussian (σ = the localization's precision, in texture pixels).
precision highp float;

layout(location = 0) in vec2 a_position_nm;   // x, y in nm (origin: top-left corner of the camera field)
layout(location = 1) in float a_precision_nm;  // mean lateral uncertainty, nm (NaN when unknown)
layout(location = 2) in float a_z_nm;          // z, nm (3D feed; attribute off, so 0, for 2D; NaN: no z)

uniform vec2 u_origin_nm;          // field position shown at texture pixel (0, 0)
uniform float u_nm_per_px;         // nm per texture pixel (the zoom)
uniform vec2 u_target_px;          // texture size, pixels
uniform float u_fallback_sigma_nm; // σ for a localization without a precision
uniform float u_min_sigma_nm;      // σ range, as the server's renderer clamps it
uniform float u_max_sigma_nm;
uniform float u_max_point_px;      // largest point the implementation draws
uniform float u_z_min_nm;          // depth range of the colouring (3D): t = (z − min) / span, not clamped here
uniform float u_z_span_nm;

out float v_sigma_px;
out float v_point_px;
out float v_depth_t;

void main() {
    float sigma_nm = (isnan(a_precision_nm) || a_precision_nm <= 0.0) ? u_fallback_sigma_nm : clamp(a_precision_nm, u_min_sigma_nm, u_max_sigma_nm);
    // Below ~0.6 px a sampled Gaussian no longer sums to 1 over the pixels it covers: keep at least that.
    float sigma_px = max(sigma_nm / u_nm_per_px, 0.6);
    float size = min(2.0 * ceil(3.0 * sigma_px) + 1.0, u_max_point_px);
    v_sigma_px = sigma_px;
    v_point_px = size;
    // A localization without z adds to the intensity as if at z = 0, as the server's renderer (GaussianRenderer) does.
    v_depth_t = ((isnan(a_z_nm) ? 0.0 : a_z_nm) - u_z_min_nm) / u_z_span_nm;
    vec2 px = (a_position_nm - u_origin_nm) / u_nm_per_px;
    // Texture row 0 holds image row 0 (the top); the colormap pass flips it onto the screen.
    gl_Position = vec4(px / u_target_px * 2.0 - 1.0, 0.0, 1.0);
    gl_PointSize = size;
}
