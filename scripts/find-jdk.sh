#!/usr/bin/env bash
# Prints the home of a JDK whose feature version is at least 25 (Fovea's JDK), or fails with a
# message saying how to get one. Order: $JAVA_HOME, then JDKs under /usr/lib/jvm and /opt, then
# the java on PATH. Source-free: call it as  JAVA_HOME=$(scripts/find-jdk.sh).
set -euo pipefail
need=25

feature_version() {  # $1 = JDK home; prints the feature version or nothing
  local rel="$1/release"
  [ -x "$1/bin/java" ] || return 0
  if [ -f "$rel" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
  fi
}

candidates=()
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
for d in /usr/lib/jvm/* /opt/*jdk* /opt/java/*; do [ -d "$d" ] && candidates+=("$d"); done
if command -v java >/dev/null 2>&1; then
  candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
fi

best=""; best_v=0
for c in "${candidates[@]}"; do
  v=$(feature_version "$c" || true)
  if [ -n "$v" ] && [ "$v" -ge "$need" ] && [ "$v" -gt "$best_v" ]; then best="$c"; best_v="$v"; fi
done
if [ -z "$best" ]; then
  echo "fovea: error: no JDK $need or newer found (looked at \$JAVA_HOME, /usr/lib/jvm, /opt and PATH); install one, e.g. Temurin 25, and set JAVA_HOME" >&2
  exit 1
fi
echo "$best"
