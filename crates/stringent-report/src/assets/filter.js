// Search and filter boxes of the stringent report: hide the items that do not match.
// Nothing is fetched; the page stays whole without the script.
//
// A box names what it filters: `data-filter-items` (a CSS selector), and either searches
// the items' text (an <input>: every word typed must occur) or compares one of their
// attributes (a <select> with `data-filter-attr`: an empty choice keeps every item).
// A box with `data-filter-param` takes its first value from the page's query string, so a
// filtered view can be linked to. Boxes over the same items combine: an item shows only
// when every box keeps it. `data-filter-count` names the element that says how many show.
"use strict";

(function () {
  const boxes = Array.from(document.querySelectorAll("[data-filter-items]"));
  if (boxes.length === 0) {
    return;
  }
  const params = new URLSearchParams(window.location.search);
  for (const box of boxes) {
    const param = box.getAttribute("data-filter-param");
    if (param && params.has(param)) {
      box.value = params.get(param);
    }
  }

  function keeps(box, item) {
    const value = (box.value || "").trim().toLowerCase();
    if (value === "") {
      return true;
    }
    const attr = box.getAttribute("data-filter-attr");
    if (attr) {
      return (item.getAttribute("data-" + attr) || "") === box.value;
    }
    const text = item.textContent.toLowerCase();
    return value.split(/\s+/).every((word) => text.includes(word));
  }

  function apply() {
    const selectors = new Set(boxes.map((b) => b.getAttribute("data-filter-items")));
    for (const selector of selectors) {
      const mine = boxes.filter((b) => b.getAttribute("data-filter-items") === selector);
      const items = Array.from(document.querySelectorAll(selector));
      let shown = 0;
      for (const item of items) {
        const keep = mine.every((b) => keeps(b, item));
        item.hidden = !keep;
        if (keep) {
          shown += 1;
        }
      }
      for (const b of mine) {
        const id = b.getAttribute("data-filter-count");
        const counter = id && document.getElementById(id);
        if (counter) {
          counter.textContent = shown + " of " + items.length + " shown";
          counter.setAttribute("data-shown", String(shown));
        }
      }
    }
  }

  for (const box of boxes) {
    box.addEventListener("input", apply);
    box.addEventListener("change", apply);
  }
  apply();
})();
