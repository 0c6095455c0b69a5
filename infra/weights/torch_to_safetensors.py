#!/usr/bin/env python3
"""Converts a legacy (non-zip) PyTorch state dict (`.pth`) to safetensors,
with the standard library only: no torch, no numpy.

    python3 torch_to_safetensors.py IN.pth OUT.safetensors

The legacy format is a sequence of pickles: a magic number, the protocol
version (1001), a dict of system facts, then the state dict, whose tensors
point at storages by persistent id; then a pickled list of storage keys, and
for each key an 8-byte little-endian element count followed by its raw
little-endian bytes. The unpickler below accepts only the few globals such a
file names and refuses anything else, so a hostile file cannot run code.

Tensors keep their names, shapes and layout (PyTorch's OIHW for convolutions);
integer buffers (BatchNorm's `num_batches_tracked`) are dropped. Tensor names
are written in sorted order, which makes the output byte-for-byte stable.
"""
import array
import collections
import io
import json
import os
import pickle
import struct
import sys

MAGIC = 0x1950A86A20F9469CFC6C
PROTOCOL = 1001

# Storage classes the file may name: (dtype of safetensors, bytes per element).
STORAGES = {
    "FloatStorage": ("F32", 4),
    "LongStorage": ("I64", 8),
}


class StorageType:
    def __init__(self, name):
        self.dtype, self.itemsize = STORAGES[name]


class TensorRef:
    """What `_rebuild_tensor_v2` would have built: a view of a storage."""

    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)


def rebuild_tensor(storage, offset, size, stride, *_ignored):
    return TensorRef(storage, offset, size, stride)


class RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return rebuild_tensor
        if module == "torch" and name in STORAGES:
            return StorageType(name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: not part of a plain state dict")

    def persistent_load(self, pid):
        # ('storage', storage type, key, location, element count[, view metadata: None])
        if not (isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] == "storage"
                and isinstance(pid[1], StorageType) and pid[5:] in ((), (None,))):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        _, kind, key, _location, numel = pid[:5]
        return {"key": str(key), "kind": kind, "numel": int(numel)}


def gather(storage, itemsize, tensor, name):
    """The tensor's elements in row-major order of its logical shape.

    These files keep convolution weights in TensorFlow's memory layout behind
    PyTorch's shapes (strides that permute the axes), so a view is copied
    element by element unless it is already contiguous.
    """
    numel = 1
    for dim in tensor.size:
        numel *= dim
    if tensor.stride == contiguous_strides(tensor.size) or numel <= 1:
        start = tensor.offset * itemsize
        data = storage[start:start + numel * itemsize]
    else:
        values = memoryview(storage).cast("f")
        offsets = [tensor.offset]
        for dim, stride in zip(tensor.size, tensor.stride):
            offsets = [base + i * stride for base in offsets for i in range(dim)]
        if max(offsets) >= len(values):
            raise SystemExit(f"tensor {name} runs past its storage")
        data = array.array("f", (values[i] for i in offsets)).tobytes()
    if len(data) != numel * itemsize:
        raise SystemExit(f"tensor {name} runs past its storage")
    return data


def contiguous_strides(size):
    strides, step = [], 1
    for dim in reversed(size):
        strides.append(step)
        step *= dim
    return tuple(reversed(strides))


def main(src, dst):
    with open(src, "rb") as f:
        f = io.BytesIO(f.read())
    load = lambda: RestrictedUnpickler(f).load()  # noqa: E731
    if load() != MAGIC:
        raise SystemExit(f"{src}: not a legacy PyTorch file (wrong magic number)")
    if load() != PROTOCOL:
        raise SystemExit(f"{src}: unsupported protocol version")
    if not load().get("little_endian", False):
        raise SystemExit(f"{src}: big-endian files are not supported")
    state = load()
    keys = load()
    kinds = {}
    for tensor in state.values():
        kinds[tensor.storage["key"]] = tensor.storage["kind"]
    storages = {}
    for key in keys:
        (count,) = struct.unpack("<q", f.read(8))
        itemsize = kinds[key].itemsize if key in kinds else 4
        storages[key] = f.read(count * itemsize)
        if len(storages[key]) != count * itemsize:
            raise SystemExit(f"{src}: truncated storage {key}")
    if f.read(1):
        raise SystemExit(f"{src}: unexpected bytes after the last storage")

    header, chunks, offset = {}, [], 0
    for name in sorted(state):
        tensor = state[name]
        kind = tensor.storage["kind"]
        if kind.dtype != "F32":
            continue
        data = gather(storages[tensor.storage["key"]], kind.itemsize, tensor, name)
        header[name] = {"dtype": "F32", "shape": list(tensor.size), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt", "source": src.rsplit("/", 1)[-1]}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # keep the data 8-byte aligned
    with open(dst + ".tmp", "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for chunk in chunks:
            out.write(chunk)
    os.replace(dst + ".tmp", dst)
    print(f"{len(chunks)} tensors, {offset // 4} float32 values -> {dst}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: torch_to_safetensors.py IN.pth OUT.safetensors")
    main(sys.argv[1], sys.argv[2])
