# Finds the Java that DeeTune runs on. POSIX sh, sourced by ./deetune (to build) and by the distribution's
# bin/setenv (to run Karaf; the build copies this file to bin/jdk.sh), so that both pick the same way:
#
#   1. JAVA_HOME, if it holds a Java of at least the version asked for;
#   2. else the newest such Java in the folders of DEETUNE_JDK_DIRS (default /usr/lib/jvm; colon separated);
#   3. else the `java` on PATH, if it is new enough.
#
# DeeTune's bundles require the OSGi execution environment JavaSE 25, so that is the minimum (DEETUNE_MIN_JAVA).

DEETUNE_MIN_JAVA=25

# deetune_java_feature <java home> [javac]: prints the feature version (17, 25, ...) of the Java there, or nothing
# if there is none (or, with "javac", if it is not a full JDK).
deetune_java_feature() {
  [ -x "$1/bin/java" ] || return 0
  if [ "${2:-}" = javac ] && [ ! -x "$1/bin/javac" ]; then return 0; fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ { v = $2; sub(/^1\./, "", v); print v + 0; exit }'
}

# deetune_find_java_home [javac]: prints the Java home to use (see above), or returns 1 if none qualifies.
deetune_find_java_home() {
  _dt_need=${1:-}
  _dt_v=
  if [ -n "${JAVA_HOME:-}" ]; then
    _dt_v=$(deetune_java_feature "$JAVA_HOME" "$_dt_need")
    if [ -n "$_dt_v" ] && [ "$_dt_v" -ge "$DEETUNE_MIN_JAVA" ]; then
      printf '%s\n' "$JAVA_HOME"
      return 0
    fi
  fi
  _dt_best= _dt_best_v=0
  _dt_ifs=$IFS; IFS=:
  for _dt_root in ${DEETUNE_JDK_DIRS:-/usr/lib/jvm}; do
    IFS=$_dt_ifs
    for _dt_dir in "$_dt_root"/*; do
      [ -d "$_dt_dir" ] && [ ! -L "$_dt_dir" ] || continue
      _dt_v=$(deetune_java_feature "$_dt_dir" "$_dt_need")
      if [ -n "$_dt_v" ] && [ "$_dt_v" -ge "$DEETUNE_MIN_JAVA" ] && [ "$_dt_v" -gt "$_dt_best_v" ]; then
        _dt_best=$_dt_dir _dt_best_v=$_dt_v
      fi
    done
  done
  IFS=$_dt_ifs
  if [ -n "$_dt_best" ]; then
    printf '%s\n' "$_dt_best"
    return 0
  fi
  _dt_java=$(command -v java 2>/dev/null) || return 1
  _dt_home=$(dirname "$(dirname "$(readlink -f "$_dt_java")")")
  _dt_v=$(deetune_java_feature "$_dt_home" "$_dt_need")
  if [ -n "$_dt_v" ] && [ "$_dt_v" -ge "$DEETUNE_MIN_JAVA" ]; then
    printf '%s\n' "$_dt_home"
    return 0
  fi
  return 1
}

# deetune_no_java_message [JDK|Java]: the one line to print when nothing qualifies.
deetune_no_java_message() {
  if [ -n "${JAVA_HOME:-}" ]; then _dt_jh="JAVA_HOME=$JAVA_HOME is older"; else _dt_jh="JAVA_HOME unset"; fi
  printf 'no %s >= %s found (%s, nothing suitable in %s or on PATH): install one (e.g. Eclipse Temurin 25, https://adoptium.net) and set JAVA_HOME to it\n' \
    "${1:-Java}" "$DEETUNE_MIN_JAVA" "$_dt_jh" "${DEETUNE_JDK_DIRS:-/usr/lib/jvm}"
}
