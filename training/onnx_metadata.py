"""Adds metadata_props to an ONNX file without the onnx package.

ModelProto.metadata_props is field 14 (repeated StringStringEntryProto {key = 1, value = 2}); a
protobuf parser merges repeated fields appended at the end of a message, so each entry is appended
as its own length-delimited field."""


def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field(number, payload):
    return _varint((number << 3) | 2) + _varint(len(payload)) + payload


def append(path, props):
    with open(path, "ab") as f:
        for key, value in props.items():
            entry = _field(1, key.encode("utf-8")) + _field(2, str(value).encode("utf-8"))
            f.write(_field(14, entry))
