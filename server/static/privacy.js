// The privacy request page. Without a sign-in: choose a right, give an address, follow the
// e-mailed link back here (the code is taken out of the address bar), confirm, and see the
// request's status and outcome. A correction is given only here, after the link: the page
// shows what we hold and every change before it is made (a new e-mail address takes effect
// by the link sent to it). Signed in on /me (the token in sessionStorage), the same requests
// take one step. A deletion, the one step that cannot be undone, asks first in plain words
// what it does (forms.js: confirmStep), wherever it is carried out: signed in, when the
// request is sent; otherwise when the link's confirmation is.
"use strict";

const $ = (id) => document.getElementById(id);
const token = sessionStorage.getItem("recruitd.token");
const pageStatus = $("page-status");
let code = null;
let kind = null; // the type of the request the link is for
let current = null; // a correction's record as it stands
let reviewed = false;

function say(message) {
  pageStatus.textContent = message;
  pageStatus.focus();
}

const LABELS = { know_categories: "What categories of data we hold", know_specific: "A copy of your data",
  delete: "Deleting your data", correct: "Correcting your data", opt_out: "Opting out of marketing and sharing" };
const STATUS = { awaiting_verification: "waiting for you to confirm it", in_progress: "in progress",
  completed: "answered", denied: "denied" };
const OUTCOME = { fulfilled: "done", partially_fulfilled: "done in part", denied: "not done",
  no_record: "we hold no record with this address" };
const STATUS_REASON_LABEL = "Why";

function day(t) { return t ? new Date(t).toLocaleDateString() : "—"; }

function show(req) {
  const dl = $("result-facts");
  dl.replaceChildren();
  const row = (k, v) => {
    dl.append(Object.assign(document.createElement("dt"), { textContent: k }),
      Object.assign(document.createElement("dd"), { textContent: v }));
  };
  row("Request", LABELS[req.type] || req.type);
  row("Status", STATUS[req.status] || req.status);
  row("Received", day(req.received_at));
  row("Answer due by", day(req.extended_due_at || req.due_at));
  if (req.outcome) row("Outcome", OUTCOME[req.outcome] || req.outcome);
  if (req.status_reason) row(STATUS_REASON_LABEL, req.status_reason);
  if (req.outcome_detail) row("Detail", req.outcome_detail);
  if (req.export) row("Your copy", "a ZIP file of " + Math.max(1, Math.round(req.export.size / 1024)) +
    " KB; the download link is in the e-mail we sent (it works for 24 hours, 3 times)" +
    (token ? ", and on your page (/me) until " + day(req.export.expires_at) : ""));
  const list = $("result-categories");
  list.replaceChildren();
  for (const c of req.categories || []) {
    const li = document.createElement("li");
    li.textContent = c.category + ": from " + c.sources + "; used for " + c.purposes + "; seen by " +
      c.recipients + "; kept " + c.retention + ".";
    list.append(li);
  }
  $("request").hidden = true;
  $("verify").hidden = true;
  const result = $("result");
  result.hidden = false;
  result.focus();
}

// Signed in, a correction goes in with the request; without a sign-in, only after the link.
function corrections() {
  if (!token || document.querySelector('input[name="type"]:checked').value !== "correct") return undefined;
  const value = $("correct-value").value.trim();
  return value ? [{ field: $("correct-field").value, value }] : undefined;
}

$("request").addEventListener("change", () => {
  const type = document.querySelector('input[name="type"]:checked').value;
  $("correction").hidden = type !== "correct";
  $("delete-warning").hidden = type !== "delete";
});

// What a deletion does, said before it is done; resolves true to go ahead.
function confirmDeletion() {
  return confirmStep({
    title: "Delete your data?",
    text: ["This deletes what we hold about you: your contact details, your resumes and other documents, and your applications. Any application that is still open is withdrawn, so you will no longer be considered for it.",
      "If the law makes us keep something for a while, it is locked away until then: only HR can see it, it is used for nothing else, and it is deleted when that time ends. We tell you what and why.",
      "This cannot be undone."],
    confirm: "Delete my data",
    cancel: "Keep my data",
  });
}

const FIELDS = { full_name: "Full name", email: "E-mail address", phone: "Phone number" };

// The corrections the form now asks for: each contact field that differs from the record.
function changes() {
  const out = [];
  for (const f of Object.keys(FIELDS)) {
    const v = $("c-" + f).value.trim();
    if (v !== ((current && current[f]) || "")) out.push({ field: f, value: v || null });
  }
  const other = $("c-other").value.trim();
  if (other) out.push({ field: "other", value: other });
  return out;
}

function review(list) {
  const dl = $("c-changes");
  dl.replaceChildren();
  for (const c of list) {
    const was = c.field === "other" ? "" : ((current && current[c.field]) || "nothing");
    const now = c.value === null ? "removed" : c.value;
    dl.append(Object.assign(document.createElement("dt"), { textContent: FIELDS[c.field] || "Something else" }),
      Object.assign(document.createElement("dd"), {
        textContent: c.field === "other" ? now : was + " \u2192 " + now +
          (c.field === "email" ? " (once you follow the link we send to the new address)" : ""),
      }));
  }
  $("c-review").hidden = false;
  $("v-submit").textContent = "Make these changes";
  reviewed = true;
  $("c-review").focus();
}

function unreview() {
  reviewed = false;
  $("c-review").hidden = true;
  $("v-submit").textContent = kind === "delete" ? "Delete my data" : "Confirm";
}

$("v-correct").addEventListener("input", unreview);
$("c-edit").addEventListener("click", () => { unreview(); $("c-full_name").focus(); });

$("request").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const type = document.querySelector('input[name="type"]:checked').value;
  const body = { type };
  const details = $("details").value.trim();
  if (details) body.details = details;
  const c = corrections();
  if (c) body.corrections = c;
  // signed in, a deletion is carried out as soon as it is sent
  if (token && type === "delete" && !(await confirmDeletion())) {
    say("Nothing was sent: your data stays as it is.");
    return;
  }
  if (!token) {
    const email = $("email").value.trim();
    if (!email || !$("email").checkValidity()) {
      showErrors(form, [{ field: "email", message: "Enter your e-mail address." }]);
      return;
    }
    body.email = email;
  }
  const res = await fetch(token ? "/v1/me/privacy-requests" : "/v1/privacy-requests", {
    method: "POST",
    headers: Object.assign({ "Content-Type": "application/json", Accept: "application/json" },
      token ? { Authorization: "Bearer " + token } : {}),
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (res.status === 202) {
    form.hidden = true;
    say(type === "opt_out"
      ? "Done: check your inbox for the receipt."
      : "Check your inbox: the receipt carries a link that shows the request is yours. It works once, for 72 hours.");
  } else if (res.status === 201) {
    say("Your request is in.");
    show(answer);
  } else if (res.status === 403 && answer.type && answer.type.endsWith("reauthentication-required")) {
    say("For this, sign in again first: your last sign-in was over 15 minutes ago.");
  } else if (res.status === 401) {
    sessionStorage.removeItem("recruitd.token");
    say("Your session has ended. Reload the page to ask without signing in, or sign in again on your page.");
  } else if (res.status === 429) {
    say(waitMessage(res));
  } else if (!showErrors(form, answer.errors)) {
    say(answer.detail || "The request could not be sent.");
  }
});

$("verify").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const body = { code };
  if (kind === "know_specific") {
    const name = $("v-name").value.trim(), phone = $("v-phone").value.trim();
    if (name) body.full_name = name;
    if (phone) body.phone = phone;
    if (!$("v-declare").checked) {
      showErrors(form, [{ field: "declaration", message: "A copy of your data needs this declaration." }]);
      return;
    }
    body.declaration = { signed_name: name || "-", accepted: true };
  }
  if (kind === "correct") {
    const list = changes();
    if (list.length > 0 && !reviewed) { review(list); return; } // shown before it is made
    if (list.length > 0) body.corrections = list;
  }
  if (kind === "delete" && !(await confirmDeletion())) {
    say("Nothing was deleted. The link still works until it expires, if you change your mind.");
    return;
  }
  const res = await fetch("/v1/privacy-requests/verifications", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (res.status === 200 && answer.status === "awaiting_verification") {
    say("The details did not match our record. Check them and try again; after three tries the request is denied.");
  } else if (res.status === 200) {
    const moving = (body.corrections || []).some((c) => c.field === "email");
    say(moving ? "Thank you: the request is confirmed. To change your e-mail address, follow the link we sent to the new address."
      : answer.status === "in_progress" ? "Thank you: the request is confirmed, and we are working on it."
        : "Thank you: the request is confirmed.");
    show(answer);
  } else if (res.status === 404) {
    form.hidden = true;
    say("This link was used already, or it expired after 72 hours. Please make the request again.");
    $("request").hidden = false;
  } else if (!showErrors(form, answer.errors)) {
    say(answer.detail || "The request could not be confirmed.");
  }
});

// What the link is for, before anything is done: the type, and a correction's record as it stands.
async function preview() {
  const res = await fetch("/v1/privacy-requests/verifications/preview", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ code }),
  });
  if (res.status === 404) {
    say("This link was used already, or it expired after 72 hours. Please make the request again.");
    $("request").hidden = false;
    return;
  }
  const answer = await res.json().catch(() => ({}));
  kind = answer.type;
  current = answer.current || null;
  $("v-intro").textContent = "Following the link showed that the address is yours: confirm your request (" +
    (LABELS[kind] || kind).toLowerCase() + ").";
  $("v-copy").hidden = kind !== "know_specific";
  $("v-correct").hidden = kind !== "correct";
  $("v-delete").hidden = kind !== "delete";
  $("v-submit").textContent = kind === "delete" ? "Delete my data" : "Confirm";
  if (kind === "correct") {
    for (const f of Object.keys(FIELDS)) $("c-" + f).value = (current && current[f]) || "";
    // corrections HR took down are shown as changes too, never applied unseen
    const other = [];
    for (const c of answer.corrections || []) {
      if (FIELDS[c.field] && typeof c.value === "string") $("c-" + c.field).value = c.value;
      else other.push(c.field + ": " + (typeof c.value === "string" ? c.value : JSON.stringify(c.value)));
    }
    $("c-other").value = other.join("\n");
  }
  $("verify").hidden = false;
}

async function start() {
  code = new URLSearchParams(location.search).get("code");
  if (code) {
    history.replaceState(null, "", location.pathname);
    await preview();
    return;
  }
  if (token) {
    $("email-field").hidden = true;
    $("correction-anonymous").hidden = true;
    $("correction-signed-in").hidden = false;
    say("You are signed in: your request goes straight in, no e-mailed link needed.");
  }
  $("request").hidden = false;
}

start();
