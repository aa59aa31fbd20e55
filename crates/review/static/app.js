// sarx review: selection-to-redaction and keyboard shortcuts.
// Every action also works without JavaScript through the page's forms.
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

  // Keyboard shortcuts.
  const rows = Array.from(document.querySelectorAll("tr.redaction"));
  let focus = -1;
  function setFocus(i) {
    if (rows.length === 0) return;
    if (focus >= 0 && rows[focus]) rows[focus].classList.remove("focus");
    focus = Math.max(0, Math.min(rows.length - 1, i));
    rows[focus].classList.add("focus");
    rows[focus].scrollIntoView({ block: "nearest" });
  }
  function click(sel) { const b = document.querySelector(sel); if (b && !b.disabled) b.click(); }
  document.addEventListener("keydown", function (e) {
    const tag = (e.target && e.target.tagName) || "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || e.ctrlKey || e.metaKey || e.altKey) return;
    switch (e.key) {
      case "j": setFocus(focus + 1); break;
      case "k": setFocus(focus - 1); break;
      case "a": if (focus >= 0) rows[focus].querySelector("button.accept").click(); break;
      case "r": if (focus >= 0) rows[focus].querySelector("button.reject").click(); break;
      case "x": click("#add-redaction"); break;
      case "c": click("#confirm-hit"); break;
      case "n": { const a = document.getElementById("next-doc"); if (a) window.location = a.href; break; }
      case "p": { const a = document.getElementById("prev-doc"); if (a) window.location = a.href; break; }
      default: return;
    }
    e.preventDefault();
  });
})();
