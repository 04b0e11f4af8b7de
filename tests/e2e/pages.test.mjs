// The applicant's pages in a real browser: headless Chromium (Debian's), driven by
// playwright-core, at a phone's size and a desktop's. Starts its own bin/recruitd against
// the test database, writing e-mail as .eml files into a directory of its own, and goes
// through what a person does: apply, read the confirmation e-mail, confirm, see the record,
// apply to a second opening, upload, remove an older resume, withdraw (each destructive step
// asked first, cancelled once), sign out, sign in again by e-mailed link, ask for a copy of
// their data, download it from /me and read its report offline. The careers site (/jobs, a
// job's own page with its JSON-LD, a closed one, a fresh install with no position) and a
// deletion request's confirmation too. The forms are also sent without JavaScript. Every
// page passes axe-core with no serious or critical violation, the layout check, and reports
// no Content-Security-Policy violation. Screenshots go to $RECRUITD_TEST_LOGDIR.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, writeFileSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, existsSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { layoutCheck } from "./layout.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through scripts/test.sh)`);
  return v;
};

const logdir = process.env.RECRUITD_TEST_LOGDIR || tmpdir();
const work = mkdtempSync(join(tmpdir(), "recruitd-e2e-"));
const mailDir = join(work, "mail");
const pdfPath = join(work, "Lebenslauf Zoë.pdf");
const run = `${process.pid}-${Date.now()}`;
let server, base, browser, staffToken;
const openings = [];

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitReady() {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(base + "/healthz");
      if (r.ok) return;
    } catch {}
    await sleep(100);
  }
  throw new Error("recruitd did not come up");
}

async function makeOpening(title, extra = {}) {
  const r = await fetch(base + "/v1/openings", {
    method: "POST",
    headers: { Authorization: `Bearer ${staffToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ title, department: "Platform", country: "DE", region: "BE", location: "Berlin", ...extra }),
  });
  assert.equal(r.status, 201);
  return (await r.json()).id;
}

before(async () => {
  mkdirSync(mailDir, { recursive: true });
  mkdirSync(logdir, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const log = openSync(join(logdir, "recruitd-e2e.log"), "w");
  server = spawn(env("RECRUITD_TEST_BIN"), [], {
    env: {
      ...process.env, RECRUITD_LISTEN: `127.0.0.1:${port}`, RECRUITD_PUBLIC_URL: base,
      RECRUITD_SMTP_URL: "", RECRUITD_MAIL_DIR: mailDir, RECRUITD_MAIL_INTERVAL_MS: "50",
      RECRUITD_RATE_PER_ADDRESS_MINUTE: "100000",
    },
    stdio: ["ignore", "ignore", log],
  });
  await waitReady();
  staffToken = execFileSync(env("RECRUITD_TEST_CTL"),
    ["key", "create", "--role", "recruiter", "--name", `e2e-${run}`]).toString().trim();
  openings.push(await makeOpening(`Site Reliability Engineer ${run}`));
  openings.push(await makeOpening(`Database Engineer ${run}`));
  writeFileSync(pdfPath, "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
  browser = await chromium.launch({
    executablePath: process.env.RECRUITD_CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  if (server) {
    const exited = new Promise((resolve) => server.on("exit", (code) => resolve(code)));
    server.kill("SIGTERM");
    assert.equal(await exited, 0, "recruitd exits 0 on SIGTERM");
  }
});

// The link to {base}{path}?code=... in the newest message to `to`, read from the .eml files
// recruitd delivered; the file is removed.
async function mailedLink(to, path) {
  const prefix = `${base}${path}?code=`;
  for (let i = 0; i < 200; i++) {
    const files = readdirSync(mailDir).filter((f) => f.endsWith(".eml")).sort().reverse();
    for (const f of files) {
      const text = readFileSync(join(mailDir, f), "utf8");
      const at = text.indexOf(prefix);
      if (text.includes(`\r\nTo: ${to}\r\n`) && at >= 0) {
        unlinkSync(join(mailDir, f));
        assert.match(text, /Content-Type: text\/plain; charset=utf-8/);
        assert.doesNotMatch(text, /<img|<html/i); // plain text, no tracking
        return text.slice(at).split(/\s/)[0];
      }
    }
    await sleep(50);
  }
  throw new Error(`no e-mail to ${to} with a link to ${path}`);
}

// axe-core in the page: no serious or critical violation; and the layout check (layout.mjs):
// every label beside its control, no two controls overlapping.
async function accessible(page, what) {
  await layoutCheck(page, what);
  const refused = await page.evaluate(() => window.__csp || []);
  assert.deepEqual(refused, [], `${what}: Content-Security-Policy violations`);
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`), [],
    `${what}: accessibility`);
}

// The same check for a page shown with JavaScript off (where axe cannot run): its HTML, loaded
// into a page of the same origin that can run it.
async function accessibleWithoutScript(page, what) {
  const html = await page.content();
  const { context, page: checker } = await newPage(page.viewportSize());
  await checker.goto(base + "/healthz");
  await checker.setContent(html, { waitUntil: "load" });
  await accessible(checker, what);
  await context.close();
}

async function newPage(viewport, options = {}) {
  const context = await browser.newContext({ viewport, ...options });
  // every violation of the page's policy is recorded (the JSON-LD data block must not be one)
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  return { context, page, problems };
}

const shot = (page, name) => page.screenshot({ path: join(logdir, `e2e-${name}.png`), fullPage: true });

for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
  test(`${size}: apply, confirm by e-mail, see the record, act on it, sign out and in again`, async () => {
    const { context, page, problems } = await newPage(viewport);
    const email = `e2e.${size}.${run}@example.com`;

    // the careers page: openings, the form, the notice beside the consent box
    await page.goto(base + "/apply");
    await page.getByText(`Site Reliability Engineer ${run}`).first().waitFor();
    const notice = page.locator('.field[data-field="privacy_notice_accepted"] a');
    assert.equal(await notice.getAttribute("href"), "/privacy-notice");
    await accessible(page, `${size} /apply`);
    await page.selectOption("#opening_id", openings[0]);
    await page.fill("#full_name", "Zoë Ñandú");
    await page.fill("#email", email);
    await page.fill("#phone", "+49 30 1234567");
    await page.setInputFiles("#resume", pdfPath);
    await page.check("#privacy_notice_accepted");
    await page.check("#age_16_or_over");
    await shot(page, `${size}-apply-form`);
    await page.click("#submit");
    await page.locator("#done").waitFor({ state: "visible" });
    assert.match(await page.textContent("#done"), /Check your inbox/);
    await shot(page, `${size}-apply-sent`);

    // the e-mail's link confirms and leads to the applicant's page
    const link = await mailedLink(email, "/apply/confirm");
    await page.goto(link);
    await page.waitForURL(base + "/me", { timeout: 10000 });
    await page.locator("#signed-in").waitFor({ state: "visible" });
    assert.equal(new URL(page.url()).search, "", "the code left the address bar");
    const held = await page.textContent("#held");
    assert.match(held, /Zoë Ñandú/);
    assert.match(held, new RegExp(email.replace(/[.]/g, "\\.")));
    assert.match(held, /careers page/); // where it came from
    assert.match(held, /Kept until/);
    assert.match(await page.textContent("#applications"), new RegExp(`Site Reliability Engineer ${run}: applied`));
    assert.match(await page.textContent("#documents"), /Lebenslauf Zoë\.pdf/);
    assert.equal(await page.evaluate(() => location.href.includes("code")), false);
    await accessible(page, `${size} /me`);
    await shot(page, `${size}-me`);

    // apply to a second opening
    await page.selectOption("#opening_id", openings[1]);
    await page.click("#apply-again button[type=submit]");
    await page.getByText(`Database Engineer ${run}: applied`).waitFor();

    // a newer resume
    await page.setInputFiles("#file", { name: "cv #2026.txt", mimeType: "text/plain", buffer: Buffer.from("Zoë Ñandú\nNewer CV\n") });
    await page.click("#upload button[type=submit]");
    await page.getByText("cv #2026.txt").waitFor();

    // the older resume removed: asked first, in plain words, and cancelled once
    const dialog = page.locator("dialog.confirm");
    await page.getByRole("button", { name: "Remove Lebenslauf Zoë.pdf" }).click();
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /deleted for good/);
    await accessible(page, `${size} /me: removing a document, asked first`);
    await shot(page, `${size}-me-remove-document`);
    await dialog.getByRole("button", { name: "Keep it" }).click();
    await dialog.waitFor({ state: "detached" });
    assert.match(await page.textContent("#documents"), /Lebenslauf Zoë\.pdf/);
    await page.getByRole("button", { name: "Remove Lebenslauf Zoë.pdf" }).click();
    await dialog.getByRole("button", { name: "Remove the document" }).click();
    await page.getByText("Lebenslauf Zoë.pdf is removed.").waitFor();
    assert.doesNotMatch(await page.textContent("#documents"), /Lebenslauf/);

    // withdraw the first: asked first; Escape keeps it, the dialog's button withdraws it
    const withdrawButton = page.getByRole("button", { name: `Withdraw the application to Site Reliability Engineer ${run}` });
    await withdrawButton.click();
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /cannot be undone/);
    await accessible(page, `${size} /me: withdrawing, asked first`);
    await shot(page, `${size}-me-withdraw-confirm`);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.match(await page.textContent("#applications"), new RegExp(`Site Reliability Engineer ${run}: applied`));
    await withdrawButton.click();
    await dialog.getByRole("button", { name: "Withdraw the application" }).click();
    await page.getByText(`Site Reliability Engineer ${run}: withdrawn`).waitFor();

    // opt out of sharing
    await page.check("#sharing_opt_out");
    await page.click("#choices button[type=submit]");
    await page.getByText("Your choices are saved.").waitFor();
    assert.match(await page.textContent("#held"), /opted out/);
    await shot(page, `${size}-me-after`);

    // sign out: the token is gone from the browser and from the server
    const token = await page.evaluate(() => sessionStorage.getItem("recruitd.token"));
    await page.click("#sign-out");
    await page.locator("#sign-in").waitFor({ state: "visible" });
    assert.equal(await page.evaluate(() => sessionStorage.getItem("recruitd.token")), null);
    const after = await fetch(base + "/v1/me", { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(after.status, 401);
    await accessible(page, `${size} /me signed out`);

    // sign in again by an e-mailed link
    await page.fill("#sign-in-email", email);
    await page.click("#sign-in button[type=submit]");
    await page.getByText(/Check your inbox/).waitFor();
    await shot(page, `${size}-sign-in-sent`);
    await page.goto(await mailedLink(email, "/me"));
    await page.locator("#signed-in").waitFor({ state: "visible" });
    assert.equal(new URL(page.url()).search, "");
    assert.match(await page.textContent("#applications"), /withdrawn/);

    // a privacy request, signed in: one step
    await page.click("#privacy-link");
    await page.waitForURL(base + "/privacy");
    await page.getByText(/You are signed in/).waitFor();
    assert.equal(await page.locator("#email-field").isHidden(), true);
    await accessible(page, `${size} /privacy signed in`);
    await page.check('input[name="type"][value="know_categories"]');
    await page.click("#request button[type=submit]");
    await page.locator("#result").waitFor({ state: "visible" });
    assert.match(await page.textContent("#result-facts"), /answered/);
    assert.match(await page.textContent("#result-categories"), /identifiers and contact details/);
    await accessible(page, `${size} /privacy answered`);
    await shot(page, `${size}-privacy-signed-in`);

    // a copy of the data, signed in (a fresh sign-in): listed on /me with its download
    await page.goto(base + "/privacy");
    await page.getByText(/You are signed in/).waitFor();
    await page.check('input[name="type"][value="know_specific"]');
    await page.click("#request button[type=submit]");
    await page.locator("#result").waitFor({ state: "visible" });
    assert.match(await page.textContent("#result-facts"), /on your page/);
    await page.goto(base + "/me");
    await page.locator("#signed-in").waitFor({ state: "visible" });
    await page.getByText(/A copy of your data: answered/).waitFor();
    assert.match(await page.textContent("#requests"), /What categories of data we hold: answered/);
    await accessible(page, `${size} /me with requests`);
    await shot(page, `${size}-me-requests`);
    const [download] = await Promise.all([page.waitForEvent("download"),
      page.getByRole("button", { name: /Download your copy/ }).click()]);
    const zipPath = join(work, `copy-${size}.zip`);
    await download.saveAs(zipPath);
    assert.equal(readFileSync(zipPath).subarray(0, 2).toString(), "PK");
    await page.getByText(/Your copy is downloaded/).waitFor();
    if (size === "desktop") await readReport(zipPath, email);

    // the notice
    await page.goto(base + "/privacy-notice");
    await page.getByRole("heading", { name: "Privacy notice for applicants" }).waitFor();
    await accessible(page, `${size} /privacy-notice`);
    await shot(page, `${size}-notice`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test("without JavaScript the form posts and the answers are pages", async () => {
  const { context, page } = await newPage(PHONE, { javaScriptEnabled: false });
  await page.goto(base + "/apply");
  const email = `e2e.nojs.${run}@example.com`;
  // errors first: the careers page again, each beside its field, focus on the first
  await page.selectOption("#opening_id", openings[0]);
  await page.fill("#email", "nobody@localhost");
  await page.setInputFiles("#resume", pdfPath);
  const [answer] = await Promise.all([page.waitForNavigation(), page.click("#submit")]);
  assert.equal(answer.status(), 422);
  assert.equal(new URL(page.url()).pathname, "/v1/apply");
  assert.match(await page.textContent("#full_name-error"), /required/);
  assert.match(await page.textContent("#email-error"), /e-mail/);
  assert.match(await page.textContent("#privacy_notice_accepted-error"), /must be true/);
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), "full_name");
  await accessibleWithoutScript(page, "the form's errors without JavaScript");
  await shot(page, "nojs-errors");
  // then right
  await page.selectOption("#opening_id", openings[0]);
  await page.fill("#full_name", "Noah Script");
  await page.fill("#email", email);
  await page.setInputFiles("#resume", pdfPath);
  await page.check("#privacy_notice_accepted");
  await page.check("#age_16_or_over");
  const [sent] = await Promise.all([page.waitForNavigation(), page.click("#submit")]);
  assert.equal(sent.status(), 202);
  assert.match(await page.textContent("h1"), /Check your inbox/);
  await accessibleWithoutScript(page, "the answer without JavaScript");
  await shot(page, "nojs-sent");
  assert.match(await mailedLink(email, "/apply/confirm"), /code=[A-Za-z0-9_-]{43}$/);
  await context.close();
});

test("with JavaScript, errors appear beside their fields and focus moves to the first", async () => {
  const { context, page } = await newPage(DESKTOP);
  await page.goto(base + "/apply");
  let posted = false;
  page.on("request", (r) => { if (r.url().endsWith("/v1/apply")) posted = true; });
  await page.selectOption("#opening_id", openings[0]);
  await page.fill("#email", `nameless.${run}@example.com`);
  await page.setInputFiles("#resume", pdfPath);
  await page.check("#privacy_notice_accepted");
  await page.check("#age_16_or_over");
  await page.click("#submit");
  await page.locator("#full_name-error").waitFor({ state: "visible" });
  assert.match(await page.textContent("#full_name-error"), /name/i);
  assert.equal(await page.evaluate(() => document.activeElement.id), "full_name");
  assert.equal(posted, false);
  // what only the server can tell
  await page.fill("#full_name", "Server Side");
  await page.fill("#email", "someone@localhost");
  const answered = page.waitForResponse((r) => r.url().endsWith("/v1/apply"));
  await page.click("#submit");
  assert.equal((await answered).status(), 422);
  await page.locator("#email-error").waitFor({ state: "visible" });
  assert.match(await page.textContent("#email-error"), /e-mail/i);
  assert.equal(await page.evaluate(() => document.activeElement.id), "email");
  await accessible(page, "/apply with errors");
  await shot(page, "apply-errors");
  await context.close();
});

test("anyone makes a privacy request, confirms it by the e-mailed link, and sees the answer", async () => {
  const email = `e2e.privacy.${run}@example.com`;
  const made = await fetch(base + "/v1/applicants", {
    method: "POST",
    headers: { Authorization: `Bearer ${staffToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ full_name: "Priya Vacy", email, phone: "+49 30 7654321" }),
  });
  assert.equal(made.status, 201);
  // the request form at a phone's width and a desktop's
  for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
    const { context: c, page: p } = await newPage(viewport);
    await p.goto(base + "/privacy?utm_source=newsletter");
    await accessible(p, `${size} /privacy`);
    await shot(p, `${size}-privacy-form`);
    await c.close();
  }
  const { context, page, problems } = await newPage(DESKTOP);
  await page.goto(base + "/privacy");
  await accessible(page, "/privacy");
  await page.check('input[name="type"][value="know_specific"]');
  await page.fill("#email", email);
  await page.click("#request button[type=submit]");
  await page.getByText(/Check your inbox/).waitFor();
  await shot(page, "privacy-sent");
  await page.goto(await mailedLink(email, "/privacy"));
  assert.equal(new URL(page.url()).search, "", "the code left the address bar");
  await page.locator("#verify").waitFor({ state: "visible" });
  await accessible(page, "/privacy verification");
  // wrong details first: said, not denied
  await page.fill("#v-name", "Someone Else");
  await page.fill("#v-phone", "+49 30 7654321");
  await page.check("#v-declare");
  await page.click("#verify button[type=submit]");
  await page.getByText(/did not match/).waitFor();
  await page.fill("#v-name", "Priya Vacy");
  await page.click("#verify button[type=submit]");
  await page.locator("#result").waitFor({ state: "visible" });
  const facts = await page.textContent("#result-facts");
  assert.match(facts, /answered/);
  assert.match(facts, /download link is in the e-mail/);
  // the e-mailed link downloads the package
  const text = await (async () => {
    for (let i = 0; i < 200; i++) {
      for (const f of readdirSync(mailDir).filter((f) => f.endsWith(".eml"))) {
        const t = readFileSync(join(mailDir, f), "utf8");
        if (t.includes(`\r\nTo: ${email}\r\n`) && t.includes("/v1/exports/")) return t;
      }
      await sleep(50);
    }
    throw new Error("no e-mail with the download link");
  })();
  const url = text.slice(text.indexOf(base + "/v1/exports/")).split(/\s/)[0];
  const zip = await fetch(url);
  assert.equal(zip.status, 200);
  assert.equal(zip.headers.get("content-type"), "application/zip");
  assert.equal(Buffer.from(await zip.arrayBuffer()).subarray(0, 2).toString(), "PK");
  await accessible(page, "/privacy confirmed");
  await shot(page, "privacy-confirmed");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a correction is given after the link, shown before it is made, and a new address waits for its own link", async () => {
  const email = `e2e.correct.${run}@example.com`;
  const moved = `e2e.moved.${run}@example.com`;
  const made = await fetch(base + "/v1/applicants", {
    method: "POST",
    headers: { Authorization: `Bearer ${staffToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ full_name: "Cora Rect", email, phone: "+49 30 1234567" }),
  });
  assert.equal(made.status, 201);
  const id = (await made.json()).id;
  const { context, page, problems } = await newPage(PHONE);
  await page.goto(base + "/privacy");
  await page.check('input[name="type"][value="correct"]');
  assert.equal(await page.locator("#correct-value").isVisible(), false, "no corrections before the link");
  await page.fill("#email", email);
  await page.fill("#details", "My phone number and address changed.");
  await page.click("#request button[type=submit]");
  await page.getByText(/Check your inbox/).waitFor();
  await page.goto(await mailedLink(email, "/privacy"));
  await page.locator("#v-correct").waitFor({ state: "visible" });
  assert.equal(await page.inputValue("#c-phone"), "+49 30 1234567", "what we hold is shown");
  assert.equal(await page.inputValue("#c-email"), email);
  await page.fill("#c-phone", "+49 30 7654321");
  await page.fill("#c-email", moved);
  await page.click("#verify button[type=submit]");
  await page.locator("#c-review").waitFor({ state: "visible" });
  const changes = await page.textContent("#c-changes");
  assert.match(changes, /\+49 30 1234567 \u2192 \+49 30 7654321/);
  assert.match(changes, /follow the link/);
  await accessible(page, "/privacy correction review");
  await shot(page, "privacy-correction-review");
  await page.click("#verify button[type=submit]");
  await page.locator("#result").waitFor({ state: "visible" });
  await page.getByText(/follow the link we sent to the new address/).waitFor();
  const record = await (await fetch(base + "/v1/applicants/" + id, { headers: { Authorization: `Bearer ${staffToken}` } })).json();
  assert.equal(record.phone, "+49 30 7654321");
  assert.equal(record.email, email, "the old address until the new one's link is followed");
  // the new address's link, on /me
  const text = await (async () => {
    for (let i = 0; i < 200; i++) {
      for (const f of readdirSync(mailDir).filter((f) => f.endsWith(".eml"))) {
        const t = readFileSync(join(mailDir, f), "utf8");
        if (t.includes(`\r\nTo: ${moved}\r\n`) && t.includes("/me?email_code=")) return t;
      }
      await sleep(50);
    }
    throw new Error("no e-mail to the new address");
  })();
  const link = text.slice(text.indexOf(base + "/me?email_code=")).split(/\s/)[0];
  await page.goto(link);
  await page.getByText(/new e-mail address is confirmed/).waitFor();
  assert.equal(new URL(page.url()).search, "", "the code left the address bar");
  const after = await (await fetch(base + "/v1/applicants/" + id, { headers: { Authorization: `Bearer ${staffToken}` } })).json();
  assert.equal(after.email, moved);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a used confirmation link says so", async () => {
  const { context, page } = await newPage(PHONE);
  await page.goto(base + "/apply/confirm?code=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  await page.getByText(/used already, or it expired/).waitFor();
  assert.equal(new URL(page.url()).search, "");
  await accessible(page, "/apply/confirm with a dead code");
  await context.close();
});

// The copy of one's data as its owner reads it: the ZIP unzipped, index.html opened in
// Chromium from the files with no network at all. The report reads in plain words, every
// document link opens its file in the package, and nothing is fetched from anywhere else.
async function readReport(zipPath, email) {
  const dir = mkdtempSync(join(work, "report-"));
  execFileSync("unzip", ["-q", zipPath, "-d", dir]);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  const sizes = new Map(manifest.files.map((f) => [f.path, f.size]));
  for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
    const { context, page, problems } = await newPage(viewport, { offline: true });
    const fetched = [];
    page.on("request", (r) => fetched.push(r.url()));
    await page.goto(pathToFileURL(join(dir, "index.html")).href);
    await page.getByRole("heading", { level: 1 }).waitFor();
    const text = await page.textContent("body");
    assert.match(text, new RegExp(email.replace(/[.]/g, "\\.")));
    for (const section of [/Your contact details/, /Your applications/, /Your documents/,
      /Who looked at your record/, /Your privacy requests/])
      assert.match(text, section);
    assert.doesNotMatch(text, /full_name|created_at|opening_id|actor_role/); // labels, not field names
    assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT\d\d:\d\d/); // dates formatted, not raw
    await accessible(page, `the export report (${size})`);
    await shot(page, `export-report-${size}`);
    // every document link opens its file, which is in the package with the manifest's size
    // (the newer resume's name has a "#": a link not percent-encoded would take it for a fragment)
    const links = await page.$$eval('a[href^="documents/"]', (as) => as.map((a) => a.href));
    assert.ok(links.length >= 1, "the documents are linked");
    for (const href of links) {
      const file = fileURLToPath(href);
      assert.ok(existsSync(file), `${href} is in the package`);
      const rel = file.slice(dir.length + 1);
      assert.equal(statSync(file).size, sizes.get(rel), `${rel}: the manifest's size`);
    }
    const txt = links.find((h) => h.endsWith(".txt"));
    if (txt) {
      await page.click(`a[href="${txt.slice(txt.lastIndexOf("documents/"))}"]`);
      await page.waitForURL(txt);
      assert.match(await page.textContent("body"), /Newer CV/);
    }
    assert.deepEqual(fetched.filter((u) => !u.startsWith("file:") && !u.startsWith("data:")), [],
      "the report fetches nothing from anywhere");
    assert.deepEqual(problems, []);
    await context.close();
  }
}

test("the careers site: the list, a job's own page with its JSON-LD, a closed one", async () => {
  const job = await makeOpening(`Platform Engineer ${run}`, {
    description: "You keep our platform running.\nOn call one week in six.\n\nYou know Linux & PostgreSQL.",
    employment_type: "full_time", valid_through: "2031-01-31T23:59:59Z",
  });
  const closed = await makeOpening(`Closed Role ${run}`, { status: "closed" });
  for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
    const { context, page, problems } = await newPage(viewport);
    // the list, shared with tracking parameters, each opening linked to its page
    const list = await page.goto(base + "/jobs?utm_source=social&fbclid=AbC");
    assert.equal(list.status(), 200);
    await accessible(page, `${size} /jobs`);
    await shot(page, `${size}-jobs`);
    await page.getByRole("link", { name: `Platform Engineer ${run}` }).click();
    await page.waitForURL(base + "/jobs/" + job);
    await page.getByRole("heading", { level: 1, name: `Platform Engineer ${run}` }).waitFor();
    assert.match(await page.textContent(".job-facts"), /Full-time/);
    assert.match(await page.textContent(".job-facts"), /Apply by 31 January 2031/);
    assert.equal(await page.locator(".job-description p").count(), 2);
    // the JSON-LD: a data block the policy lets through (accessible() checks no violation)
    const ld = await page.evaluate(() =>
      JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent));
    assert.equal(ld["@type"], "JobPosting");
    assert.equal(ld.title, `Platform Engineer ${run}`);
    assert.equal(ld.employmentType, "FULL_TIME");
    assert.ok(ld.datePosted && ld.hiringOrganization.name && ld.jobLocation.address.addressLocality);
    await accessible(page, `${size} /jobs/{id}`);
    await shot(page, `${size}-job`);
    // a closed one: 410, and the way back to the open positions
    const gone = await page.goto(base + "/jobs/" + closed);
    assert.equal(gone.status(), 410);
    await page.getByRole("link", { name: "See the open positions" }).waitFor();
    await accessible(page, `${size} a closed position`);
    await shot(page, `${size}-job-closed`);
    // the browser reports the 410 itself; nothing else may go wrong
    assert.deepEqual(problems.filter((p) => !/status of 410/.test(p)), []);
    await context.close();
  }
  // applying from the job's page, with JavaScript: the e-mail names the position
  const { context, page, problems } = await newPage(PHONE);
  const email = `e2e.job.${run}@example.com`;
  await page.goto(base + "/jobs/" + job);
  await page.fill("#full_name", "Jo Bpage");
  await page.fill("#email", email);
  await page.setInputFiles("#resume", pdfPath);
  await page.check("#privacy_notice_accepted");
  await page.check("#age_16_or_over");
  await page.click("#submit");
  await page.locator("#done").waitFor({ state: "visible" });
  await accessible(page, "a job's page, sent");
  await shot(page, "phone-job-sent");
  const mail = await (async () => {
    for (let i = 0; i < 200; i++) {
      for (const f of readdirSync(mailDir).filter((f) => f.endsWith(".eml"))) {
        const t = readFileSync(join(mailDir, f), "utf8");
        if (t.includes(`\r\nTo: ${email}\r\n`)) return t;
      }
      await sleep(50);
    }
    throw new Error("no confirmation e-mail");
  })();
  assert.match(mail, new RegExp(`Subject: Confirm your application to .*: Platform Engineer ${run}`));
  assert.deepEqual(problems, []);
  await context.close();
});

test("a job's own form without JavaScript: errors on the job's page again", async () => {
  const job = await makeOpening(`No Script Role ${run}`);
  const { context, page } = await newPage(PHONE, { javaScriptEnabled: false });
  await page.goto(base + "/jobs/" + job);
  await page.fill("#email", `e2e.jobnojs.${run}@example.com`);
  await page.setInputFiles("#resume", pdfPath);
  const [answer] = await Promise.all([page.waitForNavigation(), page.click("#submit")]);
  assert.equal(answer.status(), 422);
  assert.equal(new URL(page.url()).pathname, "/jobs/" + job);
  await page.getByRole("heading", { level: 1, name: `No Script Role ${run}` }).waitFor();
  assert.match(await page.textContent("#full_name-error"), /required/);
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), "full_name");
  await accessibleWithoutScript(page, "a job's form's errors without JavaScript");
  await shot(page, "nojs-job-errors");
  await context.close();
});

test("a fresh install's careers page says there is no open position, and shows no form", async () => {
  const db = `recruitd_e2e_fresh_${process.pid}`;
  const url = env("RECRUITD_DATABASE_URL");
  execFileSync("psql", ["-X", "-q", "-d", url, "-c", `CREATE DATABASE ${db}`]);
  const fresh = { ...process.env, RECRUITD_DATABASE_URL: `${url} dbname=${db}` };
  execFileSync(env("RECRUITD_TEST_CTL"), ["migrate"], { env: fresh, stdio: "ignore" });
  const port = await freePort();
  const freshBase = `http://127.0.0.1:${port}`;
  const log = openSync(join(logdir, "recruitd-e2e-fresh.log"), "w");
  const second = spawn(env("RECRUITD_TEST_BIN"), [], {
    env: { ...fresh, RECRUITD_LISTEN: `127.0.0.1:${port}`, RECRUITD_PUBLIC_URL: freshBase,
      RECRUITD_SMTP_URL: "", RECRUITD_MAIL_DIR: mailDir },
    stdio: ["ignore", "ignore", log],
  });
  try {
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(freshBase + "/healthz")).ok) break; } catch {}
      await sleep(100);
    }
    for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
      const { context, page, problems } = await newPage(viewport);
      for (const path of ["/jobs", "/apply"]) {
        await page.goto(freshBase + path);
        await page.locator("#no-openings").waitFor();
        assert.match(await page.textContent("#no-openings"), /no open positions right now/);
        assert.equal(await page.locator("#apply-form").count(), 0, "no empty form");
      }
      await accessible(page, `${size} /jobs with no open position`);
      await shot(page, `${size}-jobs-none`);
      assert.deepEqual(problems, []);
      await context.close();
    }
  } finally {
    const exited = new Promise((resolve) => second.on("exit", resolve));
    second.kill("SIGTERM");
    await exited;
    execFileSync("psql", ["-X", "-q", "-d", url, "-c", `DROP DATABASE IF EXISTS ${db}`]);
  }
});

test("a deletion request says what it deletes, asks first, and can be cancelled", async () => {
  const email = `e2e.delete.${run}@example.com`;
  const made = await fetch(base + "/v1/applicants", {
    method: "POST",
    headers: { Authorization: `Bearer ${staffToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ full_name: "Del Etion", email }),
  });
  assert.equal(made.status, 201);
  const id = (await made.json()).id;
  const record = () => fetch(base + "/v1/applicants/" + id, { headers: { Authorization: `Bearer ${staffToken}` } });
  const { context, page, problems } = await newPage(PHONE);
  await page.goto(base + "/privacy");
  await page.check('input[name="type"][value="delete"]');
  await page.locator("#delete-warning").waitFor({ state: "visible" });
  assert.match(await page.textContent("#delete-warning"), /cannot be undone/);
  await accessible(page, "/privacy: a deletion chosen");
  await shot(page, "privacy-delete-chosen");
  await page.fill("#email", email);
  await page.click("#request button[type=submit]");
  await page.getByText(/Check your inbox/).waitFor();
  await page.goto(await mailedLink(email, "/privacy"));
  await page.locator("#v-delete").waitFor({ state: "visible" });
  assert.equal((await page.textContent("#v-submit")).trim(), "Delete my data");
  await accessible(page, "/privacy: confirming a deletion");
  await shot(page, "privacy-delete-verify");
  // asked first, in plain words; cancelled: nothing is deleted and the link still works
  await page.click("#v-submit");
  const dialog = page.locator("dialog.confirm");
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /withdrawn/);
  assert.match(await dialog.textContent(), /cannot be undone/);
  await accessible(page, "/privacy: the deletion asked first");
  await shot(page, "privacy-delete-dialog");
  await dialog.getByRole("button", { name: "Keep my data" }).click();
  await page.getByText(/Nothing was deleted/).waitFor();
  assert.equal((await record()).status, 200);
  // then done
  await page.click("#v-submit");
  await dialog.getByRole("button", { name: "Delete my data" }).click();
  await page.locator("#result").waitFor({ state: "visible" });
  assert.match(await page.textContent("#result-facts"), /answered/);
  assert.equal((await record()).status, 410);
  await accessible(page, "/privacy: deleted");
  await shot(page, "privacy-deleted");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a record kept under a legal floor after a deletion: /me says so and still shows the requests", async () => {
  // an application in California: its resume and record are kept four years (a legal floor)
  const california = await makeOpening(`Floor Engineer ${run}`, { country: "US", region: "CA", location: "Oakland" });
  const email = `e2e.kept.${run}@example.com`;
  const auth = { Authorization: `Bearer ${staffToken}`, "Content-Type": "application/json" };
  const made = await fetch(base + "/v1/applicants", { method: "POST", headers: auth, body: JSON.stringify({ full_name: "Kept Floor", email }) });
  assert.equal(made.status, 201);
  const id = (await made.json()).id;
  const applied = await fetch(base + `/v1/applicants/${id}/applications`, { method: "POST", headers: auth, body: JSON.stringify({ opening_id: california }) });
  assert.equal(applied.status, 201);
  const { context, page, problems } = await newPage(PHONE);
  await page.goto(base + "/me");
  await page.locator("#sign-in").waitFor({ state: "visible" });
  await page.fill("#sign-in-email", email);
  await page.click("#sign-in button[type=submit]");
  await page.getByText(/Check your inbox/).waitFor();
  await page.goto(await mailedLink(email, "/me"));
  await page.locator("#held").waitFor({ state: "visible" });
  assert.equal(await page.locator("#kept").isHidden(), true);
  // the person asks for deletion: done in part, the rest restricted under the floor
  const token = await page.evaluate(() => sessionStorage.getItem("recruitd.token"));
  const asked = await fetch(base + "/v1/me/privacy-requests", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ type: "delete" }),
  });
  assert.equal(asked.status, 201);
  assert.equal((await asked.json()).outcome, "partially_fulfilled");
  await page.goto(base + "/me");
  await page.locator("#kept").waitFor({ state: "visible" });
  assert.match(await page.textContent("#kept"), /kept only for as long as the law\s+requires/);
  assert.equal(await page.locator("#held").isHidden(), true);
  assert.equal(await page.locator("#upload").isHidden(), true);
  await page.locator("#requests li").first().waitFor();
  assert.match(await page.textContent("#requests"), /Deleting your data: answered, done in part/);
  await accessible(page, "/me: a record kept under a legal floor");
  await shot(page, "me-kept");
  // the one expected: GET /v1/me is 404 for a restricted record (only HR reads it)
  assert.deepEqual(problems, ["Failed to load resource: the server responded with a status of 404 (Not Found)"]);
  await context.close();
});
