// End-to-end test of the review page, driven by tests/review_e2e.rs.
//
//   node tests/e2e/review.mjs BASE_URL SCREENSHOT_DIR
//
// Env: CASEWORKER, CASEWORKER_PASSWORD, APPROVER, APPROVER_PASSWORD,
//      CHROMIUM (default /usr/bin/chromium).
// Logs in as a caseworker; on a scanned or PDF record's page images rejects
// a proposed redaction by clicking its box and adds one by dragging over
// two words; on a text record adds one by selecting text; uses find and the
// keyboard; logs in as an approver and signs the case off.
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

  // Find a page-image document with a proposed redaction whose text occurs
  // once in the whole case, so that rejecting it discloses it (a string
  // redacted anywhere else in the response stays redacted everywhere, for
  // consistency).
  await page.goto(base + "/documents");
  const links = await page.$$eval("a.doc", (as) => as.map((a) => a.getAttribute("href")));
  if (links.length === 0) fail("no documents listed");
  async function uniqueInCase(t) {
    return page.evaluate(async (t) => {
      const res = await fetch("/documents?q=" + encodeURIComponent(t));
      const d = new DOMParser().parseFromString(await res.text(), "text/html");
      return d.querySelectorAll("#documents tbody tr").length === 1;
    }, t);
  }
  let doc = null;
  let rid = null;
  const textDocs = [];
  for (const href of links) {
    await page.goto(base + href);
    if (!(await page.locator("svg.page").count())) {
      if (await page.locator("#text").count()) textDocs.push(href);
      continue;
    }
    if (doc) continue;
    const candidates = await page.$$eval("g.box.proposed", (gs) =>
      gs.map((g) => {
        const row = document.querySelector(`tr.redaction[data-rid="${g.getAttribute("data-rid")}"]`);
        return { rid: g.getAttribute("data-rid"), text: row ? row.querySelectorAll("td")[1].textContent.trim() : "" };
      }));
    for (const c of candidates) {
      if (c.text.length >= 4 && (await uniqueInCase(c.text))) { doc = href; rid = c.rid; result.rejected_text = c.text; break; }
    }
  }
  if (!doc) fail("no page-image document with a proposed redaction unique to the case");
  if (!textDocs.length) fail("no text-view document");
  result.document = doc;
  result.rejected_id = rid;
  await page.goto(base + doc);

  // Reject it by clicking its box on the page image.
  await Promise.all([page.waitForNavigation(), page.locator(`g.box[data-rid="${rid}"] rect`).first().click()]);
  if (!(await page.locator(`g.box.rejected[data-rid="${rid}"]`).count())) fail("the clicked box is not shown as rejected");
  const state = await page.locator(`tr.redaction[data-rid="${rid}"] td.state`).innerText();
  if (state.trim() !== "rejected") fail("redaction not listed as rejected: " + state);

  // Add a redaction by dragging across two neighbouring words on one line
  // that no box covers and that occur together nowhere else in the case.
  const pairs = await page.evaluate(() => {
    const inBox = (r) => Array.from(document.querySelectorAll("g.box rect")).some((b) => {
      const a = r.getBoundingClientRect(), c = b.getBoundingClientRect();
      return a.left < c.right && c.left < a.right && a.top < c.bottom && c.top < a.bottom;
    });
    const ws = Array.from(document.querySelectorAll("svg.page rect.w"));
    const out = [];
    for (let i = 0; i + 1 < ws.length; i++) {
      const a = ws[i], b = ws[i + 1];
      if (a.ownerSVGElement !== b.ownerSVGElement) continue;
      if (!/^[A-Za-z]{3,}$/.test(a.dataset.t) || !/^[A-Za-z]{3,}$/.test(b.dataset.t)) continue;
      const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
      if (Math.abs(ra.top - rb.top) > ra.height / 2 || rb.left <= ra.right) continue;
      if (inBox(a) || inBox(b)) continue;
      out.push({ text: a.dataset.t + " " + b.dataset.t, i: i });
    }
    return out;
  });
  let pair = null;
  for (const p of pairs) {
    if (await uniqueInCase(p.text)) { pair = p; break; }
  }
  if (!pair) fail("no pair of plain words to drag over");
  const word = (k) => page.locator("svg.page rect.w").nth(k);
  await word(pair.i).scrollIntoViewIfNeeded();
  const a = await word(pair.i).boundingBox();
  const b = await word(pair.i + 1).boundingBox();
  await page.mouse.move(a.x + 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x + b.width) / 2, a.y + a.height / 2 + 1, { steps: 4 });
  await page.mouse.move(b.x + b.width - 2, b.y + b.height / 2 + 1, { steps: 4 });
  await page.mouse.up();
  const selected = await page.locator("svg.page rect.w.sel").count();
  if (selected !== 2) fail("the drag selected " + selected + " words, not 2");
  await page.waitForFunction(() => !document.getElementById("add-redaction").disabled);
  await page.screenshot({ path: shots + "/page-view.png", fullPage: false });
  result.dragged_text = pair.text;
  await Promise.all([page.waitForNavigation(), page.click("#add-redaction")]);
  if (!(await page.locator("g.box.added").count())) fail("the dragged redaction is not drawn");
  if (!(await page.locator("tr.added").count())) fail("the dragged redaction is not listed");

  // Find in the document marks the words; j focuses a box.
  const first = pair.text.split(" ")[0];
  await page.fill("#doc-search", first);
  if (!(await page.locator("svg.page rect.w.hit").count())) fail("find marked no word");
  if (!/match|of/.test(await page.locator("#search-info").innerText())) fail("find gave no count");
  await page.locator("#doc-search").press("Escape");
  await page.keyboard.press("j");
  if (!(await page.locator("g.box.focus").count())) fail("keyboard shortcut j did not focus a box");
  await page.locator("figure.page").first().screenshot({ path: shots + "/page-view-decided.png" });

  // In the text view of another document, add a redaction by selecting a
  // run of plain (unmarked) words found nowhere else in the case.
  let picked = null;
  for (const href of textDocs) {
    await page.goto(base + href);
    const runs = await page.evaluate(() => {
      const pre = document.getElementById("text");
      const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
      const out = [];
      let node;
      while ((node = walker.nextNode())) {
        if (node.parentElement !== pre) continue; // only text outside any mark
        const re = /[A-Za-z]{3,}(?: [A-Za-z]{3,}){2}/g;
        let m;
        while ((m = re.exec(node.data))) out.push(m[0]);
      }
      return out;
    });
    for (const run of runs) {
      if (await uniqueInCase(run)) { picked = run; break; }
    }
    if (picked) break;
  }
  if (picked) {
    await page.evaluate((want) => {
      const pre = document.getElementById("text");
      const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
      let node;
      while ((node = walker.nextNode())) {
        if (node.parentElement !== pre) continue;
        const at = node.data.indexOf(want);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + want.length);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        document.dispatchEvent(new Event("selectionchange"));
        return;
      }
    }, picked);
  }
  if (!picked) fail("no plain text run to select");
  result.added_text = picked;
  await page.waitForFunction(() => !document.getElementById("add-redaction").disabled);
  await Promise.all([page.waitForNavigation(), page.click("#add-redaction")]);
  const preview = await page.locator("#preview").innerText();
  if (preview.includes(picked)) fail("the added redaction is not applied in the preview");
  if (!(await page.locator("tr.added").count())) fail("the added redaction is not listed");
  await page.screenshot({ path: shots + "/preview.png", fullPage: false });

  // Keyboard: j focuses the first redaction row (when the document has one).
  if (await page.locator("tr.redaction").count()) {
    await page.keyboard.press("j");
    if ((await page.locator("tr.redaction.focus").count()) !== 1) fail("keyboard shortcut j did not focus a redaction");
  }

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
