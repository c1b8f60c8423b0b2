# Shared by the benchmark suites: build a module and run Java classes of its tests with its classpath.
# Expects JAVA_HOME to point at a JDK >= 25 (./deetune bench selects one).

bench_build() { # module: builds it and what it needs, without tests
  mvn -B -ntp -q install -DskipTests -pl "$1" -am >&2
}

bench_classpath() { # module work_dir: prints the module's test classpath, its dependencies copied into work_dir/lib
  # A private copy of the dependencies: a build elsewhere that rewrites the local repository cannot break a run.
  local module=$1 work=$2
  mvn -B -ntp -q -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath" >&2
  mkdir -p "$work/lib"
  tr ':' '\n' <"$work/classpath" | while read -r jar; do cp "$jar" "$work/lib/"; done
  echo "$module/target/test-classes:$module/target/classes:$work/lib/*"
}

bench_java() { # module class args...: runs class from the module's test classes (the classpath resolved for this run)
  local module=$1 class=$2 work
  shift 2
  work=$(mktemp -d)
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$(bench_classpath "$module" "$work")" "$class" "$@"
  rm -rf "$work"
}
