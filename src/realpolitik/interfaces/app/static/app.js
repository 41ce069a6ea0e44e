// The what-if page: renders the scenario's numbers as inputs, sends each change to the
// JSON API, and shows the baseline beside the what-if. Plain JavaScript, no library.
"use strict";

const SESSION_KEY = "realpolitik-what-if-session";
const state = { session: null, form: null, results: null, queue: Promise.resolve(),
                pending: 0, job: null, groupTitles: {} };

// ---- small helpers ---------------------------------------------------------
const PROPERTIES = new Set(["value", "checked", "open", "hidden", "inputMode", "disabled"]);

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (PROPERTIES.has(key)) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function byId(id) { return document.getElementById(id); }

function number(x) {
  if (x === null || x === undefined) return "n/a";
  return String(Math.round(x * 10000) / 10000);
}

// A share as a percentage; never 0% or 100%, since it comes from uncertain inputs.
function percent(p) {
  if (p === null || p === undefined) return "n/a";
  if (p >= 0.995) return ">99%";
  if (p <= 0.005) return "<1%";
  return Math.round(p * 100) + "%";
}

function pair(base, whatIf, format, threshold) {
  const moved = base !== null && whatIf !== null && Math.abs(whatIf - base) >= threshold;
  const direction = !moved ? "" : (whatIf > base ? " up" : " down");
  return el("span", { class: "pair" + direction },
            el("span", { class: "b", text: format(base) }),
            el("span", { class: "arrow", text: "\u2192" }),
            el("span", { class: "w", text: format(whatIf) }));
}

async function api(method, url, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch (error) {
    return { ok: false, status: 0, body: { detail: "the server cannot be reached" } };
  }
  let data = {};
  try { data = await response.json(); } catch (error) { data = {}; }
  return { ok: response.ok, status: response.status, body: data };
}

// Changes are sent one after another, so that answers arrive in the order of the edits.
function enqueue(task) {
  state.pending += 1;
  showStatus();
  state.queue = state.queue.then(task).catch((error) => showMessage(String(error)))
    .finally(() => { state.pending -= 1; showStatus(); });
  return state.queue;
}

function showMessage(text) { byId("message").textContent = text || ""; }

function showStatus() {
  const status = byId("status");
  if (state.pending > 0) { status.textContent = "updating\u2026"; return; }
  if (!state.form || !state.results) return;
  const s = state.form.settings;
  status.textContent = `${s.draws.toLocaleString()} simulated futures per ensemble ` +
    `(seed ${s.seed}, ${s.model} engine at every step) \u00b7 last answer in ` +
    `${Math.round(state.results.seconds * 1000)} ms of computing`;
}

// ---- sessions ----------------------------------------------------------------
async function start() {
  const previous = sessionStorage.getItem(SESSION_KEY);
  const answer = await api("POST", "/api/sessions", previous ? { copy_of: previous } : {});
  if (!answer.ok) { showMessage(answer.body.detail || "the app could not start"); return; }
  adopt(answer.body);
}

function adopt(data) {
  state.session = data.form.session;
  sessionStorage.setItem(SESSION_KEY, state.session);
  byId("download").href = `/api/sessions/${state.session}/export`;
  if (!state.form) renderForm(data.form);
  state.form = data.form;
  renderResults(data.results);
}

// The server forgot this tab's session (it keeps the most recent ones): start a new one
// and replay this tab's changes, so that none is lost.
async function recover() {
  const values = state.results ? state.results.values : { numbers: {}, levers: {} };
  const answer = await api("POST", "/api/sessions", {});
  if (!answer.ok) { showMessage(answer.body.detail || "the server cannot start a session"); return; }
  adopt(answer.body);
  for (const [path, numbers] of Object.entries(values.numbers)) {
    await api("POST", `/api/sessions/${state.session}/numbers`, { path, ...numbers });
  }
  for (const [id, lever] of Object.entries(values.levers)) {
    await api("POST", `/api/sessions/${state.session}/levers`, { id, ...lever });
  }
  const fresh = await api("GET", `/api/sessions/${state.session}`);
  if (fresh.ok) renderResults(fresh.body.results);
  showMessage("The server had forgotten this tab's session; your changes were replayed.");
}

async function send(method, url, body, fieldKey) {
  let answer = await api(method, url(), body);
  const lost = answer.status === 404;
  if (lost) {
    await recover();
    answer = await api(method, url(), body);
  }
  if (answer.ok) {
    clearError(fieldKey);
    if (!lost) showMessage("");
    renderResults(answer.body);
  } else if (answer.status === 422 && answer.body.errors) {
    for (const [key, message] of Object.entries(answer.body.errors)) {
      showError(key in fieldsByPath ? key : fieldKey, message);
    }
  } else {
    showMessage(answer.body.detail || `the server answered ${answer.status}`);
  }
  return answer;
}

// ---- the form ------------------------------------------------------------------
const fieldsByPath = {};

function renderForm(form) {
  byId("title").textContent = form.scenario.title;
  byId("scenario-id").textContent = form.scenario.id;
  byId("as-of").textContent = form.scenario.as_of;
  byId("question").textContent = form.scenario.question || form.scenario.description;
  document.title = `what-if: ${form.scenario.title}`;
  byId("footer").textContent = `realpolitik ${form.settings.version} \u00b7 scenario ` +
    `${form.scenario.id} \u00b7 ${form.settings.draws} draws per ensemble, seed ` +
    `${form.settings.seed}, ${form.settings.model} engine at every step. The baseline is ` +
    "the scenario as written, with no lever.";
  renderLevers(form.levers);
  renderGroups(form);
  byId("ranking-section").hidden = !form.levers.length;
}

function renderLevers(levers) {
  const body = byId("levers").querySelector("tbody");
  body.replaceChildren();
  for (const lever of levers) {
    const box = el("input", { type: "checkbox", id: `lever-${lever.id}`,
                              "data-lever": lever.id, "aria-label": `switch on ${lever.name}` });
    const date = el("input", { type: "date", id: `lever-start-${lever.id}`,
                               "data-lever": lever.id, value: lever.written_start,
                               "aria-label": `start of ${lever.name}` });
    const error = el("span", { class: "lever-error", id: `lever-error-${lever.id}` });
    const row = el("tr", { "data-path": `levers.${lever.id}` },
      el("td", {}, box),
      el("td", { title: lever.description },
         el("label", { for: `lever-${lever.id}`, text: lever.name })),
      el("td", {}, date),
      el("td", {}, error));
    fieldsByPath[`levers.${lever.id}`] = row;
    const submit = () => enqueue(() => send("POST",
      () => `/api/sessions/${state.session}/levers`,
      { id: lever.id, on: box.checked, start: date.value }, `levers.${lever.id}`));
    box.addEventListener("change", submit);
    date.addEventListener("change", submit);
    body.append(row);
  }
  if (!levers.length) body.append(el("tr", {}, el("td", { colspan: 4, text: "none" })));
}

function renderGroups(form) {
  const holder = byId("groups");
  holder.replaceChildren();
  const byGroup = {};
  for (const entry of form.numbers) (byGroup[entry.group] = byGroup[entry.group] || []).push(entry);
  let first = true;
  for (const group of form.groups) {
    state.groupTitles[group.id] = group.title;
    const entries = byGroup[group.id] || [];
    if (!entries.length) continue;
    const isIssue = group.id.startsWith("issue:");
    const details = el("details", { id: `group-${group.id.replace(":", "-")}`,
                                    "data-group": group.id, open: isIssue && first },
      el("summary", {}, group.title, el("span", { class: "count" })),
      el("p", { class: "note", text: group.note }),
      isIssue ? stanceTable(entries) : listTable(entries));
    if (isIssue) first = false;
    holder.append(details);
  }
}

function stanceTable(entries) {
  const rows = {};
  for (const entry of entries) (rows[entry.row] = rows[entry.row] || {})[entry.column] = entry;
  const body = Object.entries(rows).map(([actor, columns]) => el("tr", {},
    el("th", { text: actor }),
    ["position", "salience", "capability"].map((column) =>
      el("td", {}, columns[column] ? fieldWidget(columns[column]) : ""))));
  return el("table", {},
    el("thead", {}, el("tr", {}, el("th", { text: "actor" }), el("th", { text: "position (0-100)" }),
                       el("th", { text: "salience (0-1)" }),
                       el("th", { text: "capability on this issue" }))),
    el("tbody", {}, body));
}

function listTable(entries) {
  return el("table", {}, el("tbody", {}, entries.map((entry) =>
    el("tr", {}, el("th", { text: entry.row }), el("td", {}, fieldWidget(entry))))));
}

function fieldWidget(entry) {
  const parts = entry.kind === "value" ? ["value"]
    : entry.kind === "range" ? ["low", "high"] : ["low", "mode", "high"];
  const div = el("div", { class: "field", "data-path": entry.path,
                          title: entry.evidence || entry.fallback || "" });
  const inputs = el("span", { class: "inputs" });
  parts.forEach((part, index) => {
    if (index > 0) inputs.append(el("span", { class: "dash", text: part === "mode" ? "mode" : "\u2013" }));
    inputs.append(el("input", { type: "text", inputMode: "decimal", "data-part": part,
                                "aria-label": `${entry.row} ${entry.column} ${part}`,
                                placeholder: entry.numbers ? "" : "\u2014" }));
  });
  div.append(inputs, el("span", { class: "was" }),
             el("button", { type: "button", class: "reset", text: "reset", hidden: true,
                            title: "give back the written value" }),
             el("span", { class: "error", role: "status" }));
  div.addEventListener("change", (event) => {
    if (event.target.tagName === "INPUT") submitField(div);
  });
  div.querySelector("button.reset").addEventListener("click", () => {
    clearError(entry.path);
    enqueue(() => send("POST", () => `/api/sessions/${state.session}/numbers`,
                       { path: entry.path, reset: true }, entry.path));
  });
  div.entry = entry;
  fieldsByPath[entry.path] = div;
  setInputs(div, entry.numbers);
  return div;
}

function setInputs(div, numbers) {
  for (const input of div.querySelectorAll("input[data-part]")) {
    if (input === document.activeElement) continue;
    const value = numbers ? numbers[input.dataset.part] : null;
    input.value = value === null || value === undefined ? "" : number(value);
  }
}

function submitField(div) {
  const body = { path: div.dataset.path };
  for (const input of div.querySelectorAll("input[data-part]")) body[input.dataset.part] = input.value;
  enqueue(() => send("POST", () => `/api/sessions/${state.session}/numbers`, body,
                     div.dataset.path));
}

function showError(key, message) {
  const target = fieldsByPath[key];
  if (!target) { showMessage(`${key}: ${message}`); return; }
  if (target.classList.contains("field")) {
    target.classList.add("invalid");
    target.querySelector(".error").textContent = message;
    for (const input of target.querySelectorAll("input")) input.setAttribute("aria-invalid", "true");
  } else {
    target.querySelector(".lever-error").textContent = message;
  }
}

function clearError(key) {
  const target = fieldsByPath[key];
  if (!target) return;
  if (target.classList.contains("field")) {
    target.classList.remove("invalid");
    target.querySelector(".error").textContent = "";
    for (const input of target.querySelectorAll("input")) input.removeAttribute("aria-invalid");
  } else {
    target.querySelector(".lever-error").textContent = "";
  }
}

// ---- results ---------------------------------------------------------------------
function renderResults(results) {
  state.results = results;
  renderHeadline(results.headline);
  renderSurvival(results.survival);
  renderCohesion(results.cohesion);
  renderForecasts(results.forecasts, results.engines);
  renderChanges(results.changes);
  syncInputs(results.values);
  showStatus();
}

function renderHeadline(headline) {
  const holder = byId("headline");
  const head = el("tr", {}, el("th", { text: "" }),
                  headline.columns.map((column) => el("th", { text: column })));
  const rows = headline.rows.map((row, r) => el("tr", { "data-row": r },
    el("th", { text: row.label }),
    row.cells.map((cell, c) => el("td", { "data-row": r, "data-column": c },
      pair(cell.baseline, cell.whatif, percent, 0.01),
      el("span", { class: "band",
                   text: `[${percent(cell.baseline_low)}\u2013${percent(cell.baseline_high)}] ` +
                         `\u2192 [${percent(cell.whatif_low)}\u2013${percent(cell.whatif_high)}]` })))));
  holder.replaceChildren(
    el("h2", { text: `${headline.title}: baseline \u2192 what-if` }),
    el("table", {}, el("thead", {}, head), el("tbody", {}, rows)),
    el("p", { class: "note", text: headline.note }));
}

function renderSurvival(survival) {
  const holder = byId("survival");
  holder.replaceChildren();
  for (const alliance of survival) {
    const figure = el("figure", { "data-alliance": alliance.alliance, style: "margin:0" });
    figure.innerHTML = alliance.svg;  // drawn by the server, every text escaped there
    holder.append(figure);
  }
  if (!survival.length) holder.append(el("p", { class: "note", text: "No watched alliance." }));
}

function renderCohesion(rows) {
  const header = el("tr", {}, ["alliance", "stated positions", "after bargaining (EUM)",
                               "simulated at horizon (median)"].map((t) => el("th", { text: t })));
  const format = (x) => (x === null ? "n/a" : x.toFixed(2));
  const body = rows.map((row) => el("tr", { "data-alliance": row.alliance },
    el("th", { text: row.name }),
    ["stated", "bargained", "simulated"].map((kind) => el("td", { "data-kind": kind },
      pair(row[kind].baseline, row[kind].whatif, format, 0.005)))));
  byId("cohesion").replaceChildren(el("thead", {}, header), el("tbody", {}, body));
}

function renderForecasts(rows, engines) {
  const header = el("tr", {}, el("th", { text: "issue" }),
    engines.map((engine) => el("th", { text: engine.label })),
    el("th", { text: "simulated at horizon (median)" }));
  const format = (x) => (x === null ? "n/a" : x.toFixed(1));
  const body = rows.map((row) => el("tr", { "data-issue": row.issue },
    el("th", { text: row.name, title: `0 = ${row.low}; 100 = ${row.high}` }),
    engines.map((engine) => el("td", { "data-issue": row.issue, "data-engine": engine.id },
      pair(row.engines[engine.id].baseline, row.engines[engine.id].whatif, format, 0.05))),
    el("td", { "data-issue": row.issue, "data-engine": "simulated" },
      pair(row.simulated.baseline, row.simulated.whatif, format, 0.05))));
  byId("forecasts").replaceChildren(el("thead", {}, header), el("tbody", {}, body));
}

function renderChanges(changes) {
  const list = byId("changes");
  list.replaceChildren(...changes.map((change) => el("li", { "data-path": change.path },
    `${state.groupTitles[change.group] || change.group} \u00b7 ${change.label}: `,
    el("span", { class: "b", text: change.was }), " \u2192 ",
    el("strong", { text: change.now }))));
  if (!changes.length) list.append(el("li", { class: "note", text: "none: the what-if is the baseline" }));
}

function syncInputs(values) {
  const counts = {};
  for (const div of document.querySelectorAll(".field[data-path]")) {
    const changed = values.numbers[div.dataset.path];
    div.classList.toggle("changed", Boolean(changed));
    div.querySelector(".was").textContent = changed
      ? `was ${div.entry.numbers ? Object.values(div.entry.numbers).map(number).join("\u2013")
                                 : div.entry.fallback}` : "";
    div.querySelector("button.reset").hidden = !changed;
    if (changed) counts[div.entry.group] = (counts[div.entry.group] || 0) + 1;
    if (!div.classList.contains("invalid")) setInputs(div, changed || div.entry.numbers);
  }
  for (const details of document.querySelectorAll("details[data-group]")) {
    const count = counts[details.dataset.group];
    details.querySelector(".count").textContent = count ? `${count} changed` : "";
  }
  for (const [id, lever] of Object.entries(values.levers)) {
    const box = byId(`lever-${id}`);
    const date = byId(`lever-start-${id}`);
    if (box && box !== document.activeElement) box.checked = lever.on;
    if (date && date !== document.activeElement) date.value = lever.start;
  }
}

// ---- lever ranking in the background ----------------------------------------------
async function rankLevers() {
  byId("rank").disabled = true;
  byId("cancel-rank").disabled = false;
  byId("ranking").replaceChildren();
  const answer = await api("POST", `/api/sessions/${state.session}/jobs/levers`);
  if (!answer.ok) {
    byId("rank-status").textContent = answer.body.detail || "could not start";
    byId("rank").disabled = false;
    byId("cancel-rank").disabled = true;
    return;
  }
  state.job = answer.body.id;
  followJob(answer.body);
}

async function followJob(job) {
  const bar = byId("rank-progress");
  bar.max = Math.max(job.total, 1);
  bar.value = job.done;
  const share = job.total ? ` ${Math.round((100 * job.done) / job.total)}%` : "";
  byId("rank-status").textContent = `${job.status}${job.status === "running" ? share : ""}`;
  if (job.status === "running") {
    setTimeout(async () => {
      const answer = await api("GET", `/api/jobs/${job.id}`);
      if (answer.ok) followJob(answer.body);
      else byId("rank-status").textContent = answer.body.detail || "lost the job";
    }, 250);
    return;
  }
  byId("rank").disabled = false;
  byId("cancel-rank").disabled = true;
  state.job = null;
  if (job.status === "done") renderRanking(job.result);
  if (job.status === "failed") byId("rank-status").textContent = `failed: ${job.error}`;
}

function renderRanking(result) {
  const format = (x) => (x >= 0 ? "+" : "") + x.toFixed(3);
  const rows = result.rows.map((row, index) => el("tr", { "data-option": row.option },
    el("td", { text: index + 1 }), el("td", { text: row.name }),
    el("td", { class: row.clear ? "clear" : "",
               text: `${format(row.effect)} [${format(row.low)}, ${format(row.high)}]` }),
    el("td", { text: row.mean.toFixed(3) })));
  byId("ranking").replaceChildren(
    el("p", { class: "note", text: `Ranked on ${result.objective} (${result.direction}), ` +
      `${result.draws} draws per option; bold: the 95% interval excludes zero. ` +
      `Least mean regret: ${result.least_mean_regret}.` }),
    el("table", {}, el("thead", {}, el("tr", {}, ["rank", "option", "effect [95% interval]",
                                                "objective (mean)"].map((t) => el("th", { text: t })))),
       el("tbody", {}, rows)));
}

async function cancelRanking() {
  if (!state.job) return;
  await api("DELETE", `/api/jobs/${state.job}`);
}

// ---- wiring -------------------------------------------------------------------------
byId("reset-all").addEventListener("click", () => {
  for (const key of Object.keys(fieldsByPath)) clearError(key);
  enqueue(() => send("POST", () => `/api/sessions/${state.session}/reset`, undefined, null));
});
byId("rank").addEventListener("click", rankLevers);
byId("cancel-rank").addEventListener("click", cancelRanking);
start();
