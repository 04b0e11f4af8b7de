// The confirmation link's page: exchanges the code once for an applicant token, keeps the
// token in sessionStorage (never in a URL), takes the code out of the address bar, and leads
// to the applicant's page.
"use strict";

const statusEl = document.getElementById("confirm-status");
const title = document.getElementById("confirm-title");

async function confirmCode() {
  const code = new URLSearchParams(location.search).get("code");
  history.replaceState(null, "", location.pathname);
  if (!code) {
    title.textContent = "No confirmation code";
    statusEl.textContent = "Open the link from the e-mail we sent you; it carries the code.";
    document.getElementById("confirm-again").hidden = false;
    return;
  }
  try {
    const res = await fetch("/v1/apply/confirmations", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ code }),
    });
    const body = await res.json().catch(() => ({}));
    if (res.status === 201) {
      sessionStorage.setItem("recruitd.token", body.applicant_token);
      title.textContent = "Your application is confirmed";
      statusEl.textContent = "Thank you. Taking you to your page, where you can see everything we hold about you.";
      document.getElementById("confirm-next").hidden = false;
      setTimeout(() => location.assign("/me"), 1200);
      return;
    }
    title.textContent = res.status === 409 ? "Already applied" : "This link does not work";
    statusEl.textContent = res.status === 409
      ? "You have applied to this opening already. Sign in to your page to follow it."
      : res.status === 404
        ? "The link was used already, or it expired after 24 hours. Please apply again."
        : body.detail || "The application could not be confirmed. Please try again later.";
  } catch (e) {
    title.textContent = "Not confirmed yet";
    statusEl.textContent = "The application could not be confirmed. Check your connection and open the link again.";
  }
  document.getElementById("confirm-again").hidden = false;
}

confirmCode();
