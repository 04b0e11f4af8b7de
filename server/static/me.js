// The applicant's page. Signs in by e-mailed link (the code is exchanged once, then taken
// out of the address bar; the token lives in sessionStorage only), shows everything held
// with its source and expiry, and offers every action of the applicant endpoints.
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
    li.append(b, info);
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
  if (!res.ok) { say("Your record could not be loaded. Please try again later."); return; }
  $("sign-in").hidden = true;
  $("signed-in").hidden = false;
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
  const res = await api("POST", "/v1/me/applications/" + encodeURIComponent(a.id) + "/withdraw");
  if (res.ok) { await load(); say("Your application to " + a.opening_title + " is withdrawn."); }
  else say("The application could not be withdrawn.");
}

async function download(d) {
  const res = await api("GET", "/v1/me/documents/" + encodeURIComponent(d.id));
  if (!res.ok) { say("The document could not be downloaded."); return; }
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement("a"), { href: url, download: d.filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
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
