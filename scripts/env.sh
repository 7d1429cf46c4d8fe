# Shared by ./sqlrl, ./run-tests and .ci/run: finds a JDK >= 22 (the FFM API) and checks build tools.
# Sourced, not run.

sqlrl_jdk_version() { # prints the feature version of the JDK at $1, or nothing
  local release="$1/release" v
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  else
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  fi
  echo "$v"
}

sqlrl_find_jdk() { # prints the home of a JDK >= 22: JAVA_HOME first, then the newest under /usr/lib/jvm
  local v best="" best_v=0 d
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(sqlrl_jdk_version "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 22 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for d in /usr/lib/jvm/*; do
    [ -L "$d" ] && continue
    v=$(sqlrl_jdk_version "$d")
    if [ -n "$v" ] && [ "$v" -ge 22 ] && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  if [ -z "$best" ] && [ -z "${SQLRL_JDK_INSTALL_TRIED:-}" ] && sqlrl_install_jdk; then
    SQLRL_JDK_INSTALL_TRIED=1 sqlrl_find_jdk
    return $?
  fi
  if [ -z "$best" ]; then
    echo "sqlrl: no JDK >= 22 found (JAVA_HOME, /usr/lib/jvm/*) and none in this machine's apt sources. Install one," >&2
    echo "  e.g. Temurin 25 from the Adoptium repository (apt-get install -y temurin-25-jdk), then set JAVA_HOME" >&2
    return 1
  fi
  echo "$best"
}

# Runs apt-get as root: directly, or through sudo. Fails with a message when neither is possible.
sqlrl_apt_get() {
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get "$@"
  elif command -v sudo >/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get "$@"
  else
    echo "sqlrl: installing packages needs root, and sudo is not available; as root run: apt-get $*" >&2
    return 1
  fi
}

# Installs the newest OpenJDK >= 22 that the apt sources offer (Debian 13 / Ubuntu 24.04 have some; Debian 12 has none).
sqlrl_install_jdk() {
  command -v apt-get >/dev/null && command -v apt-cache >/dev/null || return 1
  [ "${SQLRL_NO_INSTALL:-}" = 1 ] && return 1
  local v pkg=""
  for v in 25 24 23 22; do
    if apt-cache show "openjdk-$v-jdk-headless" >/dev/null 2>&1; then pkg="openjdk-$v-jdk-headless"; break; fi
  done
  [ -n "$pkg" ] || return 1
  echo "sqlrl: installing $pkg with apt-get (sqlrl's Java side needs JDK >= 22 for the FFM API)" >&2
  sqlrl_apt_get install -y -qq "$pkg" >&2
}

# Where Debian's libtorch-dev puts its CMake package (SQLRL_TORCH_CONFIG overrides it, for tests).
SQLRL_DEBIAN_TORCH_CONFIG=/usr/lib/x86_64-linux-gnu/cmake/Torch/TorchConfig.cmake

sqlrl_missing_packages() { # prints the Debian packages the build needs and this machine lacks
  local missing=()
  command -v mvn >/dev/null || missing+=(maven)
  command -v cmake >/dev/null || missing+=(cmake)
  command -v g++ >/dev/null || missing+=(g++)
  if [ -z "${Torch_DIR:-}${CMAKE_PREFIX_PATH:-}" ] && [ ! -e "${SQLRL_TORCH_CONFIG:-$SQLRL_DEBIAN_TORCH_CONFIG}" ]; then
    missing+=(libtorch-dev)
  fi
  # libtorch-dev uses whatever libblas.so.3 the system points at; Debian's reference BLAS makes training several
  # times slower than OpenBLAS
  if command -v dpkg >/dev/null && [ -z "${Torch_DIR:-}${CMAKE_PREFIX_PATH:-}" ] && ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    missing+=(libopenblas0-pthread)
  fi
  # Gloo's headers: data-parallel training on the CPU goes through libtorch's ProcessGroupGloo, whose header needs them
  if command -v dpkg >/dev/null && [ -z "${Torch_DIR:-}${CMAKE_PREFIX_PATH:-}" ] && ! dpkg -s libgloo-dev >/dev/null 2>&1; then
    missing+=(libgloo-dev)
  fi
  echo "${missing[*]}"
}

# Installs the missing build tools with apt-get (through sudo when not root), saying what and why; with
# SQLRL_NO_INSTALL=1, or without apt-get, prints what to install instead and fails.
sqlrl_ensure_tools() {
  local missing
  missing=$(sqlrl_missing_packages)
  [ -z "$missing" ] && return 0
  if [ "${SQLRL_NO_INSTALL:-}" = 1 ] || ! command -v apt-get >/dev/null; then
    echo "sqlrl: missing build tools: $missing. Install them (Debian/Ubuntu package names) with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
    command -v apt-get >/dev/null || echo "sqlrl: this machine has no apt-get: use its package manager for the same tools" >&2
    return 1
  fi
  local started=$SECONDS
  echo "sqlrl: installing $missing with apt-get, once (maven builds the Java side, cmake + g++ the native library" \
       "on libtorch-dev; libopenblas0-pthread is libtorch's fast CPU BLAS; libgloo-dev the headers of its data-parallel backend)" >&2
  # shellcheck disable=SC2086
  if ! { sqlrl_apt_get update -qq >&2 && sqlrl_apt_get install -y -qq $missing >&2; }; then
    echo "sqlrl: apt-get could not install $missing; install them by hand and run this again" >&2
    return 1
  fi
  echo "sqlrl: installed $missing in $((SECONDS - started)) s" >&2
}

sqlrl_maven_env() { # quiets Maven's own warnings on new JDKs (its bundled Guava uses sun.misc.Unsafe)
  local v
  v=$(sqlrl_jdk_version "$1")
  if [ -n "$v" ] && [ "$v" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
  export JAVA_HOME="$1"
}
