#version 300 es
// Splat accumulation, fragment stage: the Gaussian of unit total mass sampled at this pixel, added to the
// float accumulation texture (blend ONE, ONE). The texture then holds localizations per texture pixel in .r
// and, for 3D, Σ weight × t (t = the depth scaled to the colouring's range) in .g, so .g/.r is the mean depth.
precision highp float;

in float v_sigma_px;
in float v_point_px;
in float v_depth_t;
out vec4 o_density;

const float TWO_PI = 6.283185307179586;

void main() {
    vec2 d = (gl_PointCoord - 0.5) * v_point_px;   // offset from the point's centre, pixels
    float s2 = v_sigma_px * v_sigma_px;
    float r2 = dot(d, d);
    if (r2 > 9.0 * s2) {
        discard;   // outside ±3σ, as the server's renderer truncates
    }
    float w = exp(-0.5 * r2 / s2) / (TWO_PI * s2);
    o_density = vec4(w, w * v_depth_t, 0.0, 1.0);
}
