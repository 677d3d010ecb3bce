#!/usr/bin/env bash
# Logins per second against PostgreSQL: modftpd (mod_sql) and ProFTPD 1.3.8 (mod_sql_postgres), same
# database, same users, same machine, same client (LoginBench.java: N clients logging in and out in a
# loop). Reports, per server, the median of the runs: the login rate, the FTP server's CPU per login
# and PostgreSQL's CPU per login. Run on demand; not part of mvn verify.
#
#   bench/sql/run.sh [--no-build] [--runs 5] [--seconds 10] [--warmup 3] [--clients 32] [--scheme crypt|plaintext]
#
# Needs: the machine's PostgreSQL on 127.0.0.1:5432 with trust for user postgres, ProFTPD with
# mod_sql_postgres (apt-get install -y proftpd-core proftpd-mod-pgsql), openssl, a JDK 21+.
# It creates a database and role of its own and drops them at the end; it only stops what it started.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RUNS=5 MEASURE=10 WARMUP=3 CLIENTS=32 USERS=32 SCHEME=crypt BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) BUILD=0 ;;
        --runs) RUNS=$2; shift ;;
        --seconds) MEASURE=$2; shift ;;
        --warmup) WARMUP=$2; shift ;;
        --clients) CLIENTS=$2; shift ;;
        --scheme) SCHEME=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

find_java() {
    for j in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
        [ -x "$j" ] || continue
        v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
        if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$j"; return 0; fi
    done
    return 1
}
JAVA=$(find_java) || { echo "no JDK 21+ found" >&2; exit 1; }
command -v proftpd >/dev/null || { echo "proftpd is not installed (apt-get install -y proftpd-core proftpd-mod-pgsql)" >&2; exit 1; }
[ -f /usr/lib/proftpd/mod_sql_postgres.so ] || { echo "mod_sql_postgres is missing (apt-get install -y proftpd-mod-pgsql)" >&2; exit 1; }

if [ "$BUILD" = 1 ]; then
    (cd "$ROOT" && mvn -B -q install -DskipTests)
fi
DIST="$ROOT/cnf/target/modftpd"
[ -x "$DIST/bin/modftpd" ] || { echo "no distribution in $DIST (build first)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/modftpd-sqlbench.XXXXXX)
chmod 755 "$WORK"
NAME="sqlbench_$$_$RANDOM"
PSQL=(psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432)
MODFTPD_PID="" PROFTPD_PID=""

cleanup() {
    for pid in "$MODFTPD_PID" "$PROFTPD_PID"; do
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
    done
    "${PSQL[@]}" -U postgres -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '$NAME'" >/dev/null 2>&1 || true
    "${PSQL[@]}" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $NAME" >/dev/null 2>&1 || true
    "${PSQL[@]}" -U postgres -d postgres -c "DROP ROLE IF EXISTS $NAME" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() {
    for _ in $(seq 1 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2
    return 1
}

# ------------------------------------------------------------------ the database and its users
PASSWORD=bench-pw
case "$SCHEME" in
    crypt) STORED=$(openssl passwd -6 -salt benchsalt "$PASSWORD"); AUTHTYPE=Crypt ;;
    plaintext) STORED=$PASSWORD; AUTHTYPE=Plaintext ;;
    *) echo "unknown scheme $SCHEME" >&2; exit 2 ;;
esac
"${PSQL[@]}" -U postgres -d postgres -c "CREATE ROLE $NAME LOGIN PASSWORD 'db-pw'"
"${PSQL[@]}" -U postgres -d postgres -c "CREATE DATABASE $NAME OWNER $NAME"
"${PSQL[@]}" -U "$NAME" -d "$NAME" -f "$ROOT/mod_sql.bundle/schema/postgres.sql"
mkdir -p "$WORK/home"
for i in $(seq 0 $((USERS - 1))); do
    mkdir -p "$WORK/home/bench$i"
    chmod 777 "$WORK/home/bench$i"
done
"${PSQL[@]}" -U "$NAME" -d "$NAME" -v stored="$STORED" -v home="$WORK/home" -v users="$USERS" <<'SQL'
INSERT INTO users (userid, passwd, uid, gid, homedir, shell)
  SELECT 'bench' || i, :'stored', 3000 + i, 3000, :'home' || '/bench' || i, '/bin/sh'
  FROM generate_series(0, :users - 1) AS i;
INSERT INTO groups (groupname, gid, members)
  SELECT 'benchers', 3000, string_agg('bench' || i, ',') FROM generate_series(0, :users - 1) AS i;
SQL

SQLCONF="SQLBackend postgres
SQLConnectInfo $NAME@127.0.0.1:5432 $NAME db-pw
SQLAuthTypes $AUTHTYPE
SQLUserInfo users userid passwd uid gid homedir shell
SQLGroupInfo groups groupname gid members
SQLMinID 1000"

# ------------------------------------------------------------------ modftpd
MPORT=$(free_port)
cp -r "$DIST" "$WORK/modftpd"
cat > "$WORK/modftpd.conf" <<EOF
ServerName "bench"
ServerType standalone
Port $MPORT
DefaultAddress 127.0.0.1
SocketBindTight on
TransferLog none
SystemLog $WORK/modftpd-system.log
AuthOrder mod_sql.c
DefaultRoot ~
MaxInstances 1000
$SQLCONF
EOF
"$WORK/modftpd/bin/modftpd" -n -q -c "$WORK/modftpd.conf" > "$WORK/modftpd.out" 2>&1 &
MODFTPD_PID=$!

# ------------------------------------------------------------------ ProFTPD
PPORT=$(free_port)
cat > "$WORK/proftpd.conf" <<EOF
ServerName "bench"
ServerType standalone
DefaultServer on
Port $PPORT
DefaultAddress 127.0.0.1
SocketBindTight on
UseIPv6 off
User nobody
Group nogroup
PidFile $WORK/proftpd.pid
ScoreboardFile $WORK/proftpd.scoreboard
SystemLog $WORK/proftpd-system.log
TransferLog none
WtmpLog off
UseReverseDNS off
RequireValidShell off
UseFtpUsers off
MaxInstances 1000
TimeoutLinger 1
DefaultRoot ~
ModulePath /usr/lib/proftpd
LoadModule mod_sql.c
LoadModule mod_sql_postgres.c
<IfModule mod_delay.c>
  DelayEngine off
</IfModule>
<IfModule mod_ctrls.c>
  ControlsEngine off
</IfModule>
AuthOrder mod_sql.c
$SQLCONF
EOF
proftpd -t -c "$WORK/proftpd.conf" > /dev/null 2>&1 || { proftpd -t -c "$WORK/proftpd.conf"; exit 1; }
proftpd -n -c "$WORK/proftpd.conf" > "$WORK/proftpd.out" 2>&1 &
PROFTPD_PID=$!

wait_port "$MPORT"
wait_port "$PPORT"

# ------------------------------------------------------------------ measuring
TICKS=$(getconf CLK_TCK)
POSTMASTER=$(head -1 "$(psql -h 127.0.0.1 -U postgres -Atc 'SHOW data_directory')/postmaster.pid")

# CPU ticks of a process, its reaped children included (ProFTPD's sessions are reaped children)
ticks_of() {
    awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# PostgreSQL's CPU ticks: the postmaster with its reaped backends, plus the backends still alive
pg_ticks() {
    local total
    total=$(ticks_of "$POSTMASTER")
    for child in $(pgrep -P "$POSTMASTER"); do
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$child/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

measure() { # server pid port -> "rate ftpd_ms_per_login pg_ms_per_login"
    local pid=$1 port=$2 before pgbefore out after pgafter logins rate
    before=$(ticks_of "$pid")
    pgbefore=$(pg_ticks)
    out=$("$JAVA" "$HERE/LoginBench.java" 127.0.0.1 "$port" bench "$USERS" "$PASSWORD" "$CLIENTS" "$WARMUP" "$MEASURE")
    after=$(ticks_of "$pid")
    pgafter=$(pg_ticks)
    logins=$(sed -n 's/.*logins=\([0-9]*\).*/\1/p' <<<"$out")
    rate=$(sed -n 's/.*rate=\([0-9.]*\).*/\1/p' <<<"$out")
    # the CPU window includes the warm-up: scale it to the logins of the whole run
    local all result
    all=$(awk -v l="$logins" -v w="$WARMUP" -v m="$MEASURE" 'BEGIN { printf "%d", l * (w + m) / m }')
    result="$rate $(awk -v t=$((after - before)) -v k="$TICKS" -v n="$all" 'BEGIN { printf "%.3f", t * 1000 / k / n }') $(awk -v t=$((pgafter - pgbefore)) -v k="$TICKS" -v n="$all" 'BEGIN { printf "%.3f", t * 1000 / k / n }')"
    echo "  $result  ($out)" >&2
    echo "$result"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "bench: $CLIENTS clients, $USERS users, $SCHEME passwords, $RUNS runs of ${MEASURE}s (+${WARMUP}s warm-up), $(nproc) CPUs" >&2
: > "$WORK/modftpd.runs"
: > "$WORK/proftpd.runs"
for run in $(seq 1 "$RUNS"); do
    echo "run $run: modftpd" >&2
    measure "$MODFTPD_PID" "$MPORT" >> "$WORK/modftpd.runs"
    echo "run $run: proftpd" >&2
    measure "$PROFTPD_PID" "$PPORT" >> "$WORK/proftpd.runs"
done

report() { # name file
    local rate cpu pg
    rate=$(awk '{ print $1 }' "$2" | median)
    cpu=$(awk '{ print $2 }' "$2" | median)
    pg=$(awk '{ print $3 }' "$2" | median)
    printf "%-28s %10s %18s %22s\n" "$1" "$rate" "$cpu" "$pg"
}
printf "%-28s %10s %18s %22s\n" "server (median of $RUNS)" "logins/s" "server CPU ms/login" "PostgreSQL CPU ms/login"
report "modftpd + mod_sql" "$WORK/modftpd.runs"
report "ProFTPD 1.3.8 + mod_sql_postgres" "$WORK/proftpd.runs"
M=$(awk '{ print $1 }' "$WORK/modftpd.runs" | median)
P=$(awk '{ print $1 }' "$WORK/proftpd.runs" | median)
awk -v m="$M" -v p="$P" 'BEGIN { printf "ratio modftpd/ProFTPD: %.2fx\n", m / p }'
