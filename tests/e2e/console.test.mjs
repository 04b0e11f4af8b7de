// The staff console in a real browser: headless Chromium (Debian's), driven by playwright-core,
// at a phone's size and a desktop's. Starts its own bin/recruitd against the test database
// (e-mail as .eml files in a directory of its own) and goes through a recruiter's day: sign in
// by an e-mailed link, create an opening, see an application arrive from /apply, move it,
// evaluate it, select two and reject them with the template (previewed), and read the e-mails.
// Every page passes axe-core (no serious or critical violation) and the layout check (labels
// beside their controls, nothing overlapping). Screenshots go to $RECRUITD_TEST_LOGDIR
// (e2e-console-*.png).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, writeFileSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
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
const work = mkdtempSync(join(tmpdir(), "recruitd-console-"));
const mailDir = join(work, "mail");
const pdfPath = join(work, "resume.pdf");
const run = `${process.pid}-${Date.now()}`;
let server, base, browser, provider, issuer;

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

const ctl = (...args) => execFileSync(env("RECRUITD_TEST_CTL"), args).toString().trim();

before(async () => {
  mkdirSync(mailDir, { recursive: true });
  mkdirSync(logdir, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // the identity provider (tests/oidc/provider.mjs, installed by scripts/oidc.sh)
  const providerPort = await freePort();
  issuer = `http://127.0.0.1:${providerPort}`;
  provider = spawn(process.execPath, [join(env("RECRUITD_HOME"), "tests/oidc/provider.mjs"), String(providerPort),
    `${base}/staff/sign-in/callback`], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise((resolve, reject) => {
    provider.stdout.on("data", (d) => { if (String(d).includes("ready ")) resolve(); });
    provider.on("exit", () => reject(new Error("the identity provider did not start")));
  });
  const secretFile = join(work, "oidc-secret");
  writeFileSync(secretFile, "recruitd-test-secret\n");
  const log = openSync(join(logdir, "recruitd-e2e-console.log"), "w");
  server = spawn(env("RECRUITD_TEST_BIN"), [], {
    env: {
      ...process.env, RECRUITD_LISTEN: `127.0.0.1:${port}`, RECRUITD_PUBLIC_URL: base,
      RECRUITD_SMTP_URL: "", RECRUITD_MAIL_DIR: mailDir, RECRUITD_MAIL_INTERVAL_MS: "50",
      RECRUITD_RATE_PER_ADDRESS_MINUTE: "100000", RECRUITD_COMPANY_NAME: "Example Co",
      RECRUITD_OIDC_ISSUER: issuer, RECRUITD_OIDC_CLIENT_ID: "recruitd",
      RECRUITD_OIDC_CLIENT_SECRET_FILE: secretFile, RECRUITD_OIDC_HR_VALUES: "staff-hr",
      RECRUITD_OIDC_RECRUITER_VALUES: "staff-recruiter",
    },
    stdio: ["ignore", "ignore", log],
  });
  await waitReady();
  writeFileSync(pdfPath, "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
  browser = await chromium.launch({
    executablePath: process.env.RECRUITD_CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  provider?.kill("SIGTERM");
  if (server) {
    const exited = new Promise((resolve) => server.on("exit", (code) => resolve(code)));
    server.kill("SIGTERM");
    assert.equal(await exited, 0, "recruitd exits 0 on SIGTERM");
  }
});

// The newest message to `to` holding needle (its text; the file removed).
async function mailTo(to, needle) {
  for (let i = 0; i < 200; i++) {
    const files = readdirSync(mailDir).filter((f) => f.endsWith(".eml")).sort().reverse();
    for (const f of files) {
      const text = readFileSync(join(mailDir, f), "utf8");
      if (text.includes(`\r\nTo: ${to}\r\n`) && text.includes(needle)) {
        unlinkSync(join(mailDir, f));
        assert.match(text, /Content-Type: text\/plain; charset=utf-8/);
        assert.doesNotMatch(text, /<img|<html/i);
        return text;
      }
    }
    await sleep(50);
  }
  throw new Error(`no e-mail to ${to} with ${needle}`);
}

async function mailedLink(to, path) {
  const prefix = `${base}${path}?code=`;
  const text = await mailTo(to, prefix);
  return text.slice(text.indexOf(prefix)).split(/\s/)[0];
}

async function accessible(page, what) {
  await layoutCheck(page, what);
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`), [],
    `${what}: accessibility`);
}

async function newPage(viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  return { context, page, problems };
}

const shot = (page, name) => page.screenshot({ path: join(logdir, `e2e-console-${name}.png`), fullPage: true });

// Apply on the careers page (without script: the form's own post) and confirm by the e-mailed link.
async function applyAs(viewport, opening, name, email) {
  const { context, page } = await newPage(viewport);
  await page.goto(base + "/apply");
  await page.selectOption("#opening_id", opening);
  await page.fill("#full_name", name);
  await page.fill("#email", email);
  await page.setInputFiles("#resume", pdfPath);
  await page.check("#privacy_notice_accepted");
  await page.check("#age_16_or_over");
  await page.click("#submit");
  await page.getByText(/Check your inbox/).first().waitFor();
  await page.goto(await mailedLink(email, "/apply/confirm"));
  await page.waitForURL(base + "/me", { timeout: 10000 });
  await context.close();
}

async function signIn(page, email, size) {
  await page.goto(base + "/staff");
  await page.waitForURL(base + "/staff/sign-in");
  await accessible(page, `${size} /staff/sign-in`);
  await shot(page, `${size}-sign-in`);
  await page.fill("#email", email);
  await page.getByRole("button", { name: "Send me a sign-in link" }).click();
  await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
  await accessible(page, `${size} sign-in sent`);
  const link = await mailedLink(email, "/staff/sign-in");
  await page.goto(link);
  await accessible(page, `${size} the link's page`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(base + "/staff");
}

for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
  test(`${size}: a recruiter's day in the console`, async () => {
    const email = `recruiter.${size}.${run}@example.com`;
    ctl("staff", "add", "--email", email, "--name", `Rita ${size}`, "--role", "recruiter");
    const { context, page, problems } = await newPage(viewport);

    await signIn(page, email, size);
    await page.getByRole("heading", { name: `Hello, Rita ${size}` }).waitFor();
    await accessible(page, `${size} /staff`);
    await shot(page, `${size}-home`);

    // create an opening (its title is markup: shown as text)
    const title = `<script>alert(1)</script> Console Engineer ${size} ${run}`;
    await page.getByRole("link", { name: "Openings" }).click();
    await page.waitForURL(base + "/staff/openings");
    await accessible(page, `${size} /staff/openings`);
    await page.fill("#new-title", title);
    await page.fill("#new-department", "Platform");
    await page.fill("#new-country", "DE");
    await page.fill("#new-location", "Berlin");
    await page.getByRole("button", { name: "Create the opening" }).click();
    await page.waitForURL(/\/staff\/openings\/[0-9a-f-]{36}$/);
    const opening = page.url().split("/").pop();
    assert.equal(await page.locator("h1").textContent(), title);
    await accessible(page, `${size} an empty board`);

    // applications arrive from /apply
    const names = [`"><img src=x onerror=alert(1)> ${size}`, `Bea Bulk ${size}`, `Cem Bulk ${size}`];
    const emails = names.map((_, i) => `applicant${i}.${size}.${run}@example.com`);
    for (let i = 0; i < names.length; i++) await applyAs(viewport, opening, names[i], emails[i]);
    await page.reload();
    const applied = page.locator("section.column").filter({ has: page.getByRole("heading", { name: /^Applied/ }) });
    for (const n of names) await applied.getByText(n, { exact: true }).waitFor();
    assert.equal(await page.locator("img").count(), 0, "no markup from a name");
    await accessible(page, `${size} the board`);
    await shot(page, `${size}-board`);

    // move the first to interview
    const first = page.locator("li.card").filter({ hasText: names[0] });
    await first.getByLabel("Move to").selectOption("interview");
    await first.getByRole("button", { name: "Move" }).click();
    await page.waitForURL(base + `/staff/openings/${opening}`);
    const interview = page.locator("section.column").filter({ has: page.getByRole("heading", { name: /^Interview/ }) });
    await interview.getByText(names[0], { exact: true }).waitFor();

    // evaluate it on the record's page
    await page.locator("li.card").filter({ hasText: names[0] }).getByRole("link", { name: /Record/ }).click();
    await page.waitForURL(/\/staff\/applicants\/[0-9a-f-]{36}$/);
    assert.equal(await page.locator("h1").textContent(), names[0]);
    await page.getByText(/Background check:/).first().waitFor();
    await accessible(page, `${size} the record`);
    await page.getByLabel("Score").selectOption("4");
    await page.getByLabel(/Summary/).fill("Clear thinker, good questions.");
    await page.getByRole("button", { name: "Add the evaluation" }).click();
    await page.getByText("Clear thinker, good questions.").waitFor();
    await shot(page, `${size}-record`);

    // select two on the board and reject them with the template, previewed first
    await page.goto(base + `/staff/openings/${opening}`);
    await page.getByLabel(names[1], { exact: true }).check();
    await page.getByLabel(names[2], { exact: true }).check();
    await page.getByRole("button", { name: "Preview the rejection" }).click();
    await page.getByRole("heading", { name: "Preview the rejection" }).waitFor();
    await page.getByText(`Dear ${names[1]}`).first().waitFor();
    await accessible(page, `${size} the preview`);
    await shot(page, `${size}-preview`);
    await page.fill("#reason", "Another candidate fits the role better.");
    await page.getByRole("button", { name: "Reject and send the e-mails" }).click();
    await page.waitForURL(base + `/staff/openings/${opening}`);
    const rejected = page.locator("section.column").filter({ has: page.getByRole("heading", { name: /^Rejected/ }) });
    await rejected.getByText(names[1], { exact: true }).waitFor();
    await rejected.getByText(names[2], { exact: true }).waitFor();
    for (const i of [1, 2]) {
      const text = await mailTo(emails[i], "Example Co");
      assert.match(text, new RegExp(`Dear ${names[i]}`));
      assert.ok(text.includes(`Console Engineer ${size} ${run}`), "the opening's title in the e-mail");
    }
    await shot(page, `${size}-board-after`);

    // search, then sign out: the session is gone
    await page.getByRole("link", { name: "Applicants" }).click();
    await page.fill("#q", "Bulk");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: names[1] }).waitFor();
    await accessible(page, `${size} /staff/applicants`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(base + "/staff/sign-in");
    await page.goto(base + "/staff");
    await page.waitForURL(base + "/staff/sign-in");
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test("desktop: single sign-on through the company's identity provider", async () => {
  const { context, page, problems } = await newPage(DESKTOP);
  const login = `hr.sso.${run}@example.com`;
  await page.goto(base + "/staff/sign-in");
  await accessible(page, "desktop /staff/sign-in with single sign-on");
  await shot(page, "desktop-sign-in-sso");
  await page.getByRole("link", { name: "Sign in with your company account" }).click();
  await page.waitForURL(new RegExp(`^${issuer}/interaction/`));
  await page.fill("#login", login);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(base + "/staff");
  await page.getByRole("heading", { name: /^Hello, / }).waitFor();
  const cookies = await context.cookies(base);
  const session = cookies.find((c) => c.name === "recruitd");
  assert.ok(session && session.httpOnly && session.sameSite === "Lax", "the session cookie");
  assert.ok(!cookies.some((c) => c.name === "recruitd-sso" && c.value), "the sign-in's state cookie is gone");
  await shot(page, "desktop-home-sso");
  assert.deepEqual(problems, []);
  await context.close();
});

// HR's retention page: the scheduled purge's state, policies and floors with their basis, past
// runs; a dry run's counts by rule, then the real purge from its report.
for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
  test(`${size}: HR runs retention from /staff/retention`, async () => {
    const email = `hr.${size}.${run}@example.com`;
    ctl("staff", "add", "--email", email, "--name", `Hana ${size}`, "--role", "hr");
    const { context, page, problems } = await newPage(viewport);
    await signIn(page, email, size);
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Retention", exact: true }).click();
    await page.waitForURL(base + "/staff/retention");
    await page.getByRole("heading", { name: "Legal floors" }).waitFor();
    await page.getByText("29 CFR 1602.14").first().waitFor();
    await accessible(page, `${size} /staff/retention`);
    await shot(page, `${size}-retention`);
    await page.getByRole("button", { name: /Dry run/ }).click();
    await page.getByRole("heading", { name: "Dry run" }).waitFor();
    await page.getByRole("heading", { name: "By rule" }).waitFor();
    await accessible(page, `${size} a dry run's report`);
    await shot(page, `${size}-retention-dry-run`);
    await page.getByRole("button", { name: "Purge for real" }).click();
    await page.getByRole("heading", { name: "Purge", exact: true }).waitFor();
    await accessible(page, `${size} a purge's report`);
    await page.getByRole("link", { name: "Back to retention" }).click();
    await page.getByRole("heading", { name: "Retention" }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// HR's privacy journey: a request arrives from /privacy, is found in the queue by its address
// (days left shown), extended with a reason, completed; the year's figures with their chart.
for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
  test(`${size}: HR works a privacy request in /staff/privacy`, async () => {
    const requester = `e2e.requester.${size}.${run}@example.com`;
    const visitor = await newPage(viewport);
    await visitor.page.goto(base + "/privacy");
    await visitor.page.check('input[name="type"][value="delete"]');
    await visitor.page.fill("#email", requester);
    await visitor.page.click("#request button[type=submit]");
    await visitor.page.getByText(/Check your inbox/).waitFor();
    await visitor.context.close();

    const email = `hr.privacy.${size}.${run}@example.com`;
    ctl("staff", "add", "--email", email, "--name", `Paz ${size}`, "--role", "hr");
    const { context, page, problems } = await newPage(viewport);
    await signIn(page, email, size);
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Privacy", exact: true }).click();
    await page.waitForURL(base + "/staff/privacy");
    await accessible(page, `${size} /staff/privacy`);
    await shot(page, `${size}-privacy-queue`);
    await page.fill("#f-email", requester);
    await page.getByRole("button", { name: "Show" }).click();
    await page.getByText("45 days left").first().waitFor();
    assert.equal(await page.getByText(requester).count(), 0, "the address is never shown");
    await page.getByRole("link", { name: "Delete" }).first().click();
    await page.getByRole("heading", { name: "Events" }).waitFor();
    await accessible(page, `${size} a privacy request`);
    await shot(page, `${size}-privacy-request`);
    await page.fill("#x-reason", "Our archive is held offsite");
    await page.getByRole("button", { name: "Extend to 90 days" }).click();
    await page.getByText("Extended once already").waitFor();
    await page.selectOption("#c-outcome", "denied");
    await page.fill("#c-detail", "The address was never confirmed");
    await page.getByRole("button", { name: "Complete the request" }).click();
    await page.getByRole("heading", { name: "Events" }).waitFor();
    await page.locator("dd", { hasText: /^Denied$/ }).first().waitFor();
    await accessible(page, `${size} a completed privacy request`);
    await page.goto(base + "/staff/privacy/metrics");
    await page.locator("svg.chart").waitFor();
    await accessible(page, `${size} /staff/privacy/metrics`);
    await shot(page, `${size}-privacy-metrics`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// HR's audit log: filtered, then downloaded as CSV.
for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
  test(`${size}: HR reads and downloads the audit log`, async () => {
    const email = `hr.audit.${size}.${run}@example.com`;
    ctl("staff", "add", "--email", email, "--name", `Ada ${size}`, "--role", "hr");
    const { context, page, problems } = await newPage(viewport);
    await signIn(page, email, size);
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Audit", exact: true }).click();
    await page.waitForURL(base + "/staff/audit");
    await page.getByRole("heading", { name: "Entries, newest first" }).waitFor();
    await accessible(page, `${size} /staff/audit`);
    await shot(page, `${size}-audit`);
    await page.fill("#a-actor", "scheduler");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/actor=scheduler/);
    await accessible(page, `${size} /staff/audit filtered`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download these entries as CSV" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "audit.csv");
    const text = readFileSync(await download.path(), "utf8");
    assert.match(text, /^at,actor,action,applicant_id,target,request_id\r\n/);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// HR hires from the page: an application at offer, hired, its archive verified.
for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
  test(`${size}: HR hires from /staff/hires and sees the archive verified`, async () => {
    const email = `hr.hires.${size}.${run}@example.com`;
    ctl("staff", "add", "--email", email, "--name", `Hal ${size}`, "--role", "hr");
    const hrKey = ctl("staff-key", "create", "--role", "hr", "--name", `e2e-hires-${size}-${run}`);
    const api = (path, body) => fetch(base + path, {
      method: "POST",
      headers: { Authorization: `Bearer ${hrKey}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(async (r) => { assert.equal(r.status < 300, true, `${path}: ${r.status}`); return r.json(); });
    const opening = await api("/v1/openings", { title: `Hire ${size}`, country: "US" });
    const person = await api("/v1/applicants", { full_name: `Hiro ${size}`, email: `hiro.${size}.${run}@example.com` });
    const app = await api(`/v1/applicants/${person.id}/applications`, { opening_id: opening.id });
    await api(`/v1/applications/${app.id}/transitions`, { to: "offer" });
    const { context, page, problems } = await newPage(viewport);
    await signIn(page, email, size);
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Hires", exact: true }).click();
    await page.waitForURL(base + "/staff/hires");
    await accessible(page, `${size} /staff/hires`);
    await shot(page, `${size}-hires`);
    const form = page.locator(`form[action="/staff/hires/${app.id}"]`);
    await form.locator('input[name="start_date"]').fill("2027-02-01");
    await form.locator('input[name="employee_number"]').fill(`E2E-${size}-${run}`);
    await form.getByRole("button").click();
    await page.waitForURL(/\/staff\/employees\//);
    await page.getByRole("heading", { name: "Archive verified" }).waitFor();
    await accessible(page, `${size} an employee's archive`);
    await shot(page, `${size}-employee`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// HR's team: a key made for a member, shown once, then revoked.
for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
  test(`${size}: HR makes and revokes a key in /staff/team`, async () => {
    const email = `hr.team.${size}.${run}@example.com`;
    ctl("staff", "add", "--email", email, "--name", `Tess ${size}`, "--role", "hr");
    const { context, page, problems } = await newPage(viewport);
    await signIn(page, email, size);
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Team", exact: true }).click();
    await page.waitForURL(base + "/staff/team");
    await accessible(page, `${size} /staff/team`);
    await shot(page, `${size}-team`);
    const keyName = `e2e-team-${size}-${run}`;
    await page.fill("#k-name", keyName);
    await page.getByRole("button", { name: "Make the key" }).click();
    const token = (await page.locator("code.token").textContent()).trim();
    assert.match(token, /^\S{20,}$/);
    await accessible(page, `${size} a new key, shown once`);
    const ok = await fetch(base + "/v1/openings?limit=1", { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    await page.goto(base + "/staff/team");
    assert.equal(await page.locator("code.token").count(), 0, "never shown again");
    await page.getByRole("button", { name: `Revoke ${keyName}` }).click();
    await page.waitForURL(base + "/staff/team");
    assert.equal(await page.getByRole("button", { name: `Revoke ${keyName}` }).count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
