#!/usr/bin/env bash
# Run HERE (a machine with a JDK >= 22 and Maven; no GPU needed): packs what a GPU machine without Java
# needs to run the Java side, into build/gpu-run/sqlrl-gpu-run.tar.xz:
#   jre/            a jlinked runtime holding only the modules the app uses (found with jdeps)
#   sqlrl.jar       the application (shaded), less the native libraries of other platforms
#   sqlrl-benchmarks.jar  only with SQLRL_GPU_RUN_BENCHMARKS=1 (it holds the app again: +39 MB)
#   reference/      the Hugging Face fixtures (../shared/reference, 2.3 MB) for check_reference.py
#   sqlrl-adapters/ an adapter per fixture written by sqlrl (WriteSqlrlAdapter.java) for check_interop.py
# The archive must fit the device tool's 64 MiB carry together with the repository, hence the trims.
# The native library is NOT in it: device-check.sh builds libsqlrl there against the CUDA libtorch and
# points the app at it with SQLRL_NATIVE_LIB.
# Usage: scripts/gpu/prepare-gpu-run.sh [OUTPUT_DIR]   (default build/gpu-run, ignored by git)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$root/build/gpu-run}
. "$root/scripts/env.sh"
jdk=$(sqlrl_find_jdk)
export JAVA_HOME=$jdk
for tool in mvn tar xz zip unzip; do
  command -v "$tool" >/dev/null || { echo "prepare-gpu-run: '$tool' is missing" >&2; exit 3; }
done

echo "== building the jars (no native build: the GPU machine builds libsqlrl itself)"
(cd "$root" && mvn -B -q -o -Dsqlrl.native.skip=true -DskipTests package)
app_jar=$root/java/target/sqlrl.jar
[ -f "$app_jar" ] || { echo "prepare-gpu-run: $app_jar was not built" >&2; exit 1; }

echo "== modules the app needs (jdeps)"
# --ignore-missing-deps: optional dependencies of shaded libraries that the app never loads.
modules=$("$jdk/bin/jdeps" --multi-release "$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 |
  sed -n 's/ *java.specification.version = //p')" --ignore-missing-deps --print-module-deps "$app_jar")
# jdk.crypto.ec: TLS for Hugging Face downloads; jdk.zipfs: reading jars as file systems. Neither shows
# in jdeps (loaded through service lookups). The tool modules that only JMH's harness uses (trimmed from
# the jar below) stay out: 3 MB less to carry.
modules="$(echo "$modules" | tr , '\n' | grep -vxE 'jdk\.jdi|jdk\.attach|java\.instrument' | paste -sd,),jdk.crypto.ec,jdk.zipfs"
echo "$modules"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-0 --output "$stage/jre"  # uncompressed: xz packs it far smaller than jlink's zip
# The jar, trimmed and stored uncompressed (xz packs the whole far smaller than deflate + xz): the GPU
# machine is linux x86-64, so sqlite-jdbc's and JNA's libraries for other systems go (~35 MB); so do what
# the GPU run never loads: the PDF writer of the plots, the serve page's assets and JMH's harness.
mkdir "$stage/jar"
(cd "$stage/jar" && unzip -q "$app_jar" &&
  rm -rf org/sqlite/native/{Mac,Windows,FreeBSD,Linux-Android,Linux-Musl} org/apache/pdfbox org/apache/fontbox \
    META-INF/resources/webjars org/openjdk/jmh &&
  find org/sqlite/native/Linux -mindepth 1 -maxdepth 1 ! -name x86_64 -exec rm -rf {} + &&
  find com/sun/jna -mindepth 1 -maxdepth 1 -type d ! -name linux-x86-64 ! -name internal ! -name ptr -exec rm -rf {} + &&
  zip -q -0 -r -X "$stage/sqlrl.jar" META-INF/MANIFEST.MF . )
rm -rf "$stage/jar"
if [ "${SQLRL_GPU_RUN_BENCHMARKS:-0}" = 1 ]; then
  cp "$root/benchmarks/target/sqlrl-benchmarks.jar" "$stage/sqlrl-benchmarks.jar"
fi
reference=${SQLRL_REFERENCE_DIR:-$root/../shared/reference}
if [ -d "$reference" ]; then
  cp -r "$reference" "$stage/reference"
else
  echo "prepare-gpu-run: no fixtures at $reference (set SQLRL_REFERENCE_DIR): the GPU run will skip the reference check" >&2
fi
echo "== an adapter per fixture written by sqlrl (CPU build here)"
native_lib=${SQLRL_NATIVE_LIB:-$root/build/native/libsqlrl.so}
if [ -d "$reference" ] && [ -f "$native_lib" ]; then
  for model in "$reference"/*/; do
    [ -f "$model/reference.json" ] || continue
    SQLRL_NATIVE_LIB=$native_lib "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$app_jar" \
      "$root/scripts/gpu/WriteSqlrlAdapter.java" "$model" "$stage/sqlrl-adapters/$(basename "$model")"
  done
else
  echo "prepare-gpu-run: no fixtures or no CPU libsqlrl ($native_lib): the GPU run will fail its interoperability check" >&2
fi
echo "$modules" > "$stage/jre-modules.txt"
(cd "$root" && git describe --always --dirty) > "$stage/commit.txt"
"$stage/jre/bin/java" -version 2>&1 | head -1

mkdir -p "$out"
XZ_OPT="-9 -T0" tar -C "$stage" -cJf "$out/sqlrl-gpu-run.tar.xz" .
echo "== wrote $out/sqlrl-gpu-run.tar.xz ($(du -h "$out/sqlrl-gpu-run.tar.xz" | cut -f1))"
