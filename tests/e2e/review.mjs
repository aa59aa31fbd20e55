// End-to-end test of the review page, driven by tests/review_e2e.rs.
//
//   node tests/e2e/review.mjs BASE_URL SCREENSHOT_DIR
//
// Env: CASEWORKER, CASEWORKER_PASSWORD, APPROVER, APPROVER_PASSWORD,
//      CHROMIUM (default /usr/bin/chromium).
// Logs in as a caseworker, opens a hit, rejects a proposed redaction, adds
// one by selecting text, logs in as an approver and signs the case off.
// Prints one JSON line with what it did, for the Rust side to check against
// the bundle.
import { chromium } from "playwright-core";

const [base, shots] = process.argv.slice(2);
const env = process.env;

function fail(msg) {
  console.error("e2e: " + msg);
  process.exit(1);
}

const browser = await chromium.launch({
  executablePath: env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const result = {};
try {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });

  async function login(user, password) {
    await page.goto(base + "/login");
    await page.fill("input[name=user]", user);
    await page.fill("input[name=password]", password);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    if (!page.url().endsWith("/")) fail("login as " + user + " did not reach the overview: " + page.url());
  }
  async function logout() {
    await Promise.all([page.waitForNavigation(), page.click("form[action='/logout'] button")]);
  }

  await login(env.CASEWORKER, env.CASEWORKER_PASSWORD);
  await page.screenshot({ path: shots + "/overview.png", fullPage: true });

  // Find a proposed redaction whose text occurs once in the whole case, so
  // that rejecting it discloses it (a string redacted anywhere else in the
  // response stays redacted everywhere, for consistency).
  await page.goto(base + "/documents");
  const links = await page.$$eval("a.doc", (as) => as.map((a) => a.getAttribute("href")));
  if (links.length === 0) fail("no documents listed");
  let doc = null;
  let rid = null;
  for (const href of links) {
    await page.goto(base + href);
    const found = await page.evaluate(async () => {
      const text = document.getElementById("text").textContent;
      for (const row of document.querySelectorAll("tr.redaction.proposed")) {
        const t = row.querySelectorAll("td")[1].textContent.trim();
        if (t.length < 4 || text.split(t).length !== 2) continue;
        const res = await fetch("/documents?q=" + encodeURIComponent(t));
        const html = await res.text();
        const d = new DOMParser().parseFromString(html, "text/html");
        if (d.querySelectorAll("#documents tbody tr").length === 1) return row.getAttribute("data-rid");
      }
      return null;
    });
    if (found) { doc = href; rid = found; break; }
  }
  if (!doc) fail("no document with a proposed redaction unique to the case");
  result.document = doc;

  // Reject it.
  const row = page.locator(`tr.redaction[data-rid="${rid}"]`);
  result.rejected_id = rid;
  result.rejected_text = (await row.locator("td").nth(1).innerText()).trim();
  await Promise.all([page.waitForNavigation(), row.locator("button.reject").click()]);
  const state = await page.locator(`tr.redaction[data-rid="${result.rejected_id}"] td.state`).innerText();
  if (state.trim() !== "rejected") fail("redaction not shown as rejected: " + state);

  // Add a redaction by selecting a run of plain (unmarked) words in the text.
  const picked = await page.evaluate(() => {
    const pre = document.getElementById("text");
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      if (node.parentElement !== pre) continue; // only text outside any mark
      const m = /[A-Za-z]{3,}(?: [A-Za-z]{3,}){3}/.exec(node.data);
      if (!m) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      document.dispatchEvent(new Event("selectionchange"));
      return m[0];
    }
    return null;
  });
  if (!picked) fail("no plain text run to select");
  result.added_text = picked;
  await page.waitForFunction(() => !document.getElementById("add-redaction").disabled);
  await Promise.all([page.waitForNavigation(), page.click("#add-redaction")]);
  const preview = await page.locator("#preview").innerText();
  if (preview.includes(picked)) fail("the added redaction is not applied in the preview");
  if (!(await page.locator("tr.added").count())) fail("the added redaction is not listed");
  await page.screenshot({ path: shots + "/preview.png", fullPage: false });

  // Keyboard: j focuses the first redaction row.
  await page.keyboard.press("j");
  if ((await page.locator("tr.redaction.focus").count()) !== 1) fail("keyboard shortcut j did not focus a redaction");

  // A caseworker sees no sign-off button.
  await page.goto(base + "/");
  if (await page.locator("#sign-off").count()) fail("a caseworker was offered sign-off");
  await logout();

  await login(env.APPROVER, env.APPROVER_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click("#sign-off")]);
  const signed = await page.locator("#signed-off").innerText();
  if (!signed.includes(env.APPROVER)) fail("sign-off not shown: " + signed);
  result.signed_off = true;
  if (errors.length) fail("page errors: " + errors.join(" | "));
  await ctx.close();
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
