// The privacy request page. Without a sign-in: choose a right, give an address, follow the
// e-mailed link back here (the code is taken out of the address bar), confirm, and see the
// request's status and outcome. Signed in on /me (the token in sessionStorage), the same
// requests take one step.
"use strict";

const $ = (id) => document.getElementById(id);
const token = sessionStorage.getItem("recruitd.token");
const pageStatus = $("page-status");
let code = null;

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
  if (req.outcome_detail) row("Detail", req.outcome_detail);
  if (req.export) row("Your copy", "a ZIP file of " + Math.max(1, Math.round(req.export.size / 1024)) +
    " KB; the download link is in the e-mail we sent (it works for 24 hours, 3 times)" +
    (token ? ", and on your page until " + day(req.export.expires_at) : ""));
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

function corrections() {
  if (document.querySelector('input[name="type"]:checked').value !== "correct") return undefined;
  return [{ field: $("correct-field").value, value: $("correct-value").value.trim() }];
}

$("request").addEventListener("change", () => {
  $("correction").hidden = document.querySelector('input[name="type"]:checked').value !== "correct";
});

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
  const name = $("v-name").value.trim(), phone = $("v-phone").value.trim();
  if (name) body.full_name = name;
  if (phone) body.phone = phone;
  if ($("v-declare").checked) body.declaration = { signed_name: name || "-", accepted: true };
  const res = await fetch("/v1/privacy-requests/verifications", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (res.status === 200 && answer.status === "awaiting_verification") {
    say("The details did not match our record. Check them and try again; after three tries the request is denied.");
  } else if (res.status === 200) {
    say(answer.status === "in_progress" ? "Thank you: the request is confirmed, and we are working on it."
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

function start() {
  code = new URLSearchParams(location.search).get("code");
  if (code) {
    history.replaceState(null, "", location.pathname);
    $("verify").hidden = false;
    return;
  }
  if (token) {
    $("email-field").hidden = true;
    say("You are signed in: your request goes straight in, no e-mailed link needed.");
  }
  $("request").hidden = false;
}

start();
