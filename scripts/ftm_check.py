#!/usr/bin/env python3
"""Checks FollowTheMoney entities with the followthemoney package's own model.

    ftm_check.py check FILE      validate JSON lines; exit 1 on any error
    ftm_check.py model SCHEMA... print the installed version, its two-letter
                                 country and its language codes, and those
                                 schemata's properties as JSON, for
                                 internal/ftm/testdata/model.json

`check` holds every entity to what the model defines, more strictly than
FtM's cleaning, which silently drops what it cannot use: the schema exists
and is not abstract, the ID is valid and unique, every property belongs to
the schema, every value is a string that cleans to itself and fits the
property's length, required properties are present, and every entity
reference names an entity of the file whose schema is in the property's
range.
"""
import json
import sys
from collections import Counter
from importlib import metadata

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.types import registry


def check(path):
    errors = 0

    def fail(where, msg):
        nonlocal errors
        errors += 1
        if errors <= 50:
            print(f"{path}:{where}: {msg}", file=sys.stderr)

    schemata = {}  # entity ID -> schema
    refs = []  # (line, property, referenced ID)
    counts = Counter()
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                data = json.loads(line)
            except ValueError as e:
                fail(n, f"not JSON: {e}")
                continue
            if not isinstance(data, dict):
                fail(n, "not a JSON object")
                continue
            if set(data) - {"id", "schema", "properties"}:
                fail(n, f"unexpected keys {sorted(set(data) - {'id', 'schema', 'properties'})}")
            schema = model.get(data.get("schema") or "")
            if schema is None or schema.abstract:
                fail(n, f"schema {data.get('schema')!r} is not a concrete FtM schema")
                continue
            eid = data.get("id")
            if not isinstance(eid, str) or not registry.entity.validate(eid):
                fail(n, f"invalid entity ID {eid!r}")
                continue
            if eid in schemata:
                fail(n, f"duplicate ID {eid}")
            schemata[eid] = schema
            counts[schema.name] += 1
            props = data.get("properties")
            if not isinstance(props, dict):
                fail(n, f"{eid}: properties is not an object")
                continue
            good = []  # properties whose values FtM should read as they are
            for name, values in props.items():
                prop = schema.get(name)
                if prop is None:
                    fail(n, f"{eid}: {schema.name} has no property {name!r}")
                    continue
                if not isinstance(values, list) or not values:
                    fail(n, f"{eid}: {name} is not a non-empty list")
                    continue
                errors_before = errors
                for v in values:
                    if not isinstance(v, str):
                        fail(n, f"{eid}: {name} holds {v!r}, not a string")
                        continue
                    if prop.type.clean(v) != v or not prop.type.validate(v):
                        fail(n, f"{eid}: {name} {v!r} is not a clean {prop.type.name}")
                    if prop.max_length and len(v) > prop.max_length:
                        fail(n, f"{eid}: {name} is {len(v)} long, over {prop.max_length}")
                    if prop.type == registry.entity:
                        refs.append((n, prop, v))
                if errors == errors_before:
                    good.append(name)
            for name in schema.required:
                if not props.get(name):
                    fail(n, f"{eid}: {schema.name} requires {name}")
            # The library's own reading and validation must agree.
            try:
                proxy = model.get_proxy(data, cleaned=False)
                schema.validate(proxy.to_dict())
            except InvalidData as e:
                fail(n, f"{eid}: {e} {getattr(e, 'errors', '')}")
                continue
            for name in good:
                if sorted(proxy.get(name)) != sorted(set(props[name])):
                    fail(n, f"{eid}: FtM reads {name} as {proxy.get(name)}, not {props[name]}")
    for n, prop, ref in refs:
        target = schemata.get(ref)
        if target is None:
            fail(n, f"{prop.qname} refers to {ref}, which is not in the file")
        elif not target.is_a(prop.range):
            fail(n, f"{prop.qname} refers to {ref}, a {target.name}, not a {prop.range.name}")
    total = sum(counts.values())
    print(", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"{path}: {total} entities, {errors} errors")
    if total == 0:
        print(f"{path}: no entities", file=sys.stderr)
        return 1
    return 1 if errors else 0


def dump(names):
    out = {}
    for name in names:
        schema = model.get(name)
        if schema is None:
            raise SystemExit(f"no schema {name}")
        props = {}
        for p in schema.properties.values():
            props[p.name] = {"type": p.type.name, "maxLength": p.max_length}
            if p.range is not None:
                props[p.name]["range"] = p.range.name
        out[name] = {
            "schemata": sorted(s.name for s in schema.schemata),
            "required": sorted(schema.required),
            "properties": props,
        }
    # One line a property keeps the file short and its diffs readable.
    lines = []
    for name, s in sorted(out.items()):
        props = ",\n".join(
            f"    {json.dumps(k)}: {json.dumps(v, sort_keys=True)}" for k, v in sorted(s["properties"].items())
        )
        lines.append(
            f"  {json.dumps(name)}: {{\n   \"schemata\": {json.dumps(s['schemata'])},\n"
            f"   \"required\": {json.dumps(s['required'])},\n   \"properties\": {{\n{props}\n   }}\n  }}"
        )
    version = json.dumps(metadata.version("followthemoney"))
    countries = json.dumps(sorted(c for c in registry.country.names if len(c) == 2))
    langs = json.dumps(sorted(registry.language.names))
    print(
        f'{{\n "followthemoney": {version},\n "countries": {countries},\n "languages": {langs},\n'
        f' "schemata": {{\n' + ",\n".join(lines) + "\n }\n}"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    if len(sys.argv) >= 3 and sys.argv[1] == "model":
        sys.exit(dump(sys.argv[2:]))
    sys.exit(__doc__)
