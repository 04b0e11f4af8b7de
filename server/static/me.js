// The applicant's page. Signs in by e-mailed link (the code is exchanged once, then taken
// out of the address bar; the token lives in sessionStorage only), shows everything held
// with its source and expiry, the person's privacy requests with their downloads, and
// offers every action of the applicant endpoints. What cannot be undone (withdrawing,
// removing a document) asks first, in plain words (forms.js: confirmStep).
"use strict";

const KEY = "recruitd.token";
const $ = (id) => document.getElementById(id);
const pageStatus = $("page-status");
let record = null;

function token() { return sessionStorage.getItem(KEY); }

function say(message) {
  pageStatus.textContent = message;
  pageStatus.focus();
}

async function api(method, path, body, extraHeaders) {
  const headers = Object.assign({ Accept: "application/json", Authorization: "Bearer " + token() }, extraHeaders || {});
  let payload = body;
  if (body && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload });
  if (res.status === 401) {
    sessionStorage.removeItem(KEY);
    showSignIn("Your session has ended. Sign in again.");
    throw new Error("signed out");
  }
  return res;
}

function showSignIn(message) {
  $("signed-in").hidden = true;
  $("sign-in").hidden = false;
  if (message) say(message);
}

function row(dl, label, value, note) {
  const dt = document.createElement("dt");
  dt.textContent = label;
  const dd = document.createElement("dd");
  dd.textContent = value === null || value === undefined || value === "" ? "—" : String(value);
  if (note) {
    const small = document.createElement("span");
    small.className = "note";
    small.textContent = " " + note;
    dd.append(small);
  }
  dl.append(dt, dd);
}

function when(t) { return t ? new Date(t).toLocaleString() : ""; }

const SOURCES = { direct: "you applied on our careers page", referral: "someone referred you",
  agency: "a recruiting agency", sourced: "a recruiter found your public profile", other: "another source" };
const FINISHED = new Set(["withdrawn", "rejected", "hired"]);

function render(me) {
  record = me;
  const held = $("held");
  held.replaceChildren();
  const source = me.source && me.source.type ? (SOURCES[me.source.type] || me.source.type) : "";
  row(held, "Name", me.full_name, "(from " + source + ")");
  row(held, "E-mail", me.email, me.pending_email
    ? "(a link was sent to " + me.pending_email.email_masked + "; the new address is used once you follow it, before " +
      when(me.pending_email.expires_at) + ")"
    : undefined);
  row(held, "Phone", me.phone);
  if (me.address) row(held, "Address", [me.address.line1, me.address.line2, me.address.city, me.address.region, me.address.postal_code, me.address.country].filter(Boolean).join(", "));
  if (me.job_title) row(held, "Job title", me.job_title);
  row(held, "On record since", when(me.created_at));
  if (me.consent) row(held, "Privacy notice accepted", when(me.consent.privacy_notice_accepted_at), "(version " + me.consent.privacy_notice_version + ")");
  row(held, "News of future openings", me.marketing_opt_in ? "yes" : "no");
  row(held, "Sharing outside the company", me.sharing_opt_out ? "opted out" : "not opted out");
  row(held, "Kept until", me.retention && me.retention.expires_at ? when(me.retention.expires_at)
    : "while an application is open, then for the period the privacy notice gives");
  if (me.session) row(held, "Signed in", when(me.session.signed_in_at), "(this session ends " + when(me.session.expires_at) + ")");

  const apps = $("applications");
  apps.replaceChildren();
  for (const a of me.applications) {
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = a.opening_title + ": " + a.stage.replace(/_/g, " ");
    li.append(label);
    if (!FINISHED.has(a.stage)) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.textContent = "Withdraw";
      b.setAttribute("aria-label", "Withdraw the application to " + a.opening_title);
      b.addEventListener("click", () => withdraw(a));
      li.append(b);
    }
    apps.append(li);
  }
  if (!me.applications.length) apps.append(Object.assign(document.createElement("li"), { textContent: "None." }));

  const docs = $("documents");
  docs.replaceChildren();
  for (const d of me.documents) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.className = "link";
    b.textContent = d.filename;
    b.setAttribute("aria-label", "Download " + d.filename);
    b.addEventListener("click", () => download(d));
    const info = document.createElement("span");
    info.className = "note";
    info.textContent = " " + d.kind.replace(/_/g, " ") + ", " + Math.max(1, Math.round(d.size / 1024)) + " KB, uploaded " + when(d.created_at);
    const name = document.createElement("span");
    name.append(b, info);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "secondary";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", "Remove " + d.filename);
    remove.addEventListener("click", () => removeDocument(d));
    li.append(name, remove);
    docs.append(li);
  }
  if (!me.documents.length) docs.append(Object.assign(document.createElement("li"), { textContent: "None." }));

  const contact = $("contact");
  contact.full_name.value = me.full_name || "";
  contact.email.value = me.email || "";
  contact.phone.value = me.phone || "";
  $("marketing_opt_in").checked = !!me.marketing_opt_in;
  $("sharing_opt_out").checked = !!me.sharing_opt_out;
  loadOpenings(me);
  loadRequests();
}

const REQUEST_LABELS = { know_categories: "What categories of data we hold", know_specific: "A copy of your data",
  delete: "Deleting your data", correct: "Correcting your data", opt_out: "Opting out of marketing and sharing" };
const REQUEST_STATUS = { awaiting_verification: "waiting for you to confirm it (see the e-mail we sent)",
  in_progress: "in progress", completed: "answered", denied: "denied" };
const REQUEST_OUTCOME = { fulfilled: "done", partially_fulfilled: "done in part", denied: "not done",
  no_record: "we held no record" };

function day(t) { return t ? new Date(t).toLocaleDateString() : ""; }

// The person's privacy requests, newest first, each with its status and, once ready, its download.
async function loadRequests() {
  const list = $("requests");
  const res = await api("GET", "/v1/me/privacy-requests?limit=50");
  const { items } = res.ok ? await res.json() : { items: [] };
  list.replaceChildren();
  items.sort((a, b) => (a.received_at < b.received_at ? 1 : -1));
  for (const q of items) {
    const li = document.createElement("li");
    const text = document.createElement("span");
    text.textContent = (REQUEST_LABELS[q.type] || q.type) + ": " + (REQUEST_STATUS[q.status] || q.status) +
      (q.outcome ? ", " + (REQUEST_OUTCOME[q.outcome] || q.outcome) : "");
    const small = Object.assign(document.createElement("span"), {
      className: "when",
      textContent: " (asked " + day(q.received_at) + (q.completed_at ? ", answered " + day(q.completed_at) : "") + ")",
    });
    text.append(small);
    if (q.status_reason) text.append(Object.assign(document.createElement("span"), { className: "note", textContent: " " + q.status_reason }));
    li.append(text);
    if (q.export && new Date(q.export.expires_at) > new Date()) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.textContent = "Download your copy";
      b.setAttribute("aria-label", "Download your copy (a ZIP file, until " + day(q.export.expires_at) + ")");
      b.addEventListener("click", () => downloadExport(q.export));
      li.append(b);
    }
    list.append(li);
  }
  if (!items.length) list.append(Object.assign(document.createElement("li"), { textContent: "None." }));
}

// A copy of one's data: the ZIP, saved as a file. A sign-in from the last 15 minutes is needed.
async function downloadExport(x) {
  const res = await api("GET", "/v1/me/exports/" + encodeURIComponent(x.id));
  if (res.status === 403) {
    const again = await confirmStep({
      title: "Sign in again to download",
      text: ["For your safety, a copy of your data is only handed over after a sign-in from the last 15 minutes.",
        "We can send a new sign-in link to " + record.email + ". Open it, then press the download button again."],
      confirm: "Send me a sign-in link",
      cancel: "Not now",
    });
    if (again) await sendSignInLink(record.email);
    return;
  }
  if (!res.ok) { say("Your copy could not be downloaded: it may have expired after 7 days. Make a new request to get another."); return; }
  saveBlob(await res.blob(), "my-data.zip");
  say("Your copy is downloaded (a ZIP file). Open index.html inside it to read it.");
}

function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function sendSignInLink(email) {
  const res = await fetch("/v1/me/sign-in", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ email }),
  });
  if (res.status === 202) say("Check your inbox: a sign-in link is on its way. It works once, for 15 minutes.");
  else if (res.status === 429) say(waitMessage(res));
  else say("The link could not be sent. Please try again later.");
}

async function loadOpenings(me) {
  const select = $("opening_id");
  const res = await fetch("/v1/openings?limit=200", { headers: { Accept: "application/json" } });
  const { items } = res.ok ? await res.json() : { items: [] };
  const applied = new Set(me.applications.map((a) => a.opening_id));
  select.replaceChildren(Object.assign(document.createElement("option"), { value: "", textContent: "Choose a position" }));
  for (const o of items.filter((o) => !applied.has(o.id)))
    select.append(Object.assign(document.createElement("option"), { value: o.id, textContent: o.title }));
  $("apply-again").hidden = items.filter((o) => !applied.has(o.id)).length === 0;
}

async function load() {
  const res = await api("GET", "/v1/me");
  if (res.status === 404 && (await api("GET", "/v1/me/privacy-requests?limit=1")).ok) {
    // signed in, but the record is restricted (a deletion done in part, the rest kept under
    // a legal floor): only HR reads it; the person still sees their requests and answers
    $("sign-in").hidden = true;
    $("signed-in").hidden = false;
    for (const el of $("signed-in").children) el.hidden = !["kept", "rights", "sign-out-row"].includes(el.id);
    loadRequests();
    return;
  }
  if (!res.ok) { say("Your record could not be loaded. Please try again later."); return; }
  $("sign-in").hidden = true;
  $("signed-in").hidden = false;
  for (const el of $("signed-in").children) el.hidden = el.id === "kept";
  render(await res.json());
}

async function patch(fields, form) {
  const res = await api("PATCH", "/v1/me", fields, { "If-Match": '"' + record.version + '"' });
  const body = await res.json().catch(() => ({}));
  if (res.ok) { await load(); return true; }
  if (res.status === 412) { await load(); say("Your record changed meanwhile; it is shown as it is now. Please try again."); return false; }
  if (!showErrors(form, body.errors)) say(body.detail || "The change could not be saved.");
  return false;
}

async function withdraw(a) {
  const sure = await confirmStep({
    title: "Withdraw your application?",
    text: ["You are withdrawing your application to " + a.opening_title + ". We stop considering you for this position.",
      "This cannot be undone: to be considered again, you would apply again while the position is open."],
    confirm: "Withdraw the application",
    cancel: "Keep my application",
  });
  if (!sure) { say("Nothing changed: your application to " + a.opening_title + " stays."); return; }
  const res = await api("POST", "/v1/me/applications/" + encodeURIComponent(a.id) + "/withdraw");
  if (res.ok) { await load(); say("Your application to " + a.opening_title + " is withdrawn."); }
  else say("The application could not be withdrawn.");
}

async function removeDocument(d) {
  const sure = await confirmStep({
    title: "Remove this document?",
    text: ["You are removing " + d.filename + " from your record. It is deleted for good: we cannot get it back."],
    confirm: "Remove the document",
    cancel: "Keep it",
  });
  if (!sure) { say("Nothing changed: " + d.filename + " stays."); return; }
  const res = await api("DELETE", "/v1/me/documents/" + encodeURIComponent(d.id));
  if (res.status === 204) { await load(); say(d.filename + " is removed."); return; }
  const body = await res.json().catch(() => ({}));
  if (res.status === 409 && body.type && body.type.endsWith("last-resume"))
    say("This is your only resume, and an application of yours is open: upload a newer one first, then remove this one.");
  else say("The document could not be removed.");
}

async function download(d) {
  const res = await api("GET", "/v1/me/documents/" + encodeURIComponent(d.id));
  if (!res.ok) { say("The document could not be downloaded."); return; }
  saveBlob(await res.blob(), d.filename);
}

$("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  if (!form.email.value.trim() || !form.email.checkValidity()) {
    showErrors(form, [{ field: "email", message: "Enter the e-mail address you applied with." }]);
    return;
  }
  const res = await fetch("/v1/me/sign-in", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ email: form.email.value.trim() }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status === 202) say("Check your inbox: if the address is on record, a sign-in link is on its way. It works once, for 15 minutes.");
  else if (res.status === 429) say(waitMessage(res));
  else if (!showErrors(form, body.errors)) say(body.detail || "The link could not be sent.");
});

$("contact").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const email = form.email.value.trim();
  const moving = record && email !== record.email;
  const fields = { full_name: form.full_name.value.trim(), email, phone: form.phone.value.trim() || null };
  if (await patch(fields, form))
    say(moving && record.pending_email
      ? "Your contact details are saved. To change your e-mail address, follow the link we sent to the new address: until then we keep using the old one."
      : "Your contact details are saved.");
});

$("choices").addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = { marketing_opt_in: $("marketing_opt_in").checked, sharing_opt_out: $("sharing_opt_out").checked };
  if (await patch(fields, event.target)) say("Your choices are saved.");
});

$("apply-again").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  if (!form.opening_id.value) { showErrors(form, [{ field: "opening_id", message: "Choose a position." }]); return; }
  const res = await api("POST", "/v1/me/applications", { opening_id: form.opening_id.value });
  const body = await res.json().catch(() => ({}));
  if (res.status === 201) { await load(); say("Your application is in."); }
  else if (!showErrors(form, body.errors)) say(body.detail || "The application could not be sent.");
});

$("upload").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  if (!form.file.files.length) { showErrors(form, [{ field: "file", message: "Choose a file." }]); return; }
  const data = new FormData();
  data.append("kind", "resume");
  data.append("file", form.file.files[0]);
  const res = await api("POST", "/v1/me/documents", data);
  const body = await res.json().catch(() => ({}));
  if (res.status === 201) { form.reset(); await load(); say("Your resume is uploaded."); }
  else if (!showErrors(form, body.errors)) say(body.detail || "The file could not be uploaded.");
});

$("sign-out").addEventListener("click", async () => {
  await api("DELETE", "/v1/me/session").catch(() => {});
  sessionStorage.removeItem(KEY);
  record = null;
  showSignIn("You are signed out.");
});

// The link sent to a new address: it becomes the record's (no sign-in needed: the link proves it).
async function confirmEmail(emailCode) {
  history.replaceState(null, "", location.pathname);
  const res = await fetch("/v1/me/email-confirmations", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ code: emailCode }),
  });
  if (res.status === 200) return "Your new e-mail address is confirmed: we use it from now on.";
  if (res.status === 409) return "That address is already on another record, so your address was not changed.";
  return "That link was used already or has expired. Change your address again to get a new one.";
}

async function start() {
  const emailCode = new URLSearchParams(location.search).get("email_code");
  if (emailCode) {
    const said = await confirmEmail(emailCode);
    if (!token()) { showSignIn(said); return; }
    try { await load(); } catch (e) { /* signed out: the form is shown */ }
    say(said);
    return;
  }
  const code = new URLSearchParams(location.search).get("code");
  if (code) {
    history.replaceState(null, "", location.pathname);
    const res = await fetch("/v1/me/sessions", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ code }),
    });
    const body = await res.json().catch(() => ({}));
    if (res.status === 201) sessionStorage.setItem(KEY, body.applicant_token);
    else { showSignIn("That sign-in link was used already or has expired. Ask for a new one."); return; }
  }
  if (!token()) { showSignIn(); return; }
  try { await load(); } catch (e) { /* signed out: the form is shown */ }
}

start();
