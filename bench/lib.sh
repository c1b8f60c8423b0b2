# Shared by the benchmark suites: build a module and run a Java class of its tests with its classpath.
# Expects JAVA_HOME to point at a JDK >= 22 (./deetune bench selects one).

bench_build() { # module: builds it and what it needs, without tests
  mvn -B -ntp -q install -DskipTests -pl "$1" -am >&2
}

bench_java() { # module class args...: runs class from the module's test classes
  local module=$1 class=$2
  shift 2
  local cp_file
  cp_file=$(mktemp)
  mvn -B -ntp -q -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
    -cp "$module/target/test-classes:$module/target/classes:$(cat "$cp_file")" "$class" "$@"
  rm -f "$cp_file"
}
