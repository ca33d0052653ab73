#!/bin/sh
# Validates openapi.json against the OpenAPI 3.1 schema with openapi-spec-validator (from PyPI, installed into
# .build-tools-venv when the system Python lacks it), and checks that the embedded copy the server serves is up to date.
set -eu
cd "$(dirname "$0")/.."
# Debian's own Python refuses `pip install` (PEP 668, "externally managed"): the validator goes into a virtual
# environment of the repository's own (python3-venv, which `make deps` installs), unless the system has it already.
python=python3
if ! python3 -c "import openapi_spec_validator" 2>/dev/null; then
    venv=.build-tools-venv
    if ! "$venv/bin/python" -c "import openapi_spec_validator" 2>/dev/null; then
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check openapi-spec-validator
    fi
    python="$venv/bin/python"
fi
"$python" -m openapi_spec_validator openapi.json
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cp Sources/RegistrarHTTP/OpenAPIDocument.swift "$tmp"
tools/embed-openapi.sh >/dev/null
if ! cmp -s "$tmp" Sources/RegistrarHTTP/OpenAPIDocument.swift; then
    cp "$tmp" Sources/RegistrarHTTP/OpenAPIDocument.swift
    echo "Sources/RegistrarHTTP/OpenAPIDocument.swift is stale: run tools/embed-openapi.sh" >&2
    exit 1
fi
