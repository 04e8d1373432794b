#!/bin/sh
# Runs each libFuzzer target for $FUZZ_SECONDS on a scratch copy of its seed
# corpus, after replaying every crash input kept in tests/fuzz/crashes/.
# Prints one ok/not ok line per target and per replay.
cd "$(dirname "$0")/../.." || exit 111
secs=${FUZZ_SECONDS:-45}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/rblgate-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
found=0
for bin in build-fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  found=1
  name=$(basename "$bin")
  if [ -d "tests/fuzz/crashes/$name" ]; then
    for c in "tests/fuzz/crashes/$name"/*; do
      [ -f "$c" ] || continue
      if "$bin" "$c" > "$scratch/replay.log" 2>&1; then echo "ok - $name replays $(basename "$c")"
      else echo "not ok - $name replays $(basename "$c")"; tail -n 20 "$scratch/replay.log" | sed 's/^/# /'; fi
    done
  fi
  mkdir -p "$scratch/$name"
  [ -d "tests/fuzz/corpus/$name" ] && cp -R "tests/fuzz/corpus/$name/." "$scratch/$name/"
  if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -artifact_prefix="$scratch/" \
       "$scratch/$name" > "$scratch/$name.log" 2>&1; then
    runs=$(grep -o 'Done [0-9]* runs' "$scratch/$name.log" | tail -n 1)
    echo "ok - $name: ${runs:-ran} in ${secs} s, no crash"
  else
    echo "not ok - $name: crash or leak found"
    tail -n 30 "$scratch/$name.log" | sed 's/^/# /'
    ls "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* 2>/dev/null | sed 's/^/# artifact: /'
  fi
done
[ $found = 1 ] || { echo "not ok - no fuzz targets built"; exit 1; }
