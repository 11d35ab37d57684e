#!/usr/bin/env bash
# `npm run api:types`: writes the OpenAPI document of the API (openapi.json) and the TypeScript types
# generated from it with openapi-typescript (web/src/generated/api.d.ts), which the web pages and the
# CLI are typed with. Needs no Postgres or Redis (src/openapi/write-openapi.cli.ts says why).
# `--check` (`npm run check:api`, part of `npm run check`): writes both into a temp dir instead and
# fails when they differ from the committed ones, so neither can drift from the code.
set -euo pipefail
cd "$(dirname "$0")/.."

build=.memgrade/api-build
npx tsc -p tsconfig.build.json --outDir "$build" --incremental --tsBuildInfoFile "$build/.tsbuildinfo"

out=.
if [[ "${1:-}" == "--check" ]]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/memgrade-api.XXXXXX")
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out/web/src/generated"
node "$build/openapi/write-openapi.cli.js" "$out/openapi.json"
npx openapi-typescript "$out/openapi.json" --output "$out/web/src/generated/api.d.ts" --alphabetize >/dev/null

if [[ "$out" != "." ]]; then
  stale=0
  for file in openapi.json web/src/generated/api.d.ts; do
    if ! diff -u "$file" "$out/$file" >"$out/diff" 2>&1; then
      echo "check:api: $file differs from what the code generates:" >&2
      head -n 40 "$out/diff" >&2
      stale=1
    fi
  done
  if (( stale )); then
    echo "check:api: run \`npm run api:types\` and commit openapi.json and web/src/generated/api.d.ts" >&2
    exit 1
  fi
  echo "check:api: openapi.json and web/src/generated/api.d.ts match the code"
fi
