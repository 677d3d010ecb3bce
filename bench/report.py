#!/usr/bin/env python3
"""Aggregates bench/run.sh's raw.jsonl into results.json and results.md (median, min-max, ratios)."""
import json, os, statistics, sys, platform, subprocess, datetime

raw, out = sys.argv[1], sys.argv[2]
quick = len(sys.argv) > 4 and sys.argv[4] == "1"
rows = [json.loads(l) for l in open(raw) if l.strip()]
SERVERS = ["modftpd", "proftpd", "vsftpd", "pure-ftpd"]
PEERS = SERVERS[1:]

# metric: (workload, field, label, higher_is_better, cpu field, cpu label)
METRICS = [
    ("W1", "value", "W1 RETR MB/s", True, "server_cpu_us_per_op", "server CPU ms/GiB", 1e-3),
    ("W2", "value", "W2 STOR MB/s", True, "server_cpu_us_per_op", "server CPU ms/GiB", 1e-3),
    ("W3", "value", "W3 sessions/s", True, "window_server_cpu_us_per_session", "server CPU µs/session", 1),
    ("W3", "login_p50_ms", "W3 login p50 ms", False, None, None, 1),
    ("W3", "login_p99_ms", "W3 login p99 ms", False, None, None, 1),
    ("W4", "value", "W4 4 KiB files/s", True, "window_server_cpu_us_per_file", "server CPU µs/file", 1),
    ("W5", "list_ms", "W5 LIST 10k ms", False, "list_server_cpu_ms_per_op", "server CPU ms/LIST", 1),
    ("W5", "mlsd_ms", "W5 MLSD 10k ms", False, "mlsd_server_cpu_ms_per_op", "server CPU ms/MLSD", 1),
]
for n in sorted({r["workload"][3:] for r in rows if r["workload"].startswith("W6-")}, key=int):
    METRICS.append((f"W6-{n}", "value", f"W6 {n} idle sessions KiB/session", False, None, None, 1))
METRICS.append(("W7", "value", "W7 launch to 220 ms", False, None, None, 1))


def vals(server, wl, field):
    v = [r.get(field) for r in rows if r.get("server") == server and r.get("workload") == wl]
    return [x for x in v if isinstance(x, (int, float)) and x >= 0]


def fmt(x):
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


result = {"date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), "quick": quick,
          "machine": f"{os.cpu_count()} cores, {platform.machine()}, kernel {platform.release()}",
          "metrics": [], "w0": None, "errors": []}
w0 = [r["value"] for r in rows if r.get("workload") == "W0" and isinstance(r.get("value"), (int, float))]
if w0:
    result["w0"] = {"median": statistics.median(w0), "min": min(w0), "max": max(w0), "n": len(w0)}
for r in rows:
    if r.get("errors") or r.get("first_error") or r.get("error"):
        result["errors"].append({k: r.get(k) for k in ("server", "workload", "run", "errors", "first_error", "error", "sessions_open", "noop_ok")})
loads = [r.get("loadavg_before") for r in rows if r.get("loadavg_before")]
result["load_range"] = [min(float(l.split()[0]) for l in loads), max(float(l.split()[0]) for l in loads)] if loads else None

for wl, field, label, hib, cpuf, cpul, cpuscale in METRICS:
    m = {"workload": wl, "label": label, "higher_is_better": hib, "servers": {}}
    for s in SERVERS:
        v = vals(s, wl, field)
        if not v:
            uns = [r.get(field.replace("_ms", "_unsupported")) for r in rows if r.get("server") == s and r.get("workload") == wl]
            if any(uns):
                m["servers"][s] = {"unsupported": next(u for u in uns if u)}
            continue
        e = {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}
        if cpuf:
            c = vals(s, wl, cpuf)
            if c:
                e["server_cpu"] = statistics.median(c) * cpuscale
                e["server_cpu_unit"] = cpul
        if wl.startswith("W6"):
            e["sessions_open_min"] = min(vals(s, wl, "sessions_open") or [0])
            e["errors_max"] = max(vals(s, wl, "errors") or [0])
        if wl in ("W3", "W4") and field == "value":
            cc = vals(s, wl, "window_client_cpu_us_per_session" if wl == "W3" else "window_client_cpu_us_per_file")
            if cc:
                e["client_cpu_us_per_op"] = statistics.median(cc)
        if wl in ("W1", "W2") and field == "value":
            cc = vals(s, wl, "client_cpu_us_per_op")
            if cc:
                e["client_cpu_ms_per_gib"] = statistics.median(cc) * 1e-3
        m["servers"][s] = e
    mod = m["servers"].get("modftpd")
    if mod and "median" in mod:
        m["ratio_modftpd_to"] = {p: mod["median"] / m["servers"][p]["median"]
                                 for p in PEERS if p in m["servers"] and m["servers"][p].get("median")}
    result["metrics"].append(m)

with open(os.path.join(out, "results.json"), "w") as f:
    json.dump(result, f, indent=1)

L = []
L.append(f"Measured {result['date']} on {result['machine']}; {'quick mode' if quick else 'full mode'}; "
         f"load average (1 min) at run starts {result['load_range'][0]:.2f}–{result['load_range'][1]:.2f}." if result["load_range"] else "")
if result["w0"]:
    w = result["w0"]
    L.append(f"\nW0 ceiling, iperf3 single stream on loopback: **{fmt(w['median'])} MB/s** ({fmt(w['min'])}–{fmt(w['max'])}, {w['n']} runs).\n")
present = [s for s in SERVERS if any(s in m["servers"] for m in result["metrics"])]
hdr = "| workload | " + " | ".join(present) + " | " + " | ".join(f"modftpd ÷ {p}" for p in present if p != "modftpd") + " |"
L.append(hdr)
L.append("|" + "---|" * (1 + len(present) + len([p for p in present if p != "modftpd"])))
for m in result["metrics"]:
    cells = []
    for s in present:
        e = m["servers"].get(s)
        if not e:
            cells.append("–")
            continue
        if "unsupported" in e:
            cells.append("not supported (`" + e["unsupported"] + "`)")
            continue
        c = f"**{fmt(e['median'])}** ({fmt(e['min'])}–{fmt(e['max'])})"
        if "server_cpu" in e:
            c += f"<br>{fmt(e['server_cpu'])} {e['server_cpu_unit']}"
        if "errors_max" in e and (e["errors_max"] or e["sessions_open_min"] < int(m["workload"][3:])):
            c += f"<br>open ≥ {e['sessions_open_min']}, errors ≤ {e['errors_max']}"
        cells.append(c)
    ratios = [fmt(m.get("ratio_modftpd_to", {}).get(p)) + "×" if m.get("ratio_modftpd_to", {}).get(p) else "–"
              for p in present if p != "modftpd"]
    L.append(f"| {m['label']} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
L.append("\nCells: **median** (min–max) over the runs; the second line is the server's CPU time per operation "
         "(user+system of the server process and all its children, from /proc). Ratios are modftpd's median ÷ the peer's "
         "(for times and memory, lower is better).")
cc = [(s, m["workload"], m["servers"][s].get("client_cpu_us_per_op")) for m in result["metrics"] for s in m["servers"]
      if m["servers"][s].get("client_cpu_us_per_op")]
if cc:
    L.append("\nClient CPU per operation (µs): " + "; ".join(f"{s} {w} {fmt(v)}" for s, w, v in cc) + ".")
cg = [(s, m["workload"], m["servers"][s].get("client_cpu_ms_per_gib")) for m in result["metrics"] for s in m["servers"]
      if m["servers"][s].get("client_cpu_ms_per_gib")]
if cg:
    L.append("\nClient CPU per GiB (ms): " + "; ".join(f"{s} {w} {fmt(v)}" for s, w, v in cg) + ".")
warm = [r for r in rows if r.get("workload") in ("W3-warmup", "W4-warmup") and isinstance(r.get("value"), (int, float))]
if warm:
    result["warmup"] = [{k: r.get(k) for k in ("server", "workload", "value", "unit", "window_server_cpu_us_per_session",
                                               "window_server_cpu_us_per_file")} for r in warm]
    def warm_cell(r):
        cpu = r.get("window_server_cpu_us_per_session") or r.get("window_server_cpu_us_per_file")
        return f"{r['server']} {r['workload'][:2]} {fmt(r['value'])} {r.get('unit', '')}" + (f" ({fmt(cpu)} µs CPU)" if cpu else "")
    L.append("\nRun 0 of W3 and W4, not counted above (each server's first run of that load: 20 s, 5 s with --quick): "
             + "; ".join(warm_cell(r) for r in warm) + ".")
if result["errors"]:
    L.append("\nRuns with errors:\n")
    for e in result["errors"][:40]:
        L.append("- " + json.dumps(e))
with open(os.path.join(out, "results.md"), "w") as f:
    f.write("\n".join(L) + "\n")
print("\n".join(L))
