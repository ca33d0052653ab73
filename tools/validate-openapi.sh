#!/bin/sh
# Validates openapi.json against the OpenAPI 3.1 schema with openapi-spec-validator (from PyPI, installed when
# missing), and checks that the embedded copy the server serves is up to date.
set -eu
cd "$(dirname "$0")/.."
if ! python3 -c "import openapi_spec_validator" 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check openapi-spec-validator
fi
python3 -m openapi_spec_validator openapi.json
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cp Sources/RegistrarHTTP/OpenAPIDocument.swift "$tmp"
tools/embed-openapi.sh >/dev/null
if ! cmp -s "$tmp" Sources/RegistrarHTTP/OpenAPIDocument.swift; then
    cp "$tmp" Sources/RegistrarHTTP/OpenAPIDocument.swift
    echo "Sources/RegistrarHTTP/OpenAPIDocument.swift is stale: run tools/embed-openapi.sh" >&2
    exit 1
fi
