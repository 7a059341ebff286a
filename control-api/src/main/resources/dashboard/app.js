// Probr's dashboard: reads only the public /v1 API with the token pasted once (kept in this tab's session storage).
"use strict";

const PERIOD_MS = { "1h": 3600e3, "24h": 86400e3, "7d": 7 * 86400e3, "30d": 30 * 86400e3 };
const REFRESH_MS = 30000;
const $ = (id) => document.getElementById(id);
let charts = [];
let timer = null;

// ---- formatting, for people ----
const count = (n) => n == null ? "–" : n >= 1e6 ? (n / 1e6).toFixed(1) + "M" : n >= 1e3 ? (n / 1e3).toFixed(1) + "k" : String(n);
const percent = (x) => x == null ? "–" : (x * 100).toFixed(1) + " %";
const millis = (ms) => ms == null ? "–" : ms >= 1000 ? (ms / 1000).toFixed(1) + " s" : Math.round(ms) + " ms";
const time = (iso) => new Date(iso).toLocaleString();
const text = (tag, value, cls) => { const e = document.createElement(tag); e.textContent = value; if (cls) e.className = cls; return e; };

// ---- the API ----
class ApiError extends Error {}
async function api(path, body) {
  const token = sessionStorage.getItem("probr.token");
  const response = await fetch(path, {
    method: body ? "POST" : "GET",
    headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.status === 401) {
    sessionStorage.removeItem("probr.token");
    showLogin("That token was refused: paste a valid admin token.");
    throw new ApiError("unauthorized");
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(answer.message || ("the API answered " + response.status));
  }
  return answer;
}

function range() {
  const end = new Date();
  return { start: new Date(end.getTime() - PERIOD_MS[$("period").value]).toISOString(), end: end.toISOString() };
}

/** The chosen period as uPlot's x range, in seconds. */
function periodSeconds() {
  const r = range();
  return () => [Date.parse(r.start) / 1000, Date.parse(r.end) / 1000];
}

// ---- states ----
function showLogin(message) {
  $("login").hidden = false;
  $("main").hidden = true;
  $("controls").hidden = true;
  showError(message);
}

function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message || "";
}

function showEmpty(message) {
  $("empty").hidden = !message;
  $("empty").textContent = message || "";
  $("main").hidden = !!message;
}

// ---- loading ----
async function loadSites() {
  const sites = await api("/v1/sites?limit=1000");
  const select = $("site");
  const chosen = select.value;
  select.replaceChildren(text("option", "all"), ...sites.data.map((site) => text("option", site.id)));
  select.options[0].value = "";
  select.value = sites.data.some((site) => site.id === chosen) ? chosen : "";
}

async function loadContainers() {
  const site = $("site").value;
  const containers = await api("/v1/containers?period=" + $("period").value
    + (site ? "&site_id=" + encodeURIComponent(site) : ""));
  const select = $("container");
  const chosen = select.value;
  select.replaceChildren(...containers.data.map((c) => text("option", c.container_id)));
  if (containers.data.some((c) => c.container_id === chosen)) {
    select.value = chosen;
  }
  return containers.data.length;
}

async function refresh() {
  try {
    await loadSites();
    if (await loadContainers() === 0) {
      showEmpty("No events in this period yet. Point a monitoring tag at your edge's POST /ingest with an ingest key "
        + "(create one with POST /v1/keys), or choose a longer period.");
      stamp();
      return;
    }
    const container = $("container").value;
    const query = "container_id=" + encodeURIComponent(container);
    const bucket = PERIOD_MS[$("period").value] > 2 * 86400e3 ? "day" : "hour";
    const [analytics, rates, volume, executions] = await Promise.all([
      api("/v1/analytics?" + query + "&period=" + $("period").value),
      api("/v1/reports", { group_by: [bucket, "tag"], metrics: ["failure_rate"], filters: { container_id: container }, date_range: range() }),
      api("/v1/reports", { group_by: [bucket, "event_name"], metrics: ["events"], filters: { container_id: container }, date_range: range() }),
      api("/v1/executions?limit=1000&start_date=" + range().start.slice(0, 10)),
    ]);
    showError("");
    showEmpty("");
    const incidents = executions.data.filter((e) => e.container_id === container);
    const firing = openIncidents(incidents);
    charts.forEach((chart) => chart.destroy());
    charts = [];
    renderTags(analytics.tags, rates.rows, bucket, firing);
    renderVolume(volume.rows, bucket);
    renderCoverage(analytics);
    renderIncidents(incidents, firing);
    await renderDeliveries();
    stamp();
  } catch (error) {
    if (!(error instanceof ApiError && error.message === "unauthorized")) {
      showError("Could not load the dashboard: " + error.message + " (is the API or ClickHouse down?). Retrying in 30 s.");
    }
  }
}

function stamp() {
  $("refreshed").textContent = "refreshed " + new Date().toLocaleTimeString();
}

/** Incidents whose last change is "firing", by tag (a container-wide incident under ""). */
function openIncidents(incidents) {
  const last = new Map();
  for (const change of [...incidents].sort((a, b) => a.at.localeCompare(b.at))) {
    last.set(change.incident_id, change);
  }
  return new Set([...last.values()].filter((c) => c.status === "firing").map((c) => c.tag || ""));
}

function renderTags(tags, rates, bucket, firing) {
  const body = $("tags").querySelector("tbody");
  body.replaceChildren();
  for (const tag of tags) {
    const row = document.createElement("tr");
    row.dataset.tag = tag.tag;
    if (firing.has(tag.tag) || firing.has("")) row.className = "firing";
    row.append(text("td", tag.tag), text("td", count(tag.executions)),
      text("td", percent(tag.failure_rate), tag.failure_rate > 0.05 ? "bad" : ""),
      text("td", count(tag.timeout)), text("td", millis(tag.avg_execution_ms)), text("td", millis(tag.p95_execution_ms)));
    const cell = document.createElement("td");
    const spark = document.createElement("div");
    spark.className = "spark";
    cell.append(spark);
    row.append(cell);
    body.append(row);
    const points = rates.filter((r) => r.tag === tag.tag).sort((a, b) => a[bucket].localeCompare(b[bucket]));
    if (points.length > 0) {
      const xs = points.map((p) => Date.parse(bucket === "day" ? p.day + "T00:00:00Z" : p.hour) / 1000);
      charts.push(new uPlot({ width: 160, height: 32, legend: { show: false }, cursor: { show: false },
        axes: [{ show: false }, { show: false }], scales: { x: { time: true, range: periodSeconds() }, y: { range: [0, 1] } },
        series: [{}, { stroke: "#c62828", width: 1.5, points: { show: points.length < 3, size: 4 } }] },
        [xs, points.map((p) => p.failure_rate)], spark));
    }
  }
}

function renderVolume(rows, bucket) {
  const target = $("volume");
  target.replaceChildren();
  const times = [...new Set(rows.map((r) => r[bucket]))].sort();
  const names = [...new Set(rows.map((r) => r.event_name))].sort();
  if (times.length === 0) return;
  const palette = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457"];
  const data = [times.map((t) => Date.parse(bucket === "day" ? t + "T00:00:00Z" : t) / 1000)];
  for (const name of names) {
    data.push(times.map((t) => (rows.find((r) => r[bucket] === t && r.event_name === name) || { events: 0 }).events));
  }
  charts.push(new uPlot({ width: Math.min(target.clientWidth || 800, 1150), height: 220,
    scales: { x: { time: true, range: periodSeconds() }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    series: [{}, ...names.map((name, i) => ({ label: name, stroke: palette[i % palette.length], width: 2,
      points: { show: times.length < 3, size: 6 } }))] },
    data, target));
}

function renderCoverage(analytics) {
  const figures = [["events", count(analytics.total_events)], ["conversions", count(analytics.conversions.count)],
    ["email", percent(analytics.user_data.email.share)], ["phone", percent(analytics.user_data.phone.share)],
    ["address", percent(analytics.user_data.address.share)], ["e-commerce value", percent(analytics.ecommerce.value.share)],
    ["currency", percent(analytics.ecommerce.currency.share)], ["transaction id", percent(analytics.ecommerce.transaction_id.share)]];
  $("coverage").replaceChildren(...figures.map(([name, value]) => {
    const e = text("div", value + " ");
    e.append(text("span", name, "muted"));
    return e;
  }));
}

function renderIncidents(incidents, firing) {
  const list = $("incidents");
  list.replaceChildren();
  if (incidents.length === 0) {
    list.append(text("li", "No incident in this period. Triggers: POST /v1/triggers.", "muted"));
  }
  for (const change of incidents.slice(0, 20)) {
    const item = text("li", `${time(change.at)}: ${change.trigger_name} ${change.status} on ${change.tag || change.container_id}`
      + ` (${change.metric} ${Number(change.value).toFixed(2)}, threshold ${change.threshold})`,
      change.status === "firing" && firing.has(change.tag || "") ? "firing" : "");
    list.append(item);
  }
}

async function renderDeliveries() {
  const webhooks = await api("/v1/webhooks?limit=10");
  const logs = await Promise.all(webhooks.data.map((w) =>
    api("/v1/webhooks/" + encodeURIComponent(w.id) + "/logs?limit=10").then((l) => l.data.map((d) => ({ ...d, webhook: w.name })))));
  const deliveries = logs.flat().sort((a, b) => b.started_at.localeCompare(a.started_at)).slice(0, 10);
  const list = $("deliveries");
  list.replaceChildren();
  if (deliveries.length === 0) {
    list.append(text("li", "No delivery yet. Webhooks: POST /v1/webhooks.", "muted"));
  }
  for (const d of deliveries) {
    list.append(text("li", `${time(d.started_at)}: ${d.event} to ${d.webhook}, attempt ${d.attempt}: ${d.status}`
      + (d.status_code ? ` (${d.status_code}, ${millis(d.latency_ms)})` : d.error ? ` (${d.error})` : ""),
      d.status === "failed" ? "firing" : ""));
  }
}

// ---- start ----
function start() {
  $("login").hidden = true;
  $("controls").hidden = false;
  clearInterval(timer);
  refresh();
  timer = setInterval(refresh, REFRESH_MS);
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem("probr.token", $("token").value.trim());
  start();
});
$("logout").addEventListener("click", () => { sessionStorage.removeItem("probr.token"); showLogin(""); });
$("container").addEventListener("change", refresh);
$("site").addEventListener("change", refresh);
$("period").addEventListener("change", refresh);
let resizing = null;
window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(refresh, 300); });

if (sessionStorage.getItem("probr.token")) {
  start();
} else {
  showLogin("");
}
