#!/usr/bin/env bash
# Installs what the benchmark needs: ProFTPD (proftpd-core) and iperf3 as packages, vsftpd and
# pure-ftpd unpacked from their .debs into bench/target/peers/ (they conflict with proftpd-core as
# packages). Idempotent: does nothing that is already done. Needs root (apt-get).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
peers="$here/target/peers"
mkdir -p "$peers/debs"

need=()
command -v proftpd >/dev/null 2>&1 || [ -x /usr/sbin/proftpd ] || need+=(proftpd-core)
command -v iperf3 >/dev/null 2>&1 || need+=(iperf3)

created_policy=0
if [ "${#need[@]}" -gt 0 ]; then
  # keep the packages' daemons from starting (exit 101 = action forbidden)
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  trap '[ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # iperf3 asks whether to start a daemon; answer no
  echo 'iperf3 iperf3/start_daemon boolean false' | debconf-set-selections 2>/dev/null || true
  had_ftp=0; getent passwd ftp >/dev/null && had_ftp=1
  apt-get install -y -qq --no-install-recommends "${need[@]}"
  # proftpd-core's postinst adds a system account "ftp" (shell /usr/sbin/nologin, home /srv/ftp
  # with a welcome.msg). The benchmark does not use it: leave the machine's accounts as they were.
  if [ "$had_ftp" = 0 ] && getent passwd ftp >/dev/null; then
    userdel ftp 2>/dev/null || true
    rm -f /srv/ftp/welcome.msg; rmdir /srv/ftp 2>/dev/null || true
  fi
fi

# vsftpd and pure-ftpd: download and unpack, run from the folder
for pkg in vsftpd pure-ftpd; do
  if [ ! -d "$peers/$pkg/usr/sbin" ]; then
    ( cd "$peers/debs" && ls ${pkg}_*.deb >/dev/null 2>&1 || { apt-get update -qq; apt-get download "$pkg"; } )
    deb="$(ls "$peers/debs/${pkg}"_*.deb | head -1)"
    rm -rf "$peers/$pkg"; mkdir -p "$peers/$pkg"
    dpkg -x "$deb" "$peers/$pkg"
  fi
done
# their shared-library dependencies (libcap2, libwrap0, libssl3, libsodium23, ...) must be present
for b in "$peers/vsftpd/usr/sbin/vsftpd" "$peers/pure-ftpd/usr/sbin/pure-ftpd"; do
  missing="$(ldd "$b" | awk '/not found/{print $1}')"
  if [ -n "$missing" ]; then
    echo "missing libraries for $b: $missing" >&2
    libs=()
    for l in $missing; do
      p="$(dpkg -S "$l" 2>/dev/null | head -1 | cut -d: -f1 || true)"
      case "$l" in libwrap.so*) p=libwrap0;; libsodium.so*) p=libsodium23;; libcap.so*) p=libcap2;; esac
      [ -n "$p" ] && libs+=("$p")
    done
    [ "${#libs[@]}" -gt 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${libs[@]}"
  fi
done

# a local account for the peers that need a real user (vsftpd, pure-ftpd with unix auth)
if ! id benchftp >/dev/null 2>&1; then
  useradd -M -d /nonexistent -s /bin/sh benchftp
fi
echo 'benchftp:benchpass' | chpasswd
# vsftpd checks the shell against /etc/shells
grep -qx /bin/sh /etc/shells || echo /bin/sh >> /etc/shells

echo "proftpd:  $(command -v proftpd || echo /usr/sbin/proftpd)"
echo "vsftpd:   $peers/vsftpd/usr/sbin/vsftpd"
echo "pure-ftpd: $peers/pure-ftpd/usr/sbin/pure-ftpd"
echo "iperf3:   $(command -v iperf3)"
