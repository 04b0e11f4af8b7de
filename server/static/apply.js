// The careers page: lists open positions, sends the application as
// multipart/form-data to /v1/apply, shows each error next to its field,
// and shows the applicant token once.
"use strict";

const form = document.getElementById("apply-form");
const select = document.getElementById("opening_id");
const list = document.getElementById("openings");
const status = document.getElementById("openings-status");
const formError = document.getElementById("form-error");
// One key per page: sending again after a lost answer returns the first answer
// instead of applying twice. Only a successful application is remembered, so
// correcting a field and sending again is fine.
const idempotencyKey = self.crypto && crypto.randomUUID ? crypto.randomUUID()
  : Date.now().toString(36) + Math.random().toString(36).slice(2);

function text(tag, className, value) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  el.textContent = value;
  return el;
}

async function loadOpenings() {
  try {
    const res = await fetch("/v1/openings?limit=200", { headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error("status " + res.status);
    const { items } = await res.json();
    list.replaceChildren();
    for (const o of items) {
      const where = [o.location, o.region, o.country].filter(Boolean).join(", ");
      const li = document.createElement("li");
      li.append(text("div", "title", o.title), text("div", "where", [o.department, where].filter(Boolean).join(" · ")));
      list.append(li);
      const opt = document.createElement("option");
      opt.value = o.id;
      opt.textContent = where ? o.title + " (" + where + ")" : o.title;
      select.append(opt);
    }
    status.textContent = items.length ? "" : "There are no open positions right now.";
    status.hidden = items.length > 0;
  } catch (e) {
    status.textContent = "The open positions could not be loaded. Please try again later.";
  }
}

function clearErrors() {
  formError.hidden = true;
  formError.textContent = "";
  for (const field of form.querySelectorAll(".field")) {
    field.classList.remove("invalid");
    const err = field.querySelector(".error");
    if (err) err.textContent = "";
    const input = field.querySelector("input, select");
    if (input) input.removeAttribute("aria-invalid");
  }
}

function showError(name, message) {
  const field = form.querySelector('.field[data-field="' + CSS.escape(name) + '"]');
  if (!field) return false;
  field.classList.add("invalid");
  field.querySelector(".error").textContent = message;
  const input = field.querySelector("input, select");
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", name + "-error");
  }
  return true;
}

// Checks the browser can make before sending; the server checks everything again.
function checkLocally() {
  const missing = [];
  if (!select.value) missing.push(["opening_id", "Choose a position."]);
  if (!form.full_name.value.trim()) missing.push(["full_name", "Your name is required."]);
  if (!form.email.value.trim()) missing.push(["email", "Your e-mail address is required."]);
  else if (!form.email.checkValidity()) missing.push(["email", "This does not look like an e-mail address."]);
  if (!form.resume.files.length) missing.push(["resume", "Attach your resume."]);
  if (!form.privacy_notice_accepted.checked) missing.push(["privacy_notice_accepted", "Please accept the privacy notice to apply."]);
  if (!form.age_16_or_over.checked) missing.push(["age_16_or_over", "You must be 16 or over to apply."]);
  for (const [name, message] of missing) showError(name, message);
  return missing.length === 0;
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  if (!checkLocally()) return;
  const button = document.getElementById("submit");
  button.disabled = true;
  button.textContent = "Sending…";
  try {
    const data = new FormData(form);
    if (!form.marketing_opt_in.checked) data.set("marketing_opt_in", "false");
    const res = await fetch("/v1/apply", {
      method: "POST",
      body: data,
      headers: { Accept: "application/json", "Idempotency-Key": idempotencyKey },
    });
    const body = await res.json().catch(() => ({}));
    if (res.status === 201) {
      form.hidden = true;
      document.getElementById("openings-section").hidden = true;
      document.getElementById("token").textContent = body.applicant_token;
      const done = document.getElementById("done");
      done.hidden = false;
      done.scrollIntoView();
      return;
    }
    let placed = false;
    for (const e of body.errors || []) placed = showError(e.field, e.message) || placed;
    if (!placed || res.status === 409 || res.status === 413 || res.status === 415) {
      formError.textContent = body.detail || "Your application could not be sent. Please try again.";
      formError.hidden = false;
    }
  } catch (e) {
    formError.textContent = "Your application could not be sent. Check your connection and try again.";
    formError.hidden = false;
  } finally {
    button.disabled = false;
    button.textContent = "Send my application";
  }
}

form.addEventListener("submit", submit);
loadOpenings();
