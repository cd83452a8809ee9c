using System.Text.Json;

namespace LiveSmlm.Simulation.Tests;

/// <summary>
/// A small independent JSON Schema (2020-12 subset) walker for the profile tests: $ref into $defs,
/// type, enum, required, properties, additionalProperties: false, items, minimum/maximum (inclusive
/// and exclusive). Returns every violation as "path: problem".
/// </summary>
internal sealed class SchemaChecker(JsonElement root)
{
    public List<string> Check(JsonElement instance)
    {
        var errors = new List<string>();
        Check(root, instance, "$", errors);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out JsonElement reference))
        {
            string name = reference.GetString()!.Replace("#/$defs/", string.Empty, StringComparison.Ordinal);
            schema = root.GetProperty("$defs").GetProperty(name);
        }

        if (schema.TryGetProperty("enum", out JsonElement options)
            && !options.EnumerateArray().Any(o => o.ToString() == value.ToString()))
        {
            errors.Add($"{path}: {value} is not one of {options}");
        }

        if (schema.TryGetProperty("type", out JsonElement type) && !HasType(value, type.GetString()!))
        {
            errors.Add($"{path}: expected {type.GetString()}, got {value.ValueKind}");
            return;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            double v = value.GetDouble();
            if (schema.TryGetProperty("minimum", out JsonElement min) && v < min.GetDouble())
            {
                errors.Add($"{path}: {v} < minimum {min}");
            }

            if (schema.TryGetProperty("maximum", out JsonElement max) && v > max.GetDouble())
            {
                errors.Add($"{path}: {v} > maximum {max}");
            }

            if (schema.TryGetProperty("exclusiveMinimum", out JsonElement xmin) && v <= xmin.GetDouble())
            {
                errors.Add($"{path}: {v} <= exclusiveMinimum {xmin}");
            }

            if (schema.TryGetProperty("exclusiveMaximum", out JsonElement xmax) && v >= xmax.GetDouble())
            {
                errors.Add($"{path}: {v} >= exclusiveMaximum {xmax}");
            }
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out JsonElement required))
            {
                foreach (JsonElement r in required.EnumerateArray())
                {
                    if (!value.TryGetProperty(r.GetString()!, out _))
                    {
                        errors.Add($"{path}: required field {r.GetString()} is missing");
                    }
                }
            }

            schema.TryGetProperty("properties", out JsonElement properties);
            bool closed = schema.TryGetProperty("additionalProperties", out JsonElement additional) && additional.ValueKind == JsonValueKind.False;
            foreach (JsonProperty p in value.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(p.Name, out JsonElement sub))
                {
                    Check(sub, p.Value, $"{path}.{p.Name}", errors);
                }
                else if (closed)
                {
                    errors.Add($"{path}: field {p.Name} is not in the schema");
                }
            }
        }

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out JsonElement items))
        {
            int i = 0;
            foreach (JsonElement item in value.EnumerateArray())
            {
                Check(items, item, $"{path}[{i++}]", errors);
            }
        }
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.GetDouble() == Math.Floor(value.GetDouble()),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        _ => false,
    };
}
