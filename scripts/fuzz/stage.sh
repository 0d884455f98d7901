# Copies sources into one folder for a fuzz build (source it): `stage DIR FILE...`. The fuzzers
# compile the parser (and the ingest code) as one module, outside SwiftPM, so the copies drop
# the imports of our own modules (Core, Exposition, ...), which are one module here.
stage() {
  local dir=$1
  shift
  rm -rf "$dir"
  mkdir -p "$dir"
  local file
  for file in "$@"; do
    sed -E '/^import (Core|Exposition|Config|Storage|Ingest)$/d' "$file" >"$dir/$(basename "$(dirname "$file")")-$(basename "$file")"
  done
}
