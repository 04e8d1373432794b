# tests/svlib.sh: what the service-directory tests share, sourced after lib.sh
# with $SVC set: process bookkeeping for scan directories, cleanup of every
# supervisor started (trap set here), fresh copies of the service directory.

# gone DIR: until no process works in DIR (at most ~10 s)
gone() {
  _i=0
  while [ -n "$(procs_in "$1")" ]; do
    _i=$((_i + 1)); [ $_i -lt 100 ] || return 1
    sleep 0.1
  done
}
SCANS=
SVSCANPIDS=
sup_cleanup() {
  for p in $SVSCANPIDS; do kill -KILL "$p" 2>/dev/null; done
  for d in $SCANS; do
    for _ in 1 2 3; do
      left=$(procs_in "$d")
      [ -n "$left" ] || break
      # shellcheck disable=SC2086
      kill -KILL $left 2>/dev/null
      sleep 0.1
    done
  done
  lib_cleanup
}
trap sup_cleanup EXIT

# newsvc DEST: a fresh copy of $SVC (without run-time state, if the tree has any)
newsvc() {
  cp -R "$SVC" "$1"
  rm -rf "$1/supervise" "$1/event" "$1/log/supervise" "$1/log/event" "$1/log/main"
}
setenv() { printf '%s\n' "$3" > "$1/env/$2"; }
