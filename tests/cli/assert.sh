# Assertions the CLI test scripts share (sourced): each counts into $passes / $fails and prints
# what failed; the script ends with its own summary line and exits by $fails.
fails=0 passes=0
check() { # name expected actual
  if [[ $2 == "$3" ]]; then passes=$((passes + 1)); else echo "FAIL: $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi
}
has() { # name file pattern (grep -E)
  if grep -Eq -- "$3" "$2"; then passes=$((passes + 1)); else echo "FAIL: $1: no /$3/ in $2:"; sed 's/^/    /' "$2" | head -20; fails=$((fails + 1)); fi
}
