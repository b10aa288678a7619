#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-schema.py FIXTURE_DIR VALIDATOR SPEC_DIR...: the unit-test fixtures against the
runtime-spec's JSON schema. full.json must be valid and name every property of the config
schema (other platforms' objects aside); process.json must be valid as a config's process.
VALIDATOR is tests/integration/validate-schema.py. Exit 77 (skip) without the spec or
python3-jsonschema, saying why."""
import json
import os
import subprocess
import sys
import tempfile

OTHER_PLATFORMS = {"solaris", "windows", "vm", "zos", "freebsd"}

fixtures, validator = sys.argv[1:3]
schema_dir = next((os.path.join(d, "schema") for d in sys.argv[3:]
                   if os.path.isfile(os.path.join(d, "schema", "config-schema.json"))), None)
if schema_dir is None:
    print("skip: runtime-spec schema not found in", " ".join(sys.argv[3:]))
    sys.exit(77)
try:
    import jsonschema  # noqa: F401
except ImportError:
    print("skip: python3-jsonschema is not installed")
    sys.exit(77)


def validate(path):
    r = subprocess.run([sys.executable, validator, schema_dir, "config-schema.json", path],
                       capture_output=True, text=True)
    print("%s: %s" % (os.path.basename(path), "valid" if r.returncode == 0 else "INVALID"))
    sys.stdout.write(r.stdout + r.stderr)
    return r.returncode == 0


def schema_properties():
    """Every property name the config schema can reach through $ref, but other platforms'."""
    files, names, seen = {}, set(), set()

    def load(name):
        if name not in files:
            with open(os.path.join(schema_dir, name)) as f:
                files[name] = json.load(f)
        return files[name]

    def walk(node, fname):
        if isinstance(node, list):
            for n in node:
                walk(n, fname)
            return
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str):
            target, _, pointer = ref.partition("#")
            target = target or fname
            if (target, pointer) not in seen:
                seen.add((target, pointer))
                sub = load(target)
                for part in filter(None, pointer.split("/")):
                    sub = sub[part]
                walk(sub, target)
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for prop, sub in value.items():
                    if prop in OTHER_PLATFORMS:
                        continue
                    names.add(prop)
                    walk(sub, fname)
            elif key != "$ref":
                walk(value, fname)

    walk(load("config-schema.json"), "config-schema.json")
    return names


def keys_of(doc, out):
    if isinstance(doc, dict):
        out.update(doc)
        for v in doc.values():
            keys_of(v, out)
    elif isinstance(doc, list):
        for v in doc:
            keys_of(v, out)
    return out


ok = validate(os.path.join(fixtures, "full.json"))
with open(os.path.join(fixtures, "full.json")) as f:
    missing = sorted(schema_properties() - keys_of(json.load(f), set()))
if missing:
    print("full.json lacks these properties of the schema:", ", ".join(missing))
    ok = False
else:
    print("full.json names every property of the config schema (Linux)")

with open(os.path.join(fixtures, "process.json")) as f:
    process = json.load(f)
with tempfile.NamedTemporaryFile("w", suffix="-process.json", delete=False) as t:
    json.dump({"ociVersion": "1.3.0", "root": {"path": "rootfs"}, "process": process}, t)
try:
    ok = validate(t.name) and ok
finally:
    os.unlink(t.name)
sys.exit(0 if ok else 1)
