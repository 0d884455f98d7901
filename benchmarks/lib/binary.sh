# The release binary a benchmark runs (source it). `release_binary NAME` builds NAME into
# .build-release and prints its path; with BIN_DIR=DIR set it prints DIR/NAME instead and builds
# nothing, so binaries built from two commits can be measured in one session (before/after).
release_binary() {
  if [ -n "${BIN_DIR:-}" ]; then
    [ -x "$BIN_DIR/$1" ] || { echo "no $1 in BIN_DIR=$BIN_DIR" >&2; exit 2; }
    echo "$(cd "$BIN_DIR" && pwd)/$1"
  else
    swift build -c release --product "$1" --scratch-path .build-release >/dev/null || exit 1
    echo "$PWD/.build-release/release/$1"
  fi
}
