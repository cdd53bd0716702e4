#include "conv/balancer/admin/status_page.hpp"

namespace conv::balancer {

namespace {

// The page, its style and its script are three responses: the admin API's
// Content-Security-Policy allows scripts and styles from the API itself only ('self'), and
// no inline ones, so that nothing injected into the page could run.
constexpr std::string_view kPage = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>conv balancer</title>
<link rel="stylesheet" href="/status.css">
</head>
<body>
<header>
  <h1>conv balancer</h1>
  <span class="meta">policy <b id="policy">…</b></span>
  <span class="meta">available <b id="available">…</b></span>
  <span class="meta">reloads <b id="reloads">…</b></span>
  <span class="meta">updated <b id="updated">never</b></span>
</header>
<main>
  <table>
    <thead><tr>
      <th>Upstream</th><th>Address</th><th>State</th><th>Weight</th><th>In flight</th>
      <th>Share of traffic</th><th>Req/s</th><th>Latency</th><th>Errors</th>
      <th>Last health check</th>
    </tr></thead>
    <tbody id="rows"><tr><td colspan="10">Loading /status…</td></tr></tbody>
  </table>
  <div id="error"></div>
  <h2>Last 5 minutes</h2>
  <div id="trends" class="trends">Loading /history…</div>
</main>
<footer>Refreshes every second from <code>/status</code> and <code>/history</code>. Share, rates and latency in the table cover the last 10 s; the charts, each second of the last 5 minutes (newest on the right, each scaled to its own maximum).</footer>
<script src="/status.js"></script>
</body>
</html>
)HTML";

constexpr std::string_view kStyle =
    R"CSS(  :root { --fg:#1d2330; --muted:#6b7385; --line:#e3e6ec; --bg:#f7f8fa; --card:#fff;
          --up:#1f9d55; --warn:#d98e04; --down:#d64545; --off:#8a93a6; --bar:#3b82f6; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
         color:var(--fg); background:var(--bg); }
  header { display:flex; align-items:baseline; gap:1.5em; padding:16px 24px;
           background:var(--card); border-bottom:1px solid var(--line); flex-wrap:wrap; }
  h1 { font-size:18px; margin:0; }
  .meta { color:var(--muted); }
  .meta b { color:var(--fg); font-weight:600; }
  main { padding:20px 24px; }
  table { width:100%; border-collapse:collapse; background:var(--card);
          border:1px solid var(--line); border-radius:6px; overflow:hidden; }
  th, td { padding:9px 12px; text-align:left; border-bottom:1px solid var(--line);
           white-space:nowrap; }
  th { font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted);
       background:#fafbfc; }
  td.num { text-align:right; font-variant-numeric:tabular-nums; }
  tr:last-child td { border-bottom:none; }
  .state { display:inline-block; padding:2px 9px; border-radius:10px; color:#fff;
           font-size:12px; font-weight:600; }
  .s-up { background:var(--up); }
  .s-draining, .s-drained, .s-cooling, .s-ejected { background:var(--warn); }
  .s-down, .s-unresolved { background:var(--down); }
  .s-disabled { background:var(--off); }
  .share { display:flex; align-items:center; gap:8px; min-width:160px; }
  .share .track { flex:1; height:8px; background:#eef1f5; border-radius:4px; overflow:hidden; }
  .share .fill { height:100%; background:var(--bar); }
  .check { color:var(--muted); max-width:320px; overflow:hidden; text-overflow:ellipsis; }
  #error { color:var(--down); margin-top:12px; }
  h2 { font-size:15px; margin:22px 0 10px; }
  .trends { display:grid; grid-template-columns:repeat(auto-fill, minmax(300px, 1fr)); gap:12px; }
  .card { background:var(--card); border:1px solid var(--line); border-radius:6px;
          padding:10px 12px; }
  .card h3 { font-size:13px; margin:0 0 6px; }
  .chart { margin:4px 0; }
  .chart .label { display:flex; justify-content:space-between; font-size:12px;
                  color:var(--muted); }
  .chart .label b { color:var(--fg); font-weight:600; font-variant-numeric:tabular-nums; }
  .chart svg { display:block; width:100%; height:36px; background:#fafbfc;
               border-radius:3px; }
  .chart path { fill:none; stroke-width:1.5; vector-effect:non-scaling-stroke; }
  path.rps { stroke:var(--bar); }
  path.p50 { stroke:var(--up); }
  path.p99 { stroke:var(--warn); }
  path.err { stroke:var(--down); }
  footer { color:var(--muted); padding:0 24px 20px; font-size:12px; }
)CSS";

constexpr std::string_view kScript = R"JS("use strict";
function cell(text, cls) {
  const td = document.createElement("td");
  if (cls) td.className = cls;
  td.textContent = text;
  return td;
}
function pct(x) { return (100 * x).toFixed(1) + "%"; }
function render(s) {
  document.getElementById("policy").textContent =
      s.policy + (s.hash_key ? " (" + s.hash_key + ")" : "");
  document.getElementById("available").textContent =
      s.available + " of " + s.upstreams.length + (s.draining ? ", draining" : "");
  document.getElementById("reloads").textContent = s.reloads.ok + " ok, " + s.reloads.failed + " failed";
  document.getElementById("updated").textContent = new Date().toLocaleTimeString();
  const rows = document.getElementById("rows");
  rows.replaceChildren();
  for (const u of s.upstreams) {
    const tr = document.createElement("tr");
    tr.dataset.upstream = u.name;
    tr.appendChild(cell(u.name, "name"));
    tr.appendChild(cell(u.address || "unresolved", "addr"));
    const st = cell("");
    const badge = document.createElement("span");
    badge.className = "state s-" + u.state;
    badge.textContent = u.state;
    st.appendChild(badge);
    tr.appendChild(st);
    const w = u.effective_weight < u.weight && u.state === "up"
        ? u.weight + " (ramping " + u.effective_weight + ")" : String(u.weight);
    tr.appendChild(cell(w, "num"));
    tr.appendChild(cell(String(u.in_flight), "num"));
    const share = cell("");
    share.innerHTML = '<div class="share"><div class="track"><div class="fill"></div></div><span></span></div>';
    share.querySelector(".fill").style.width = pct(u.share);
    share.querySelector("span").textContent = pct(u.share);
    share.className = "share-cell";
    tr.appendChild(share);
    tr.appendChild(cell(u.requests_per_second.toFixed(1), "num"));
    tr.appendChild(cell(u.latency_ms.toFixed(2) + " ms", "num"));
    tr.appendChild(cell(pct(u.error_rate), "num"));
    tr.appendChild(cell(u.last_check, "check"));
    rows.appendChild(tr);
  }
}
const SVG = "http://www.w3.org/2000/svg";
const SECONDS = 300;  // the history's length: the newest second is at the right edge
// A path through the values (null: a gap), scaled to `max`, in a 300 x 36 box.
function line(values, max, cls) {
  const path = document.createElementNS(SVG, "path");
  let d = "", pen = false;
  values.forEach((v, i) => {
    if (v === null) { pen = false; return; }
    const x = SECONDS - values.length + i, y = 34 - 32 * (max > 0 ? v / max : 0);
    d += (pen ? "L" : "M") + x + " " + y.toFixed(1);
    pen = true;
  });
  path.setAttribute("d", d);
  path.setAttribute("class", cls);
  return path;
}
// One chart: its title, each series' latest value, and the maximum of all.
function chart(title, series, format) {
  const all = series.flatMap(s => s.values).filter(v => v !== null);
  const max = all.length ? Math.max(...all) : 0;
  const latest = series.map(s => {
    const v = s.values.filter(v => v !== null).pop();
    return v === undefined ? "–" : format(v);
  }).join(", ");
  const box = document.createElement("div");
  box.className = "chart";
  box.dataset.series = series.map(s => s.cls).join(" ");
  const label = document.createElement("div");
  label.className = "label";
  const name = document.createElement("span");
  name.textContent = title;
  const value = document.createElement("b");
  value.textContent = latest + " (max " + format(max) + ")";
  label.append(name, value);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 " + SECONDS + " 36");
  svg.setAttribute("preserveAspectRatio", "none");
  for (const s of series) svg.appendChild(line(s.values, max, s.cls));
  box.append(label, svg);
  return box;
}
function renderHistory(h) {
  const box = document.getElementById("trends");
  box.replaceChildren();
  for (const u of h.upstreams) {
    const card = document.createElement("div");
    card.className = "card";
    card.dataset.upstream = u.name;
    const title = document.createElement("h3");
    title.textContent = u.name;
    card.append(title,
        chart("requests/s", [{values: u.requests_per_second, cls: "rps"}], v => v.toFixed(1)),
        chart("latency p50, p99 (ms)", [{values: u.p50_ms, cls: "p50"}, {values: u.p99_ms, cls: "p99"}],
              v => v.toFixed(2)),
        chart("errors", [{values: u.error_rate, cls: "err"}], pct));
    box.appendChild(card);
  }
}
async function load(path, show) {
  const r = await fetch(path, {cache: "no-store"});
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  show(await r.json());
}
async function refresh() {
  try {
    await load("/status", render);
    await load("/history", renderHistory);
    document.getElementById("error").textContent = "";
  } catch (e) {
    document.getElementById("error").textContent = "Cannot load " + e.message;
  }
}
refresh();
setInterval(refresh, 1000);
)JS";

}  // namespace

std::string_view status_page_html() {
  return kPage;
}

std::string_view status_page_css() {
  return kStyle;
}

std::string_view status_page_script() {
  return kScript;
}

}  // namespace conv::balancer
