#!/bin/sh
# tests/diff/prog.sh: stand-in for qmail-smtpd in the differential test.
# usage: prog.sh MARKER [arg ...]: records its arguments and environment in
# MARKER (so the test sees whether and how the gate exec'd it), then speaks a
# trivial SMTP dialogue and exits 7 on QUIT (0 at EOF) so the exit status
# shows that the gate's own process was replaced.
m=$1
shift
{
  printf 'args:'
  for a in "$@"; do printf ' [%s]' "$a"; done
  echo
  if [ "${RBLSMTPD+set}" = set ]; then
    printf 'RBLSMTPD is set: [%s]\n' "$RBLSMTPD"
  else
    echo 'RBLSMTPD is unset'
  fi
  # the ports differ between runs; everything else must be identical
  env | grep -Ev '^TCP(REMOTE|LOCAL)PORT=' | LC_ALL=C sort
} > "$m"
printf '220 prog\r\n'
while IFS= read -r line; do
  case $line in
    [Qq][Uu][Ii][Tt]*) printf '221 prog\r\n'; exit 7 ;;
  esac
  printf '250 prog\r\n'
done
exit 0
