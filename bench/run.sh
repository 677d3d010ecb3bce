#!/usr/bin/env bash
# Runs the benchmark: modftpd and the peers (ProFTPD, vsftpd, pure-ftpd) one after the other on
# loopback with equivalent configs, workloads W0-W7, results as JSON and Markdown.
#
#   bench/setup.sh                 # once, as root: peers and iperf3
#   bench/run.sh [--quick] [--runs N] [--servers "modftpd proftpd vsftpd pure-ftpd"]
#                [--workloads "W0 W1 W2 W3 W4 W5 W6 W7"] [--no-build] [--keep-data]
# (--keep-data leaves the tmpfs with the test files mounted under bench/target/root for the next run)
#
# Results: bench/target/results/<stamp>/{raw.jsonl,results.json,results.md}; the last run is
# copied to bench/results/latest.{json,md}. Needs root (tmpfs mount, peers that switch user).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
T="$here/target"
JDK=/usr/lib/jvm/temurin-25-jdk-amd64
[ -x "$JDK/bin/java" ] || JDK="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"

quick=0; runs=""; build=1; keep=0
servers="modftpd proftpd vsftpd pure-ftpd"
workloads="W0 W1 W2 W3 W4 W5 W6 W7"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --runs) runs="$2"; shift ;;
    --servers) servers="$2"; shift ;;
    --workloads) workloads="$2"; shift ;;
    --no-build) build=0 ;;
    --keep-data) keep=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then
  runs="${runs:-2}"; BIG=$((256 << 20)); DUR=2000; WARM=500; WARM0=5000; W6N="500 2000"; W5IT=3; W5IT0=10
else
  runs="${runs:-5}"; BIG=$((1 << 30)); DUR=5000; WARM=1000; WARM0=20000; W6N="2000 10000"; W5IT=5; W5IT0=40
fi
# W6 with 10,000 forked sessions takes minutes per run on the peers: fewer runs by default
W6RUNS="${W6RUNS:-$([ "$quick" = 1 ] && echo 1 || echo 3)}"; W6BIG_RUNS="${W6BIG_RUNS:-$([ "$quick" = 1 ] && echo 1 || echo 2)}"

ulimit -n "$(ulimit -Hn)" || true
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$T/results/$stamp"
mkdir -p "$out" "$T/conf" "$T/logs"
raw="$out/raw.jsonl"
log() { echo "[$(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)] $*" | tee -a "$out/run.log" >&2; }

# ------------------------------------------------------------------ build
if [ "$build" = 1 ] || [ ! -x "$repo/cnf/target/modftpd/bin/modftpd" ]; then
  log "building modftpd (mvn -q -DskipTests package)"
  (cd "$repo" && mvn -q -B -DskipTests package)
fi
mkdir -p "$T/client"
"$JDK/bin/javac" -d "$T/client" "$here/client/FtpBench.java"
client() { "$JDK/bin/java" -Xss512k -XX:+UseSerialGC -cp "$T/client" FtpBench "$@"; }

# ------------------------------------------------------------------ tmpfs root and test data
ROOT="$T/root"
mkdir -p "$ROOT"
if ! mountpoint -q "$ROOT"; then
  mount -t tmpfs -o size=6g,mode=755 benchtmpfs "$ROOT" || { log "tmpfs mount failed, using /dev/shm"; ROOT=/dev/shm/modftpd-bench; mkdir -p "$ROOT"; }
fi
HOME_DIR="$ROOT/home"
mkdir -p "$HOME_DIR/small" "$HOME_DIR/dir10k"
if [ "$(stat -c %s "$HOME_DIR/big.bin" 2>/dev/null || echo 0)" != "$BIG" ]; then
  head -c "$BIG" /dev/urandom > "$HOME_DIR/big.bin"
fi
if [ ! -f "$HOME_DIR/small/f00999" ]; then
  head -c $((4096 * 1000)) /dev/urandom | split -b 4096 -a 5 -d - "$HOME_DIR/small/f"
fi
if [ ! -f "$HOME_DIR/dir10k/entry-09999" ]; then
  (cd "$HOME_DIR/dir10k" && seq -f 'entry-%05g' 0 9999 | xargs touch)
fi
id benchftp >/dev/null 2>&1 || { echo "run bench/setup.sh first (no user benchftp)" >&2; exit 1; }
usermod -d "$HOME_DIR" benchftp 2>/dev/null || true
chown -R benchftp:benchftp "$HOME_DIR"
# the same SHA-512 crypt as the virtual user's, so no server pays for a costlier hash (yescrypt)
usermod -p "$(openssl passwd -6 benchpass)" benchftp
BUID=$(id -u benchftp); BGID=$(id -g benchftp)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# passive range below the ephemeral range, so the client's own ports never take one; wide, because
# pure-ftpd caps its clients at half the range and W4 leaves many data ports in TIME_WAIT
PASV_LO=10000; PASV_HI=32000

# ------------------------------------------------------------------ configs
HASH="$(openssl passwd -6 benchpass)"
printf 'bench:%s:%s:%s::%s:/bin/sh\n' "$HASH" "$BUID" "$BGID" "$HOME_DIR" > "$T/conf/ftpd.passwd"
printf 'bench:x:%s:\n' "$BGID" > "$T/conf/ftpd.group"
chmod 600 "$T/conf/ftpd.passwd" "$T/conf/ftpd.group"

write_conf() { # server port
  local s="$1" p="$2"
  case "$s" in
    modftpd)
      cat > "$T/conf/modftpd.conf" <<EOF
ServerName              "bench"
ServerType              standalone
DefaultServer           on
Port                    $p
DefaultAddress          127.0.0.1
SocketBindTight         on
UseIPv6                 off
UseReverseDNS           off
PassivePorts            $PASV_LO $PASV_HI
MaxInstances            20000
TimeoutIdle             3600
SystemLog               "$T/logs/modftpd.log"
AuthOrder               mod_auth_file.c
AuthUserFile            "$T/conf/ftpd.passwd"
AuthGroupFile           "$T/conf/ftpd.group"
DefaultRoot             ~
AllowOverwrite          on
UseSendfile             ${MODFTPD_SENDFILE:-on}
EOF
      ;;
    proftpd)
      mkdir -p "$T/proftpd"
      cat > "$T/conf/proftpd.conf" <<EOF
ServerName              "bench"
ServerType              standalone
DefaultServer           on
Port                    $p
DefaultAddress          127.0.0.1
SocketBindTight         on
UseIPv6                 off
User                    benchftp
Group                   benchftp
PidFile                 $T/proftpd/proftpd.pid
ScoreboardFile          $T/proftpd/proftpd.scoreboard
DelayTable              $T/proftpd/proftpd.delay
SystemLog               $T/logs/proftpd.log
WtmpLog                 off
UseReverseDNS           off
<IfModule mod_ident.c>
  IdentLookups          off
</IfModule>
<IfModule mod_delay.c>
  DelayEngine           off
</IfModule>
<IfModule mod_ctrls.c>
  ControlsEngine        off
</IfModule>
PassivePorts            $PASV_LO $PASV_HI
MaxInstances            20000
TimeoutIdle             3600
AuthOrder               mod_auth_file.c
AuthUserFile            $T/conf/ftpd.passwd
AuthGroupFile           $T/conf/ftpd.group
RequireValidShell       off
DefaultRoot             ~
AllowOverwrite          on
UseSendfile             on
EOF
      ;;
    vsftpd)
      mkdir -p "$T/vsftpd/empty"
      cat > "$T/conf/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$p
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=YES
allow_writeable_chroot=YES
local_root=$HOME_DIR
pasv_enable=YES
pasv_min_port=$PASV_LO
pasv_max_port=$PASV_HI
max_clients=0
max_per_ip=0
secure_chroot_dir=$T/vsftpd/empty
pam_service_name=benchftp-vsftpd
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
xferlog_enable=NO
dirmessage_enable=NO
use_sendfile=YES
idle_session_timeout=3600
data_connection_timeout=600
ftpd_banner=bench
EOF
      ;;
  esac
}

server_cmd() { # server port -> prints the command, one word per line
  local s="$1" p="$2"
  case "$s" in
    modftpd) printf '%s\n' "$repo/cnf/target/modftpd/bin/modftpd" -n -q -c "$T/conf/modftpd.conf" ;;
    proftpd) printf '%s\n' /usr/sbin/proftpd -n -q -c "$T/conf/proftpd.conf" ;;
    vsftpd)  printf '%s\n' "$T/peers/vsftpd/usr/sbin/vsftpd" "$T/conf/vsftpd.conf" ;;
    pure-ftpd) printf '%s\n' "$T/peers/pure-ftpd/usr/sbin/pure-ftpd" -S "127.0.0.1,$p" -p "$PASV_LO:$PASV_HI" \
        -H -A -E -l unix -c 11000 -C 11000 -L 20000:5 -I 60 -f none -g "$T/pure-ftpd.pid" -U 133:022 ;;
  esac
}

SPID=""
start_server() { # server port -> SPID
  local s="$1" p="$2"; local -a cmd
  mapfile -t cmd < <(server_cmd "$s" "$p")
  "${cmd[@]}" > "$T/logs/$s.out" 2>&1 < /dev/null &
  SPID=$!
  STARTED+=("$SPID")
  for _ in $(seq 1 300); do # 30 s at most
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then return 0; fi
    kill -0 "$SPID" 2>/dev/null || { log "$s exited"; cat "$T/logs/$s.out" >&2; return 1; }
    sleep 0.1
  done
  log "$s did not listen on $p"; return 1
}

descendants() { local k; for k in $(pgrep -P "$1" || true); do echo "$k"; descendants "$k"; done; }
STARTED=()
stop_pid() { # pid: SIGTERM, then SIGKILL of the PID and the descendants it had
  local pid="$1"
  [ -n "$pid" ] || return 0
  local kids; kids="$(descendants "$pid")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  for k in $kids; do kill -KILL "$k" 2>/dev/null || true; done
  wait "$pid" 2>/dev/null || true
}
stop_server() { stop_pid "$SPID"; SPID=""; }
cleanup() { local p; for p in "${STARTED[@]}"; do kill -0 "$p" 2>/dev/null && stop_pid "$p"; done; if [ "$keep" = 0 ] && mountpoint -q "$T/root"; then umount "$T/root" || true; fi; }
trap cleanup EXIT

record() { # server workload run json...
  local s="$1" w="$2" r="$3"; shift 3
  local line="$*"
  [ -n "$line" ] || line='{"error": "no output"}'
  echo "$line" | jq -c --arg s "$s" --arg r "$r" --arg w "$w" '. + {server: $s, run: ($r|tonumber), workload: $w}' >> "$raw"
  log "$s $w run $r: $(echo "$line" | jq -c '{value, unit, errors, first_error}' 2>/dev/null || echo "$line")"
}

# ------------------------------------------------------------------ W0: iperf3
if [[ " $workloads " == *" W0 "* ]]; then
  for r in $(seq 1 "$runs"); do
    p=$(free_port)
    iperf3 -s -1 -B 127.0.0.1 -p "$p" > /dev/null 2>&1 &
    ip=$!
    sleep 0.5
    res=$(timeout 30 iperf3 -c 127.0.0.1 -p "$p" -t $((DUR / 1000)) -J 2>/dev/null \
      | jq -c --arg la "$(cut -d' ' -f1-3 /proc/loadavg)" '{value: (.end.sum_received.bits_per_second / 8 / 1e6), unit: "MB/s", loadavg_before: $la}' || echo '{"error":"iperf3 failed"}')
    kill "$ip" 2>/dev/null || true; wait "$ip" 2>/dev/null || true
    record iperf3 W0 "$r" "$res"
  done
fi

# ------------------------------------------------------------------ W1-W5: all servers, interleaved
# Every server is started once and left running (idle) while the others are measured; each run of
# a workload goes through the servers in turn, starting one server later each run, so a slow spell
# of the machine (other guests, the host reclaiming memory) falls on every server alike instead of
# on whichever server's block it happened in.
available() { # server -> 0 when it can be run here
  case "$1" in
    proftpd) [ -x /usr/sbin/proftpd ] || { log "skip proftpd (not installed)"; return 1; } ;;
    vsftpd|pure-ftpd) [ -x "$T/peers/$1/usr/sbin/$1" ] || { log "skip $1 (run bench/setup.sh)"; return 1; } ;;
  esac
  return 0
}
user_of() { case "$1" in modftpd|proftpd) echo bench ;; *) echo benchftp ;; esac; }
declare -A PORT SERVER_PID
present=()
for s in $servers; do
  available "$s" || continue
  present+=("$s")
  PORT[$s]=$(free_port)
done
if [[ "$workloads" =~ W[1-5] ]]; then
  running=()
  for s in "${present[@]}"; do
    write_conf "$s" "${PORT[$s]}"
    log "starting $s on 127.0.0.1:${PORT[$s]}"
    start_server "$s" "${PORT[$s]}" || continue
    SERVER_PID[$s]="$SPID"; SPID=""
    running+=("$s")
  done
  n=${#running[@]}
  for w in W1 W2 W3 W4 W5; do
    [[ " $workloads " == *" $w "* ]] || continue
    # Every workload begins with one run per server that is not counted (run 0); without it a
    # JIT-compiled server paid its compilations inside its first counted runs: the login's SHA-512
    # crypt in W1/W2 (~35 ms CPU), in W5 the listing code, which nothing before W5 runs (~0.9 s of C2
    # compilation over its first ~24 listings, still going on in the counted runs after a run 0 of
    # 6), and in W4 the PASV/RETR path, whose compilations go on for ~25 s of load (1-1.5 s of
    # compilation per 5 s run). Run 0 of W3 and W4 lasts WARM0 ms, its figures kept in raw.jsonl as
    # W3-warmup/W4-warmup (the server as it is at first); run 0 of W5 lists W5IT0 + 1 times each.
    for r in $(seq 0 "$runs"); do
      for i in $(seq 0 $((n - 1))); do
        s="${running[$(( (i + r + n - 1) % n ))]}"
        common_pid=(--port "${PORT[$s]}" --user "$(user_of "$s")" --pass benchpass --pid "${SERVER_PID[$s]}")
        dur="$DUR"; w5it="$W5IT"; [ "$r" = 0 ] && { dur="$WARM0"; w5it="$W5IT0"; }
        case "$w" in
          W1) res=$(client W1 "${common_pid[@]}" --size "$BIG" 2>>"$out/client.err" || true) ;;
          W2) res=$(client W2 "${common_pid[@]}" --size "$BIG" --file "upload-$s.bin" 2>>"$out/client.err" || true) ;;
          W3) res=$(client W3 "${common_pid[@]}" --duration-ms "$dur" --warmup-ms "$WARM" 2>>"$out/client.err" || true) ;;
          W4) res=$(client W4 "${common_pid[@]}" --duration-ms "$dur" --warmup-ms "$WARM" 2>>"$out/client.err" || true) ;;
          W5) res=$(client W5 "${common_pid[@]}" --iterations "$w5it" 2>>"$out/client.err" || true) ;;
        esac
        if [ "$r" -ge 1 ]; then record "$s" "$w" "$r" "$res"
        elif [ "$w" = W3 ] || [ "$w" = W4 ]; then record "$s" "$w-warmup" 0 "$res"
        else log "$s $w warm-up: $(echo "$res" | jq -c '{value, unit}' 2>/dev/null || echo "$res")"; fi
      done
    done
  done
  for s in "${running[@]}"; do stop_pid "${SERVER_PID[$s]}"; done
fi

# ------------------------------------------------------------------ W6-W7 per server
for s in "${present[@]}"; do
  port="${PORT[$s]}"
  write_conf "$s" "$port"
  common=(--port "$port" --user "$(user_of "$s")" --pass benchpass)
  if [[ " $workloads " == *" W6 "* ]]; then
      # every W6 run against a freshly started server, so the baseline is the idle server (a JVM
      # whose heap grew during W1-W5 would otherwise hide the sessions' memory)
      for n in $W6N; do
        nr="$W6RUNS"; [ "$n" -ge 10000 ] && nr="$W6BIG_RUNS"
        for r in $(seq 1 "$nr"); do
          start_server "$s" "$port" || break
          sleep 2
          res=$(timeout 600 "$JDK/bin/java" -Xss256k -cp "$T/client" FtpBench W6 "${common[@]}" --pid "$SPID" --sessions "$n" --parallel 32 2>>"$out/client.err" || true)
          record "$s" "W6-$n" "$r" "$res"
          stop_server
          sleep 1
        done
      done
  fi
  if [[ " $workloads " == *" W7 "* ]]; then
    mapfile -t cmd < <(server_cmd "$s" "$port")
    joined="$(printf '%s\001' "${cmd[@]}")"; joined="${joined%$'\001'}"
    for r in $(seq 1 "$runs"); do
      res=$(client W7 --port "$port" --cmd "$joined" --log "$T/logs/$s.w7.out" 2>>"$out/client.err" || true)
      record "$s" W7 "$r" "$res"
      sleep 1
    done
  fi
done

python3 "$here/report.py" "$raw" "$out" --quick "$quick"
mkdir -p "$here/results"
cp "$out/results.json" "$here/results/latest.json"
cp "$out/results.md" "$here/results/latest.md"
log "results: $out/results.md (copied to bench/results/latest.md)"
