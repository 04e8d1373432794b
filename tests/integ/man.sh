# man.sh: the man pages are lint-clean under mandoc and groff, render with
# man, and document every option they (and the programs) name.
. "$(dirname "$0")/../lib.sh"

PAGES=$(ls "$TOP"/man/*.[0-9])

# section NAME FILE: the source lines of one .SH section, without the .SH line
section() {
  awk -v want="$1" '
    /^\.SH/ { sub(/^\.SH[ \t]+/, ""); gsub(/"/, ""); insec = ($0 == want); next }
    insec { print }' "$2"
}

# letters PAGE-SOURCE-LINES: the option letters written as \-X, one per line, sorted
letters() {
  grep -o '\\-[A-Za-z]' | sed 's/^\\-//' | sort -u
}

# optletters FILE: the letters of the .TP/.TQ tags in the OPTIONS section
optletters() {
  section OPTIONS "$1" | awk 'tag { print; tag = 0 } /^\.(TP|TQ)/ { tag = 1 }' |
    grep -o '^\.B[IR]* \\-[A-Za-z]' | sed 's/.*\\-//' | sort -u
}

# usageletters PROG: option letters in the program's own usage line
usageletters() {
  "$1" -@ 2>&1 >/dev/null | grep 'usage:' | sed 's/^[^:]*: usage: [^ ]*//' |
    grep -o '\-[A-Za-z0-9]*' | sed 's/^-//' | fold -w 1 | grep '[A-Za-z]' | sort -u
}

for page in $PAGES; do
  name=$(basename "$page")
  if [ ! -f "$page" ]; then notok "$name exists"; continue; fi

  if command -v mandoc > /dev/null; then
    out=$(mandoc -T lint -W warning "$page" 2>&1)
    check_eq "$name: mandoc -T lint -W warning is silent" "$out" ""
  else
    notok "$name: mandoc is installed"
  fi

  if command -v groff > /dev/null; then
    out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    check_eq "$name: groff -man -ww -z is silent" "$out" ""
  else
    notok "$name: groff is installed"
  fi

  if command -v man > /dev/null; then
    text=$(MANWIDTH=80 man -l "$page" 2> "$TMP/man.err" | col -b)
    err=$(cat "$TMP/man.err")
    lines=$(printf '%s\n' "$text" | grep -c .)
    if [ "$lines" -gt 50 ] && [ -z "$err" ]; then ok "$name: man -l renders ($lines lines)"
    else notok "$name: man -l renders ($lines lines)"; printf '# %s\n' "$err"; fi
    case $name in
      *.5) secs="NAME SYNOPSIS DESCRIPTION EXAMPLES SEE_ALSO" ;;
      *) secs="NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT EXIT_STATUS EXAMPLES SEE_ALSO" ;;
    esac
    for sec in $secs; do
      sec=$(echo "$sec" | tr _ ' ')
      check_match "$name: rendered page has $sec" "$(printf '%s\n' "$text" | grep -x "$sec")" "^$sec\$"
    done
  else
    notok "$name: man is installed"
  fi

  case $name in *.5) continue ;; esac

  # every option in the synopsis has its own entry under OPTIONS, and back
  syn=$(section SYNOPSIS "$page" | letters | tr '\n' ' ')
  opt=$(optletters "$page" | tr '\n' ' ')
  if [ -n "$syn" ]; then
    check_eq "$name: SYNOPSIS options = OPTIONS entries" "$opt" "$syn"
  else
    notok "$name: SYNOPSIS names options"
  fi

  # ...and they are the letters the program itself accepts in its usage line
  prog=$BIN/${name%.*}
  if [ -x "$prog" ]; then
    use=$(usageletters "$prog" | tr '\n' ' ')
    check_eq "$name: SYNOPSIS options = $(basename "$prog") usage line" "$syn" "$use"
  else
    notok "$name: $prog is built"
  fi
done

# rblgate.8 sections the project requires of it
for sec in 'THE DECISION' 'THE LIMITED SMTP DIALOGUE' LOGGING COMPATIBILITY FILES; do
  n=$(section "$sec" "$TOP/man/rblgate.8" | grep -c .)
  if [ "$n" -gt 0 ]; then ok "rblgate.8 has $sec"; else notok "rblgate.8 has $sec"; fi
done

# rblserve.8 sections the project requires of it
for sec in 'ZONES AND DATASETS' RELOADING SIGNALS STATISTICS LOGGING SECURITY COMPATIBILITY FILES; do
  n=$(section "$sec" "$TOP/man/rblserve.8" | grep -c .)
  if [ "$n" -gt 0 ]; then ok "rblserve.8 has $sec"; else notok "rblserve.8 has $sec"; fi
done

# every page named in SEE ALSO of our pages that is ours exists
for page in $PAGES; do
  for ref in $(section 'SEE ALSO' "$page" | grep -o '^\.BR [a-z-]*' | sed 's/^\.BR //'); do
    case $ref in rblgate|rblquery|rblserve|rblgate-datasets)
      if ls "$TOP"/man/"$ref".[0-9] > /dev/null 2>&1; then ok "$(basename "$page"): SEE ALSO $ref exists"
      else notok "$(basename "$page"): SEE ALSO $ref exists"; fi ;;
    esac
  done
done
