// The page of sqlrl serve: pick a database, ask, see and edit the SQL, run it, see rows or problems.
"use strict";
const $ = (id) => document.getElementById(id);
let databases = [];

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = $("api-key").value.trim();
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

async function call(method, path, body) {
  const response = await fetch(path, { method, headers: headers(), body: body ? JSON.stringify(body) : undefined });
  const data = await response.json().catch(() => ({ error: { code: "bad_response", message: "HTTP " + response.status } }));
  if (response.status === 401) $("key-box").hidden = false;
  return { ok: response.ok, status: response.status, data };
}

function showError(message) {
  $("error").textContent = message || "";
  $("error").hidden = !message;
}

function showProblems(problems) {
  const list = $("problems");
  list.replaceChildren(...(problems || []).map((p) => { const li = document.createElement("li"); li.textContent = p; return li; }));
}

function showSql(sql) {
  $("sql").value = sql;
  highlight();
}

function highlight() {
  const view = $("sql-view");
  view.textContent = $("sql").value;
  view.removeAttribute("data-highlighted");
  if (window.hljs) window.hljs.highlightElement(view);
}

function showRows(columns, rows) {
  const table = $("results");
  table.replaceChildren();
  if (!columns) return;
  const head = table.createTHead().insertRow();
  columns.forEach((c) => { const th = document.createElement("th"); th.textContent = c; head.appendChild(th); });
  const body = table.createTBody();
  rows.forEach((row) => {
    const tr = body.insertRow();
    row.forEach((v) => { tr.insertCell().textContent = v === null ? "NULL" : String(v); });
  });
}

async function loadDatabases() {
  const { ok, data } = await call("GET", "/v1/databases");
  if (!ok) { showError(data.error.message); return; }
  databases = data.databases;
  $("db").replaceChildren(...databases.map((d) => new Option(d.id + " (" + d.tables + " tables)", d.id)));
  await selectDatabase();
}

async function selectDatabase() {
  const id = $("db").value;
  const db = databases.find((d) => d.id === id);
  $("samples").replaceChildren(new Option("(pick one)", ""), ...(db ? db.sample_questions : []).map((q) => new Option(q, q)));
  const { ok, data } = await call("GET", "/v1/databases/" + encodeURIComponent(id));
  $("schema").textContent = ok ? data.ddl : "";
  if (!ok) showError(data.error.message);
}

async function generate() {
  showError(""); showProblems([]); showRows(null);
  const question = $("question").value.trim();
  if (!question) { showError("Write a question first."); $("question").focus(); return; }
  $("status").textContent = "generating…";
  const body = { db_id: $("db").value, question, execute: $("auto-execute").checked };
  const evidence = $("evidence").value.trim();
  if (evidence) body.evidence = evidence;
  const { ok, data } = await call("POST", "/v1/generate_sql", body);
  $("status").textContent = "";
  if (!ok) { showError(data.error.message); return; }
  showSql(data.sql || data.answer || "");
  showProblems(data.problems);
  $("meta").textContent = "confidence " + data.confidence.toFixed(2) + ", queue " + data.timing_ms.queue.toFixed(0)
      + " ms, generate " + data.timing_ms.generate.toFixed(0) + " ms";
  if (data.columns) showRows(data.columns, data.rows);
}

async function execute() {
  showError(""); showProblems([]); showRows(null);
  const { ok, data } = await call("POST", "/v1/execute", { db_id: $("db").value, sql: $("sql").value });
  if (!ok) {
    showError(data.error.message);
    showProblems(data.error.problems);
    return;
  }
  showRows(data.columns, data.rows);
  $("meta").textContent = data.rows.length + " rows" + (data.truncated ? " (more left out)" : "") + ", "
      + data.execute_ms.toFixed(1) + " ms";
}

document.addEventListener("DOMContentLoaded", () => {
  $("db").addEventListener("change", selectDatabase);
  $("samples").addEventListener("change", () => { if ($("samples").value) $("question").value = $("samples").value; });
  $("generate").addEventListener("click", generate);
  $("execute").addEventListener("click", execute);
  $("sql").addEventListener("input", highlight);
  $("question").addEventListener("keydown", (e) => { if (e.key === "Enter" && e.ctrlKey) { e.preventDefault(); generate(); } });
  $("sql").addEventListener("keydown", (e) => { if (e.key === "Enter" && e.ctrlKey) { e.preventDefault(); execute(); } });
  $("api-key").addEventListener("change", loadDatabases);
  loadDatabases();
});
