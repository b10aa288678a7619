#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""validate-schema.py SCHEMA_DIR SCHEMA_FILE DOCUMENT: validate a JSON document against one
of the runtime-spec JSON schemas (draft-04, with relative $refs between the schema files).
Exit 0 if valid, 1 with the errors if not, 77 if python3-jsonschema is not available."""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit(77)

schema_dir, schema_file, doc_path = sys.argv[1:4]
schema_dir = os.path.abspath(schema_dir)
with open(os.path.join(schema_dir, schema_file)) as f:
    schema = json.load(f)
with open(doc_path) as f:
    doc = json.load(f)

try:  # jsonschema >= 4.18
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    resources = []
    for name in os.listdir(schema_dir):
        if name.endswith(".json"):
            with open(os.path.join(schema_dir, name)) as f:
                resources.append((name, Resource.from_contents(json.load(f), default_specification=DRAFT4)))
    validator = jsonschema.Draft4Validator(schema, registry=Registry().with_resources(resources))
except ImportError:  # older jsonschema (Debian 12: 4.10): file:// references
    base = "file://" + os.path.join(schema_dir, schema_file)
    validator = jsonschema.Draft4Validator(schema, resolver=jsonschema.RefResolver(base, schema))

errors = list(validator.iter_errors(doc))
for e in errors:
    print("%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message))
sys.exit(1 if errors else 0)
