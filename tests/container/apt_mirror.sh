# debian_mirror ROOT SUITE: prints the http(s) URI of the first enabled "deb" source of SUITE
# that apt has under ROOT/etc/apt, in apt's own order (sources.list, then sources.list.d/ by
# name), in either format: one-line ("deb [options] URI SUITE COMPONENTS", in sources.list
# and *.list) or deb822 ("Types:", "URIs:", "Suites:" stanzas, in *.sources, the only form
# on a new Debian 12 machine). Prints nothing, and still succeeds, when there is none or no
# file at all: the caller picks a default. e2e.sh debootstraps from it, so that a machine
# behind a local mirror or proxy uses that. Tested by apt_mirror_test.sh.
# shellcheck shell=bash

debian_mirror() {
  local root=$1 suite=$2 f uri
  local files=()
  [[ -f $root/etc/apt/sources.list ]] && files+=("$root/etc/apt/sources.list")
  for f in "$root"/etc/apt/sources.list.d/*; do
    [[ -f $f && ($f == *.list || $f == *.sources) ]] && files+=("$f")
  done
  for f in "${files[@]}"; do
    if [[ $f == *.sources ]]; then
      uri=$(awk -v suite="$suite" "$DEB822_MIRROR_AWK" "$f")
    else
      uri=$(awk -v suite="$suite" "$ONE_LINE_MIRROR_AWK" "$f")
    fi
    if [[ -n $uri ]]; then
      echo "${uri%/}"
      return 0
    fi
  done
  return 0
}

# One-line format: comments run from "#" to the end of the line; "[ ... ]" holds options,
# which may contain spaces.
# shellcheck disable=SC2016  # an awk program: its $ are awk's
ONE_LINE_MIRROR_AWK='
{ sub(/#.*/, "") }
$1 != "deb" { next }
{
  i = 2
  if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
  if ($(i + 1) == suite && $i ~ /^https?:\/\//) { print $i; exit }
}'

# deb822: stanzas are separated by blank lines; field names are case-insensitive; a line
# that starts with a space continues the previous field (such as an inline Signed-By key).
# shellcheck disable=SC2016  # an awk program: its $ are awk's
DEB822_MIRROR_AWK='
function has(list, word,   n, w, k) {
  n = split(list, w, /[ \t]+/)
  for (k = 1; k <= n; k++) if (w[k] == word) return 1
  return 0
}
function stanza_end(   n, u, k) {
  if (has(types, "deb") && has(suites, suite) && tolower(enabled) != "no") {
    n = split(uris, u, /[ \t]+/)
    for (k = 1; k <= n; k++) if (u[k] ~ /^https?:\/\//) { print u[k]; found = 1; exit }
  }
  types = uris = suites = enabled = ""
}
/^#/ { next }
/^[ \t]*$/ { stanza_end(); next }
/^[ \t]/ { next }
{
  key = tolower($0); sub(/:.*/, "", key)
  value = $0; sub(/^[^:]*:[ \t]*/, "", value)
  if (key == "types") types = value
  else if (key == "uris") uris = value
  else if (key == "suites") suites = value
  else if (key == "enabled") enabled = value
}
END { if (!found) stanza_end() }'
