# Sourced by the scripts in bin/: sets JAVA to a Java 21 or newer found in JAVA_HOME, on the PATH or
# under /usr/lib/jvm (the newest there), and MAJOR to its version.
# The JDK's release file (JAVA_VERSION="25.0.3") answers without starting a JVM, which costs
# about 0.1 s per candidate; a java without one is asked for its properties.
java_major() {
    real=$(readlink -f "$1" 2>/dev/null || printf '%s\n' "$1")
    release="${real%/bin/java}/release"
    if [ -f "$release" ]; then
        version=$(sed -n 's/^JAVA_VERSION="\([0-9.]*\).*/\1/p' "$release" | sed 's/^1\.//' | cut -d. -f1)
        if [ -n "$version" ]; then
            echo "$version"
            return 0
        fi
    fi
    "$1" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9.]*\).*/\1/p' | sed 's/^1\.//' | cut -d. -f1
}

find_java() {
    for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then
            major=$(java_major "$candidate")
            if [ -n "$major" ] && [ "$major" -ge 21 ]; then
                echo "$candidate"
                return 0
            fi
        fi
    done
    best=""
    best_major=0
    for candidate in /usr/lib/jvm/*/bin/java; do
        [ -x "$candidate" ] || continue
        major=$(java_major "$candidate")
        if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
            best=$candidate
            best_major=$major
        fi
    done
    if [ -n "$best" ]; then
        echo "$best"
        return 0
    fi
    return 1
}

JAVA=$(find_java) || {
    echo "$(basename "$0"): no Java 21 or newer found (set JAVA_HOME, or install one under /usr/lib/jvm)" >&2
    exit 1
}
MAJOR=$(java_major "$JAVA")
