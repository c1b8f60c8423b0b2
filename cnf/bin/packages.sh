# Sourced by ./deetune and the benchmark suites: installs the Debian packages that are missing.

# require_packages <package>...: as root, installs what is missing (apt-get); otherwise says what to install.
require_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    printf '[deetune] error: missing packages: %s (install them as root: apt-get install %s)\n' "${missing[*]}" "${missing[*]}" >&2
    return 1
  fi
  printf '[deetune] installing %s\n' "${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
