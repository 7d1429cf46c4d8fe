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
  if [ -z "$best" ]; then
    echo "sqlrl: no JDK >= 22 found (JAVA_HOME, /usr/lib/jvm/*). Install one, e.g. Temurin 25:" >&2
    echo "  apt-get install -y temurin-25-jdk   (from the Adoptium repository), then set JAVA_HOME" >&2
    return 1
  fi
  echo "$best"
}

sqlrl_check_tools() { # fails with the install command when a build tool is missing
  local missing=()
  command -v mvn >/dev/null || missing+=(maven)
  command -v cmake >/dev/null || missing+=(cmake)
  command -v g++ >/dev/null || missing+=(g++)
  if [ -z "${Torch_DIR:-}${CMAKE_PREFIX_PATH:-}" ] && [ ! -e /usr/lib/x86_64-linux-gnu/cmake/Torch/TorchConfig.cmake ]; then
    missing+=(libtorch-dev)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "sqlrl: missing build tools: ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}

sqlrl_maven_env() { # quiets Maven's own warnings on new JDKs (its bundled Guava uses sun.misc.Unsafe)
  local v
  v=$(sqlrl_jdk_version "$1")
  if [ -n "$v" ] && [ "$v" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
  export JAVA_HOME="$1"
}
