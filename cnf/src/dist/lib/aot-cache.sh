#!/bin/sh
# Makes lib/modftpd.aot, the JDK's ahead-of-time cache of the classes a launch loads, by checking
# the default configuration (bin/modftpd -t) once in a throw-away copy of this installation. Needs
# the JDK 25 or newer that bin/modftpd finds; with an older one it does nothing. The build runs it;
# run it again after changing the JDK (a cache made by another JDK is ignored, not harmful).
set -eu
MODFTPD_HOME=$(cd "$(dirname "$0")/.." && pwd)
. "$MODFTPD_HOME/lib/java.sh"
if [ "$MAJOR" -lt 25 ]; then
    echo "aot-cache: $JAVA is Java $MAJOR; the AOT cache needs 25 or newer: skipped"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/modftpd-aot.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -a "$MODFTPD_HOME" "$work/modftpd"
rm -f "$work/modftpd/lib/modftpd.aot"
rm -rf "$work/modftpd/var/felix-cache"
if JAVA_HOME="${JAVA%/bin/java}" JAVA_OPTS="-XX:AOTCacheOutput=$work/modftpd.aot" \
        "$work/modftpd/bin/modftpd" -t -c "$work/modftpd/etc/proftpd.conf" > "$work/training.out" 2>&1 \
        && [ -f "$work/modftpd.aot" ]; then
    mv "$work/modftpd.aot" "$MODFTPD_HOME/lib/modftpd.aot"
    echo "aot-cache: $MODFTPD_HOME/lib/modftpd.aot made with $JAVA"
else
    cat "$work/training.out" >&2
    echo "aot-cache: no cache made; the server starts without one" >&2
fi
