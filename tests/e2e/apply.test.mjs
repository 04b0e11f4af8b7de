// The careers page in a real browser: headless Chromium (Debian's), driven by
// playwright-core. Starts its own bin/recruitd against the test database,
// applies like a person would, reads the token off the page and uses it
// against /v1/me; and checks that errors appear next to the fields they concern.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, writeFileSync, mkdirSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through scripts/test.sh)`);
  return v;
};

const logdir = process.env.RECRUITD_TEST_LOGDIR || tmpdir();
let server, base, browser, staffToken, openingId;
const pdfPath = join(mkdtempSync(join(tmpdir(), "recruitd-e2e-")), "Lebenslauf Zoë.pdf");

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

async function waitReady() {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(base + "/healthz");
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("recruitd did not come up");
}

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const log = openSync(join(logdir, "recruitd-e2e.log"), "w");
  server = spawn(env("RECRUITD_TEST_BIN"), [], {
    env: { ...process.env, RECRUITD_LISTEN: `127.0.0.1:${port}` },
    stdio: ["ignore", "ignore", log],
  });
  await waitReady();
  staffToken = execFileSync(env("RECRUITD_TEST_CTL"),
    ["key", "create", "--role", "recruiter", "--name", `e2e-${process.pid}-${Date.now()}`]).toString().trim();
  const r = await fetch(base + "/v1/openings", {
    method: "POST",
    headers: { Authorization: `Bearer ${staffToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ title: `Site Reliability Engineer ${process.pid}`, department: "Platform",
      country: "DE", region: "BE", location: "Berlin" }),
  });
  assert.equal(r.status, 201);
  openingId = (await r.json()).id;
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

async function openPage(viewport) {
  const page = await browser.newPage({ viewport });
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  await page.goto(base + "/apply");
  await page.locator(`#opening_id option[value="${openingId}"]`).waitFor({ state: "attached" });
  return { page, problems };
}

test("a person applies with a PDF and gets a token that opens their record", async () => {
  const { page, problems } = await openPage({ width: 390, height: 844 }); // a phone
  await mkdirSync(logdir, { recursive: true });
  await page.getByText(`Site Reliability Engineer ${process.pid}`).first().waitFor();
  const email = `e2e.${process.pid}.${Date.now()}@example.com`;
  await page.selectOption("#opening_id", openingId);
  await page.fill("#full_name", "Zoë Ñandú");
  await page.fill("#email", email);
  await page.fill("#phone", "+49 30 1234567");
  await page.setInputFiles("#resume", pdfPath);
  await page.check("#privacy_notice_accepted");
  await page.check("#age_16_or_over");
  await page.screenshot({ path: join(logdir, "apply-form.png"), fullPage: true });
  await page.click("#submit");
  await page.locator("#done").waitFor({ state: "visible" });
  const token = (await page.textContent("#token")).trim();
  assert.match(token, /^rka_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  assert.equal(await page.locator("#apply-form").isHidden(), true);
  await page.screenshot({ path: join(logdir, "apply-done.png"), fullPage: true });

  const me = await fetch(base + "/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(me.status, 200);
  const record = await me.json();
  assert.equal(record.email, email);
  assert.equal(record.full_name, "Zoë Ñandú");
  assert.equal(record.source.type, "direct");
  assert.equal(record.applications.length, 1);
  assert.equal(record.applications[0].opening_id, openingId);
  assert.equal(record.applications[0].stage, "applied");
  assert.equal(record.documents.length, 1);
  assert.equal(record.documents[0].filename, "Lebenslauf Zoë.pdf");
  assert.equal(record.documents[0].content_type, "application/pdf");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a missing name is shown next to the name field, and nothing is sent", async () => {
  const { page } = await openPage({ width: 1280, height: 900 });
  let posted = false;
  page.on("request", (r) => { if (r.url().endsWith("/v1/apply")) posted = true; });
  await page.selectOption("#opening_id", openingId);
  await page.fill("#email", `nameless.${process.pid}@example.com`);
  await page.setInputFiles("#resume", pdfPath);
  await page.check("#privacy_notice_accepted");
  await page.check("#age_16_or_over");
  await page.click("#submit");
  const error = page.locator("#full_name-error");
  await error.waitFor({ state: "visible" });
  assert.match(await error.textContent(), /name/i);
  assert.equal(await page.locator('.field[data-field="full_name"]').getAttribute("class"), "field invalid");
  assert.equal(await page.locator("#email-error").isVisible(), false);
  assert.equal(posted, false);
  await page.screenshot({ path: join(logdir, "apply-missing-name.png"), fullPage: true });
  await page.close();
});

test("errors the server finds are shown next to their fields", async () => {
  const { page } = await openPage({ width: 1280, height: 900 });
  await page.selectOption("#opening_id", openingId);
  await page.fill("#full_name", "Server Side");
  await page.fill("#email", "someone@localhost"); // the browser accepts it; recruitd wants a dotted domain
  await page.setInputFiles("#resume", { name: "cv.pdf", mimeType: "application/pdf",
    buffer: Buffer.from("this is not a pdf at all \u0000\u0001") });
  await page.check("#privacy_notice_accepted");
  await page.check("#age_16_or_over");
  const answered = page.waitForResponse((r) => r.url().endsWith("/v1/apply"));
  await page.click("#submit");
  assert.equal((await answered).status(), 422);
  const error = page.locator("#email-error");
  await error.waitFor({ state: "visible" });
  assert.match(await error.textContent(), /e-mail/i);
  assert.equal(await page.locator("#full_name-error").isVisible(), false);
  assert.equal(await page.locator("#done").isHidden(), true);
  await page.close();
});
