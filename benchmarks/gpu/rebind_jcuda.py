#!/usr/bin/env python3
"""Rebinds JCuda 11.7.0's JNI libraries to the newer CUDA libraries of a machine that has no CUDA 11.

JCublas, JNvrtc and JCudnn 11.7.0 are linked against libcublas.so.11, libnvrtc.so.11.2 and
libcudnn.so.8, and they ask for those libraries' symbol versions ("libcublas.so.11"), so a symbolic
link to libcublas.so.13 is refused by the dynamic linker. The GPU machines we borrow for testing
carry only CUDA 13 and cuDNN 9 (inside PyTorch's wheels). This script copies the JNI libraries and
rewrites, in place, each dependency's name and symbol-version name (and that name's ELF hash) to
the newer library's. The C APIs Cortado calls exist unchanged in cuBLAS 13, NVRTC 13 and cuDNN 9
(cuDNN 9 keeps the v7 convolution API), and JNI functions bind lazily, so the rest just works.

This is a test harness for borrowed machines, not a supported set-up: users install CUDA 11.8 and
cuDNN 8.9 (README, "GPU support").

    rebind_jcuda.py OUT_DIR JNI_LIB...     prints the library folders to put on LD_LIBRARY_PATH
"""
import os
import re
import shutil
import struct
import sys

SHT_DYNAMIC, SHT_GNU_VERDEF, SHT_GNU_VERNEED = 6, 0x6FFFFFFD, 0x6FFFFFFE
DT_NEEDED = 1
OLD_NAMES = {"libcublas.so.11": "libcublas.so.", "libcudnn.so.8": "libcudnn.so.",
             "libnvrtc.so.11.2": "libnvrtc.so."}
SEARCH_ROOTS = ["/usr/local/cuda/lib64", "/usr/local/lib", "/usr/lib/x86_64-linux-gnu", "/opt", "/usr/local/nvidia"]


def elf_hash(name):
    h = 0
    for c in name:
        h = ((h << 4) + c) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h


class Elf:
    """Just enough of ELF64 little-endian to read and patch dependency and version names."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = bytearray(f.read())
        if self.data[:4] != b"\x7fELF" or self.data[4] != 2:
            raise ValueError(path + ": not a 64-bit ELF file")
        shoff, = struct.unpack_from("<Q", self.data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", self.data, 0x3A)
        self.sections = [struct.unpack_from("<IIQQQQIIQQ", self.data, shoff + i * shentsize) for i in range(shnum)]

    def string(self, strtab, offset):
        start = self.sections[strtab][4] + offset
        return bytes(self.data[start:self.data.index(0, start)]), start

    def of_type(self, sh_type):
        return [s for s in self.sections if s[1] == sh_type]

    def version_definitions(self):
        names = []
        for s in self.of_type(SHT_GNU_VERDEF):
            pos = s[4]
            for _ in range(s[7]):
                _, _, _, _, _, aux, nxt = struct.unpack_from("<HHHHIII", self.data, pos)
                name_off, = struct.unpack_from("<I", self.data, pos + aux)
                names.append(self.string(s[6], name_off)[0].decode())
                pos += nxt
        return names

    def rename(self, old, new):
        """Renames dependency `old` to `new` in DT_NEEDED and in the version needs (name and hash)."""
        old_b, new_b = old.encode(), new.encode()
        if len(new_b) > len(old_b):
            raise ValueError(f"{new} is longer than {old}: cannot rewrite in place")
        spots = set()
        for s in self.of_type(SHT_DYNAMIC):
            for pos in range(s[4], s[4] + s[5], 16):
                tag, val = struct.unpack_from("<qQ", self.data, pos)
                if tag == DT_NEEDED and self.string(s[6], val)[0] == old_b:
                    spots.add(self.string(s[6], val)[1])
        for s in self.of_type(SHT_GNU_VERNEED):
            pos = s[4]
            for _ in range(s[7]):
                _, cnt, file_off, aux, nxt = struct.unpack_from("<HHIII", self.data, pos)
                if self.string(s[6], file_off)[0] == old_b:
                    spots.add(self.string(s[6], file_off)[1])
                    apos = pos + aux
                    for _ in range(cnt):
                        _, _, _, name_off, anext = struct.unpack_from("<IHHII", self.data, apos)
                        name, at = self.string(s[6], name_off)
                        if name == old_b:
                            spots.add(at)
                            struct.pack_into("<I", self.data, apos, elf_hash(new_b))
                        apos += anext
                pos += nxt
        for at in spots:
            self.data[at:at + len(old_b)] = new_b + b"\0" * (len(old_b) - len(new_b))
        return bool(spots)

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.data)


def newest(prefix):
    """The newest library called prefix<major> on this machine, as (path, soname, version name)."""
    found = []
    for root in SEARCH_ROOTS:
        for folder, _, files in os.walk(root):
            for name in files:
                m = re.fullmatch(re.escape(prefix) + r"(\d+)", name)
                if m:
                    found.append((int(m.group(1)), os.path.join(folder, name), name))
    if not found:
        return None
    _, path, soname = max(found)
    versions = Elf(os.path.realpath(path)).version_definitions()
    return path, soname, (versions[0] if versions else soname)


def main():
    out, libs = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    folders = []
    targets = {}
    for old, prefix in OLD_NAMES.items():
        hit = newest(prefix)
        if hit is None:
            print(f"rebind: no {prefix}* found; {old} stays unresolved", file=sys.stderr)
            continue
        path, soname, version = hit
        targets[old] = version
        folders.append(os.path.dirname(path))
        print(f"rebind: {old} -> {path} (version {version})", file=sys.stderr)
    for lib in libs:
        dest = os.path.join(out, os.path.basename(lib))
        shutil.copyfile(lib, dest)
        elf = Elf(dest)
        changed = [old for old, new in targets.items() if elf.rename(old, new)]
        elf.save(dest)
        if changed:
            print(f"rebind: {os.path.basename(lib)}: {', '.join(changed)}", file=sys.stderr)
    print(":".join(dict.fromkeys(folders)))


if __name__ == "__main__":
    main()
