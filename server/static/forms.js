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

// A destructive step asks first, in plain words, and can be cancelled (Escape, or the
// button that keeps things as they are, which has the focus). Resolves true to go ahead.
// opts: {title, text (a string or a list of paragraphs), confirm, cancel}.
function confirmStep(opts) {
  return new Promise((resolve) => {
    const dialog = document.createElement("dialog");
    dialog.className = "confirm";
    const id = "confirm-" + Math.random().toString(36).slice(2);
    dialog.setAttribute("aria-labelledby", id + "-title");
    dialog.setAttribute("aria-describedby", id + "-text");
    const h = Object.assign(document.createElement("h2"), { id: id + "-title", textContent: opts.title });
    const text = document.createElement("div");
    text.id = id + "-text";
    for (const p of [].concat(opts.text)) text.append(Object.assign(document.createElement("p"), { textContent: p }));
    const actions = document.createElement("div");
    actions.className = "actions";
    const yes = Object.assign(document.createElement("button"), { type: "button", className: "danger", textContent: opts.confirm });
    yes.dataset.answer = "confirm";
    const no = Object.assign(document.createElement("button"), { type: "button", className: "secondary", textContent: opts.cancel || "Cancel" });
    no.dataset.answer = "cancel";
    actions.append(no, yes);
    dialog.append(h, text, actions);
    document.body.append(dialog);
    const opener = document.activeElement;
    let answered = false;
    const done = (answer) => {
      if (answered) return;
      answered = true;
      dialog.close();
      dialog.remove();
      if (opener && opener.isConnected && opener.focus) opener.focus();
      resolve(answer);
    };
    yes.addEventListener("click", () => done(true));
    no.addEventListener("click", () => done(false));
    dialog.addEventListener("cancel", (e) => { e.preventDefault(); done(false); });
    dialog.showModal();
    no.focus();
  });
}
