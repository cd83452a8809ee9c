#version 300 es
// Colormap pass, fragment stage: density → t = clamp(v / saturation, 0, 1)^gamma → "hot" colormap, the same
// mapping as the server's PNG export (ImageExport: red 3t, green 3t − 1, blue 3t − 2). Background is black.
// 3D (u_depth = 1): hue from the mean depth .g/.r over the depth range, brightness t, as render.png
// (ImageExport.WriteDepthPng / DepthColour: blue → cyan → green → yellow → red, lowest z to highest).
precision highp float;

uniform sampler2D u_density;   // the accumulation texture (localizations per texture pixel in .r, Σ weight × depth in .g)
uniform float u_saturation;    // density shown at full scale (the contrast)
uniform float u_gamma;         // below 1 brightens faint structure
uniform int u_depth;           // 1: colour by depth

in vec2 v_uv;
out vec4 o_color;

vec3 hot(float t) {
    return clamp(vec3(3.0 * t, 3.0 * t - 1.0, 3.0 * t - 2.0), 0.0, 1.0);
}

// Piecewise linear through blue (0), cyan (1/4), green (1/2), yellow (3/4), red (1).
vec3 depthColour(float t) {
    t = clamp(t, 0.0, 1.0);
    if (t < 0.25) { return vec3(0.0, 4.0 * t, 1.0); }
    if (t < 0.5) { return vec3(0.0, 1.0, 1.0 - 4.0 * (t - 0.25)); }
    if (t < 0.75) { return vec3(4.0 * (t - 0.5), 1.0, 0.0); }
    return vec3(1.0, 1.0 - 4.0 * (t - 0.75), 0.0);
}

void main() {
    vec2 d = texture(u_density, vec2(v_uv.x, 1.0 - v_uv.y)).rg;
    float t = d.r > 0.0 ? pow(clamp(d.r / u_saturation, 0.0, 1.0), u_gamma) : 0.0;
    o_color = vec4(u_depth == 1 && d.r > 0.0 ? t * depthColour(d.g / d.r) : hot(t), 1.0);
}
