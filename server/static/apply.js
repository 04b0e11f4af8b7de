// The careers pages (/jobs, /apply, and a job's own page /jobs/{id}). The server renders the
// openings and the form, which posts without JavaScript too; with it, the form is sent by
// fetch, each error is shown beside its field with focus on the first, and success says to
// check the inbox. A careers page with no open position has no form: nothing to do.
"use strict";

const form = document.getElementById("apply-form");
const formError = document.getElementById("form-error");
const fixedPosition = form && form.opening_id && form.opening_id.type === "hidden";
// One key per page: sending again after a lost answer returns the first answer instead of
// sending a second confirmation e-mail. Only a successful answer is remembered.
const idempotencyKey = self.crypto && crypto.randomUUID ? crypto.randomUUID()
  : Date.now().toString(36) + Math.random().toString(36).slice(2);

function clearErrors() {
  formError.hidden = true;
  formError.textContent = "";
  for (const summary of form.querySelectorAll(".form-error:not(#form-error)")) summary.remove();
  for (const field of form.querySelectorAll(".field")) {
    field.classList.remove("invalid");
    const err = field.querySelector(".error");
    if (err) err.textContent = "";
    const input = field.querySelector("input, select");
    if (input) {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
  }
}

// Shows message beside the field; returns its input (to focus), or null when there is none.
function showError(name, message) {
  const field = form.querySelector('.field[data-field="' + CSS.escape(name) + '"]');
  if (!field) return null;
  field.classList.add("invalid");
  field.querySelector(".error").textContent = message;
  const input = field.querySelector("input, select");
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", name + "-error");
  }
  return input;
}

// Checks the browser can make before sending; the server checks everything again.
function checkLocally() {
  const missing = [];
  if (!form.opening_id.value && !fixedPosition) missing.push(["opening_id", "Choose a position."]);
  if (!form.full_name.value.trim()) missing.push(["full_name", "Your name is required."]);
  if (!form.email.value.trim()) missing.push(["email", "Your e-mail address is required."]);
  else if (!form.email.checkValidity()) missing.push(["email", "This does not look like an e-mail address."]);
  if (!form.resume.files.length) missing.push(["resume", "Attach your resume."]);
  if (!form.privacy_notice_accepted.checked) missing.push(["privacy_notice_accepted", "Please accept the privacy notice to apply."]);
  if (!form.age_16_or_over.checked) missing.push(["age_16_or_over", "You must be 16 or over to apply."]);
  return missing;
}

function focusFirst(errors) {
  let first = null;
  for (const [name, message] of errors) {
    const input = showError(name, message);
    if (!first && input) first = input;
  }
  if (first) first.focus();
  return first;
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  const local = checkLocally();
  if (local.length) {
    focusFirst(local);
    return;
  }
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
    if (res.status === 202) {
      form.hidden = true;
      const list = document.getElementById("openings-section");
      if (list) list.hidden = true;
      const done = document.getElementById("done");
      done.hidden = false;
      done.focus();
      return;
    }
    const errors = body.errors || [];
    if (fixedPosition && errors.some((e) => e.field === "opening_id")) {
      formError.textContent = "This position is no longer open. The open positions are listed on the careers page.";
      formError.hidden = false;
      formError.focus();
      return;
    }
    const placed = focusFirst(errors.map((e) => [e.field, e.message]));
    if (!placed) {
      formError.textContent = res.status === 429
        ? waitMessage(res)
        : body.detail || "Your application could not be sent. Please try again.";
      formError.hidden = false;
      formError.focus();
    }
  } catch (e) {
    formError.textContent = "Your application could not be sent. Check your connection and try again.";
    formError.hidden = false;
  } finally {
    button.disabled = false;
    button.textContent = "Send my application";
  }
}

if (form) {
  form.addEventListener("submit", submit);
  formError.tabIndex = -1;
}
