#version 300 es
// Colormap pass, fragment stage: density → t = clamp(v / saturation, 0, 1)^gamma → "hot" colormap, the same
// mapping as the server's PNG export (ImageExport: red 3t, green 3t − 1, blue 3t − 2). Background is black.
precision highp float;

uniform sampler2D u_density;   // the accumulation texture (localizations per texture pixel in .r)
uniform float u_saturation;    // density shown at full scale (the contrast)
uniform float u_gamma;         // below 1 brightens faint structure

in vec2 v_uv;
out vec4 o_color;

vec3 hot(float t) {
    return clamp(vec3(3.0 * t, 3.0 * t - 1.0, 3.0 * t - 2.0), 0.0, 1.0);
}

void main() {
    float v = texture(u_density, vec2(v_uv.x, 1.0 - v_uv.y)).r;
    float t = v > 0.0 ? pow(clamp(v / u_saturation, 0.0, 1.0), u_gamma) : 0.0;
    o_color = vec4(hot(t), 1.0);
}
