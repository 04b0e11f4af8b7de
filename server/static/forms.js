// The pages' field errors, shared by /me and /privacy: each error beside its field
// (data-field names it; "corrections[0].value" belongs to "corrections"), aria-invalid and
// aria-describedby set, focus on the first.
"use strict";

function clearErrors(form) {
  for (const f of form.querySelectorAll(".field")) {
    f.classList.remove("invalid");
    const e = f.querySelector(".error");
    if (e) e.textContent = "";
    for (const i of f.querySelectorAll("input, select, textarea")) {
      i.removeAttribute("aria-invalid");
      i.removeAttribute("aria-describedby");
    }
  }
}

// Puts each error beside its field and focuses the first; false when none had a field.
function showErrors(form, errors) {
  let first = null;
  for (const e of errors || []) {
    const name = e.field.replace(/\[.*$/, "").replace(/\..*$/, "");
    const f = form.querySelector('.field[data-field="' + CSS.escape(name) + '"]');
    if (!f) continue;
    f.classList.add("invalid");
    const err = f.querySelector(".error");
    err.textContent = e.message;
    const i = f.querySelector("input, select, textarea");
    if (i) {
      i.setAttribute("aria-invalid", "true");
      i.setAttribute("aria-describedby", err.id);
      if (!first) first = i;
    }
  }
  if (first) first.focus();
  return first !== null;
}

// How long a rate-limited person waits, in words, from the answer's Retry-After (seconds).
function waitMessage(res) {
  const s = parseInt(res.headers.get("Retry-After") || "", 10);
  if (!(s > 0)) return "Too many attempts. Please try again later.";
  if (s < 90) return "Too many attempts. Please try again in " + s + " seconds.";
  if (s < 90 * 60) return "Too many attempts. Please try again in about " + Math.ceil(s / 60) + " minutes.";
  return "Too many attempts. Please try again in about " + Math.ceil(s / 3600) + " hours.";
}
