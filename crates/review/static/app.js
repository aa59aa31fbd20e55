// sarx review: selection-to-redaction, the page view's boxes and drag,
// find-in-document and keyboard shortcuts. Every decision is also a plain
// form the server checks (CSRF, spans, authorisation) and audits.
(function () {
  "use strict";
  const text = document.getElementById("text");
  const form = document.getElementById("selection-form");
  const utf8 = new TextEncoder();

  // Byte offset (UTF-8) of a DOM position inside #text.
  function byteOffset(node, offset) {
    const r = document.createRange();
    r.setStart(text, 0);
    r.setEnd(node, offset);
    return utf8.encode(r.toString()).length;
  }

  function onSelection() {
    if (!text || !form) return;
    const sel = window.getSelection();
    const add = document.getElementById("add-redaction");
    const ex = document.getElementById("exempt-selection");
    const info = document.getElementById("sel-info");
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { add.disabled = true; ex.disabled = true; return; }
    const range = sel.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) { add.disabled = true; ex.disabled = true; return; }
    const start = byteOffset(range.startContainer, range.startOffset);
    const end = byteOffset(range.endContainer, range.endOffset);
    if (end <= start) return;
    document.getElementById("sel-start").value = String(start);
    document.getElementById("sel-end").value = String(end);
    info.textContent = "Selected " + (end - start) + " bytes (" + start + "–" + end + ").";
    add.disabled = false; ex.disabled = false;
  }
  document.addEventListener("selectionchange", onSelection);


  // ---- Page view: boxes, drag over words, find. ----
  const pages = document.getElementById("pages");
  const csrfInput = form ? form.querySelector("input[name=csrf]") : null;
  function post(action, fields) {
    const f = document.createElement("form");
    f.method = "post";
    f.action = action;
    const all = Object.assign({ csrf: csrfInput ? csrfInput.value : "" }, fields);
    for (const k of Object.keys(all)) {
      const i = document.createElement("input");
      i.type = "hidden"; i.name = k; i.value = String(all[k]);
      f.appendChild(i);
    }
    document.body.appendChild(f);
    f.submit();
  }
  // Toggles a box: reject it, or restore it when rejected; `every` applies
  // the same to every redaction of that text in the case.
  function toggleBox(g, every) {
    const n = pages.dataset.n;
    const rid = g.getAttribute("data-rid");
    const rejected = g.classList.contains("rejected");
    if (every && g.getAttribute("data-planned") === "1") {
      post("/bulk", { n: n, redaction: rid, action: rejected ? "accept_party" : "reject_party" });
    } else {
      post("/documents/" + n + "/decide", { redaction: rid, action: rejected ? "accept" : "reject" });
    }
  }
  const words = pages ? Array.from(pages.querySelectorAll("rect.w")) : [];
  const num = (el, a) => parseFloat(el.getAttribute(a)) || 0;
  function clearSelection() {
    for (const w of words) w.classList.remove("sel");
    if (form) {
      document.getElementById("sel-spans").value = "";
      document.getElementById("add-redaction").disabled = true;
      document.getElementById("exempt-selection").disabled = true;
    }
  }
  // Selects the words a drag rectangle touches; consecutive words become
  // one span, so a name over two lines is one redaction.
  function selectIn(svg, x0, y0, x1, y1) {
    clearSelection();
    const lo = [Math.min(x0, x1), Math.min(y0, y1)];
    const hi = [Math.max(x0, x1), Math.max(y0, y1)];
    const picked = [];
    words.forEach(function (w, i) {
      if (w.ownerSVGElement !== svg) return;
      const x = num(w, "x"), y = num(w, "y"), ww = num(w, "width"), hh = num(w, "height");
      if (x < hi[0] && lo[0] < x + ww && y < hi[1] && lo[1] < y + hh) picked.push(i);
    });
    if (picked.length === 0) return 0;
    const spans = [];
    let run = null;
    for (const i of picked) {
      const w = words[i];
      w.classList.add("sel");
      const s = parseInt(w.dataset.s, 10), e = parseInt(w.dataset.e, 10);
      if (run && run.last === i - 1) { run.e = e; run.last = i; } else { run = { s: s, e: e, last: i }; spans.push(run); }
    }
    document.getElementById("sel-spans").value = spans.map((r) => r.s + "-" + r.e).join(",");
    document.getElementById("sel-start").value = "";
    document.getElementById("sel-end").value = "";
    document.getElementById("sel-info").textContent =
      "Selected " + picked.length + " word" + (picked.length === 1 ? "" : "s") + " on page " +
      (parseInt(svg.dataset.page, 10) + 1) + ": press x or choose below.";
    document.getElementById("add-redaction").disabled = false;
    document.getElementById("exempt-selection").disabled = false;
    return picked.length;
  }
  if (pages) {
    let drag = null;
    let suppressClick = false;
    function svgPoint(svg, e) {
      const m = svg.getScreenCTM();
      const p = svg.createSVGPoint();
      p.x = e.clientX; p.y = e.clientY;
      return m ? p.matrixTransform(m.inverse()) : p;
    }
    pages.addEventListener("pointerdown", function (e) {
      const svg = e.target.closest && e.target.closest("svg.page");
      if (!svg || e.button !== 0) return;
      const p = svgPoint(svg, e);
      drag = { svg: svg, x: p.x, y: p.y, cx: e.clientX, cy: e.clientY, rect: null };
      e.preventDefault();
    });
    window.addEventListener("pointermove", function (e) {
      if (!drag) return;
      if (!drag.rect && Math.abs(e.clientX - drag.cx) + Math.abs(e.clientY - drag.cy) < 5) return;
      const p = svgPoint(drag.svg, e);
      if (!drag.rect) {
        drag.rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
        drag.rect.setAttribute("class", "drag");
        drag.svg.appendChild(drag.rect);
      }
      drag.rect.setAttribute("x", Math.min(p.x, drag.x));
      drag.rect.setAttribute("y", Math.min(p.y, drag.y));
      drag.rect.setAttribute("width", Math.abs(p.x - drag.x));
      drag.rect.setAttribute("height", Math.abs(p.y - drag.y));
    });
    window.addEventListener("pointerup", function (e) {
      if (!drag) return;
      const d = drag;
      drag = null;
      if (!d.rect) return; // a click: the click handler decides
      const p = svgPoint(d.svg, e);
      d.rect.remove();
      suppressClick = true;
      setTimeout(function () { suppressClick = false; }, 0);
      selectIn(d.svg, d.x, d.y, p.x, p.y);
    });
    pages.addEventListener("click", function (e) {
      if (suppressClick) return;
      const g = e.target.closest && e.target.closest("g.box");
      if (g) toggleBox(g, e.shiftKey);
      else clearSelection();
    });
  }

  // Find in the document: words on the page images, or the text view.
  const search = document.getElementById("doc-search");
  const info = document.getElementById("search-info");
  const fold = (t) => t.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  let matches = [];
  let current = -1;
  // The text view: every occurrence highlighted (CSS Custom Highlight).
  function findText(q) {
    const node = text && text.textContent !== undefined ? text : null;
    if (!node || !window.CSS || !CSS.highlights) return;
    CSS.highlights.delete("search");
    matches = [];
    current = -1;
    const needle = q.trim().toLowerCase();
    if (!needle) { if (info) info.textContent = ""; return; }
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    const ranges = [];
    let t;
    while ((t = walker.nextNode())) {
      const hay = t.data.toLowerCase();
      for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + needle.length)) {
        const r = document.createRange();
        r.setStart(t, at); r.setEnd(t, at + needle.length);
        ranges.push(r);
      }
    }
    CSS.highlights.set("search", new Highlight(...ranges));
    if (info) info.textContent = ranges.length + (ranges.length === 1 ? " match" : " matches");
    if (ranges.length) ranges[0].startContainer.parentElement.scrollIntoView({ block: "center" });
  }
  function find(q) {
    if (!pages) { findText(q); return; }
    for (const w of words) w.classList.remove("hit", "current");
    matches = [];
    current = -1;
    const want = q.split(/\s+/).map(fold).filter((w) => w.length > 0);
    if (want.length === 0) { if (info) info.textContent = ""; return; }
    const have = words.map((w) => fold(w.dataset.t || ""));
    for (let i = 0; i + want.length <= have.length; i++) {
      let ok = true;
      for (let k = 0; k < want.length && ok; k++) {
        const last = k === want.length - 1;
        ok = last ? have[i + k].startsWith(want[k]) : have[i + k] === want[k];
      }
      if (ok) {
        const group = words.slice(i, i + want.length);
        for (const w of group) w.classList.add("hit");
        matches.push(group);
      }
    }
    if (info) info.textContent = matches.length + (matches.length === 1 ? " match" : " matches");
    if (matches.length) next();
  }
  function next() {
    if (!matches.length) return;
    if (current >= 0) for (const w of matches[current]) w.classList.remove("current");
    current = (current + 1) % matches.length;
    for (const w of matches[current]) w.classList.add("current");
    matches[current][0].scrollIntoView({ block: "center" });
    if (info) info.textContent = (current + 1) + " of " + matches.length;
  }
  if (search) {
    search.addEventListener("input", function () { find(search.value); });
    search.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); next(); }
      if (e.key === "Escape") { search.value = ""; find(""); search.blur(); }
    });
  }

  // Keyboard shortcuts.
  // In the page view j/k move between the boxes (one stop per
  // redaction) and a/r restore or reject the focused one; in the text view
  // they move between the rows of the redactions table.
  const rows = Array.from(document.querySelectorAll("tr.redaction"));
  const boxes = [];
  if (pages) {
    const seen = new Set();
    for (const g of pages.querySelectorAll("g.box")) {
      const rid = g.getAttribute("data-rid");
      if (!seen.has(rid)) { seen.add(rid); boxes.push(g); }
    }
  }
  const stops = pages ? boxes : rows;
  let focus = -1;
  function same(el) {
    return pages ? pages.querySelectorAll('g.box[data-rid="' + el.getAttribute("data-rid") + '"]') : [el];
  }
  function setFocus(i) {
    if (stops.length === 0) return;
    if (focus >= 0 && stops[focus]) for (const el of same(stops[focus])) el.classList.remove("focus");
    focus = Math.max(0, Math.min(stops.length - 1, i));
    for (const el of same(stops[focus])) el.classList.add("focus");
    stops[focus].scrollIntoView({ block: "center" });
  }
  function act(accept) {
    if (focus < 0) return;
    if (pages) {
      const g = stops[focus];
      if (accept === g.classList.contains("rejected")) toggleBox(g, false);
    } else {
      stops[focus].querySelector(accept ? "button.accept" : "button.reject").click();
    }
  }
  function click(sel) { const b = document.querySelector(sel); if (b && !b.disabled) b.click(); }
  document.addEventListener("keydown", function (e) {
    const tag = (e.target && e.target.tagName) || "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || e.ctrlKey || e.metaKey || e.altKey) return;
    switch (e.key) {
      case "j": setFocus(focus + 1); break;
      case "k": setFocus(focus - 1); break;
      case "a": act(true); break;
      case "r": act(false); break;
      case "/": if (search) search.focus(); break;
      case "v": {
        const a = document.getElementById("text-view") || document.getElementById("page-view-link");
        if (a) window.location = a.href;
        break;
      }
      case "Escape": clearSelection(); break;
      case "x": click("#add-redaction"); break;
      case "c": click("#confirm-hit"); break;
      case "n": { const a = document.getElementById("next-doc"); if (a) window.location = a.href; break; }
      case "p": { const a = document.getElementById("prev-doc"); if (a) window.location = a.href; break; }
      default: return;
    }
    e.preventDefault();
  });
})();
