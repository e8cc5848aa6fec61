// The report's only script. Article text comes from the JSON data element
// and reaches the page through textContent alone: never as markup.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("unspun-data").textContent);
  const PAGE = 100;
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const view = document.getElementById("view");
  const bytesCache = new Map();

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function bytesOf(d) {
    if (!bytesCache.has(d)) bytesCache.set(d, enc.encode(D.texts[d] || ""));
    return bytesCache.get(d);
  }
  function docName(d) {
    const doc = D.docs[d];
    return doc ? doc.id : "?";
  }
  function fmt(x) {
    return x === null || x === undefined ? "–" : x.toFixed(2);
  }
  function relationTag(r) {
    return el("span", "relation " + r, r.replace("_", " "));
  }

  // A document's text as spans: boilerplate greyed, marks for passages.
  // `marks` are [start, end, class, key] in bytes of the UTF-8 text.
  function renderText(d, marks) {
    const box = el("div", "text");
    const text = D.texts[d];
    if (text === null || text === undefined) {
      box.textContent = "(text not available)";
      return box;
    }
    const bytes = bytesOf(d);
    const removed = (D.docs[d] && D.docs[d].removed) || [];
    const cuts = new Set([0, bytes.length]);
    for (const [s, e] of removed) { cuts.add(s); cuts.add(e); }
    for (const m of marks) { cuts.add(m[0]); cuts.add(m[1]); }
    const points = Array.from(cuts).filter((x) => x >= 0 && x <= bytes.length).sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const s = points[i], e = points[i + 1];
      if (e <= s) continue;
      const piece = dec.decode(bytes.subarray(s, e));
      const mark = marks.find((m) => m[0] <= s && e <= m[1]);
      const boiler = removed.some(([rs, re]) => rs <= s && e <= re);
      let node;
      if (mark) {
        node = el("mark", mark[2], piece);
        node.dataset.k = mark[3];
      } else {
        node = el("span", boiler ? "boiler" : "", piece);
      }
      if (boiler) node.classList.add("boiler");
      box.appendChild(node);
    }
    return box;
  }

  function linkMarks(root) {
    root.addEventListener("mouseover", (ev) => {
      const m = ev.target.closest("mark[data-k]");
      root.querySelectorAll("mark.hl").forEach((x) => x.classList.remove("hl"));
      if (m) root.querySelectorAll('mark[data-k="' + m.dataset.k + '"]').forEach((x) => x.classList.add("hl"));
    });
  }

  function legend() {
    const l = el("p", "legend");
    const a = el("span"); a.appendChild(el("mark", "verbatim", "verbatim")); l.appendChild(a);
    const b = el("span"); b.appendChild(el("mark", "paraphrase", "paraphrased")); l.appendChild(b);
    const c = el("span"); c.appendChild(el("span", "boiler", "boilerplate (set aside)")); l.appendChild(c);
    return l;
  }

  function pairView(p) {
    const pair = D.pairs[p];
    const box = el("section", "pairview");
    box.id = "pair-view";
    box.appendChild(el("h2", "", "Side by side"));
    const head = el("p", "meta");
    head.appendChild(relationTag(pair.relation));
    const s = pair.scores;
    let line = " lexical " + fmt(s[0]) + " · semantic " + fmt(s[1]) + " · story " + fmt(s[2]) +
      (s[5] === null || s[5] === undefined ? "" : " · rewrite " + fmt(s[5])) +
      " · " + pair.passages.length + " passages";
    if (pair.source !== null && pair.source !== undefined) line += " · source: " + docName(pair.source);
    if (pair.note === "not_english") line += " · not English prose: the meaning layer was not applied";
    head.appendChild(document.createTextNode(line));
    box.appendChild(head);
    box.appendChild(legend());
    const cols = el("div", "cols");
    const sides = [[pair.a, 0], [pair.b, 2]];
    for (const [d, off] of sides) {
      const col = el("div", "col");
      const doc = D.docs[d] || {};
      col.appendChild(el("h3", "doc-id", doc.id));
      if (doc.title) col.appendChild(el("p", "meta", doc.title));
      const marks = pair.passages.map((q, k) => [q[off], q[off + 1], q[4] ? "paraphrase" : "verbatim", k]);
      col.appendChild(renderText(d, marks));
      cols.appendChild(col);
    }
    box.appendChild(cols);
    linkMarks(box);
    return box;
  }

  function docView(d, span) {
    const box = el("section", "docview");
    box.id = "doc-view";
    const doc = D.docs[d] || {};
    box.appendChild(el("h2", "doc-id", doc.id));
    const meta = [doc.title, doc.site, doc.date].filter(Boolean).join(" · ");
    if (meta) box.appendChild(el("p", "meta", meta));
    const marks = span ? [[span[0], span[1], "claim", "c"]] : [];
    box.appendChild(renderText(d, marks));
    return box;
  }

  function showDetail(node) {
    const old = document.getElementById("pair-view") || document.getElementById("doc-view");
    if (old) old.remove();
    view.appendChild(node);
  }

  function openPair(p, scroll) {
    if (!D.pairs[p]) return;
    showDetail(pairView(p));
    if (scroll) document.getElementById("pair-view").scrollIntoView();
  }

  function openDoc(d, span) {
    showDetail(docView(d, span));
    const m = view.querySelector("#doc-view mark.claim");
    (m || document.getElementById("doc-view")).scrollIntoView({ block: "center" });
  }

  // A paged table of pairs (indices into D.pairs).
  function pairTable(container, pairs) {
    container.replaceChildren();
    if (!pairs.length) { container.appendChild(el("p", "hint", "No related pairs.")); return; }
    const table = el("table", "pairs");
    const pager = el("div", "pager");
    container.appendChild(table);
    container.appendChild(pager);
    let page = 0;
    function draw() {
      table.replaceChildren();
      const head = el("tr");
      for (const h of ["a", "b", "relation", "lexical", "semantic", "story", "passages", ""]) head.appendChild(el("th", "", h));
      table.appendChild(head);
      for (const p of pairs.slice(page * PAGE, (page + 1) * PAGE)) {
        const q = D.pairs[p];
        const tr = el("tr");
        tr.appendChild(el("td", "doc-id", docName(q.a)));
        tr.appendChild(el("td", "doc-id", docName(q.b)));
        const rel = el("td"); rel.appendChild(relationTag(q.relation)); tr.appendChild(rel);
        tr.appendChild(el("td", "", fmt(q.scores[0])));
        tr.appendChild(el("td", "", fmt(q.scores[1])));
        tr.appendChild(el("td", "", fmt(q.scores[2])));
        tr.appendChild(el("td", "", q.passages.length));
        const b = el("button", "", "side by side");
        b.type = "button";
        b.addEventListener("click", () => openPair(p, true));
        const td = el("td"); td.appendChild(b); tr.appendChild(td);
        table.appendChild(tr);
      }
      pagerControls(pager, page, Math.ceil(pairs.length / PAGE), (n) => { page = n; draw(); });
    }
    draw();
  }

  function pagerControls(pager, page, pages, go) {
    pager.replaceChildren();
    if (pages <= 1) return;
    const prev = el("button", "", "‹ previous"); prev.disabled = page === 0;
    prev.addEventListener("click", () => go(page - 1));
    const next = el("button", "", "next ›"); next.disabled = page + 1 >= pages;
    next.addEventListener("click", () => go(page + 1));
    pager.appendChild(prev);
    pager.appendChild(el("span", "hint", " page " + (page + 1) + " of " + pages + " "));
    pager.appendChild(next);
  }

  // The claim matrix: one row per statement, one column per member.
  function claimTable(container, story) {
    if (!container || !story.claims) return;
    const table = el("table", "claims");
    const pager = el("div", "pager");
    container.replaceChildren(table, pager);
    const column = new Map(story.members.map((m, k) => [m, k]));
    const n = story.members.length;
    let page = 0;
    function draw() {
      table.replaceChildren();
      const head = el("tr");
      head.appendChild(el("th", "", "claim"));
      head.appendChild(el("th", "", "carried by"));
      story.members.forEach((m, k) => {
        const th = el("th", "", "D" + (k + 1));
        th.title = docName(m);
        head.appendChild(th);
      });
      table.appendChild(head);
      for (const claim of story.claims.slice(page * PAGE, (page + 1) * PAGE)) {
        const tr = el("tr", claim.length === n ? "all" : claim.length === 1 ? "one" : "some");
        const [d0, s0, e0] = claim[0];
        tr.appendChild(el("td", "claim-text", dec.decode(bytesOf(d0).subarray(s0, e0))));
        tr.appendChild(el("td", "", claim.length + "/" + n));
        const cells = Array.from({ length: n }, () => el("td"));
        for (const [d, s, e] of claim) {
          const b = el("button", "dot", "●");
          b.type = "button";
          b.title = docName(d) + ", bytes " + s + "–" + e;
          b.addEventListener("click", () => openDoc(d, [s, e]));
          if (column.has(d)) cells[column.get(d)].appendChild(b);
        }
        cells.forEach((c) => tr.appendChild(c));
        table.appendChild(tr);
      }
      pagerControls(pager, page, Math.ceil(story.claims.length / PAGE), (x) => { page = x; draw(); });
    }
    draw();
  }

  function openStory(k, pair) {
    const t = document.getElementById("story-" + k);
    const story = D.stories[k];
    if (!t || !story) return;
    view.replaceChildren(t.content.cloneNode(true));
    const members = new Set(story.members);
    const pairs = [];
    D.pairs.forEach((q, i) => { if (members.has(q.a) && members.has(q.b)) pairs.push(i); });
    pairTable(view.querySelector(".story-pairs"), pairs);
    claimTable(view.querySelector(".claims-wrap"), story);
    view.querySelectorAll("button[data-doc]").forEach((b) => {
      b.addEventListener("click", () => {
        const span = b.dataset.span ? b.dataset.span.split(",").map(Number) : null;
        openDoc(Number(b.dataset.doc), span);
      });
    });
    // Show the pair with the most evidence first.
    let best = pair;
    if (best === undefined) {
      for (const i of pairs) if (best === undefined || D.pairs[i].passages.length > D.pairs[best].passages.length) best = i;
    }
    if (best !== undefined) openPair(best, false);
  }

  function route() {
    const h = decodeURIComponent(location.hash.slice(1));
    let m;
    if ((m = /^story=(\d+)$/.exec(h))) { openStory(Number(m[1])); view.scrollIntoView(); return; }
    if ((m = /^pair=(\d+)$/.exec(h))) {
      // A pair on its own, at the top: a link to share or to screenshot.
      const p = Number(m[1]), q = D.pairs[p];
      if (!q) return;
      view.replaceChildren();
      const k = D.stories.findIndex((s) => s.members.includes(q.a) && s.members.includes(q.b));
      if (k >= 0) {
        const back = el("a", "", "← the story: " + (D.stories[k].title || D.stories[k].id));
        back.href = "#story=" + k;
        view.appendChild(back);
      }
      openPair(p, false);
      return;
    }
    // Default: the first story of the index (the largest).
    const first = document.querySelector("#story-index tr[data-story]");
    if (first) openStory(Number(first.dataset.story));
  }

  function storyIndex() {
    const table = document.getElementById("story-index");
    if (!table) return;
    const rows = Array.from(table.querySelectorAll("tr[data-story]"));
    const pager = document.getElementById("story-pager");
    const filter = document.getElementById("story-filter");
    let page = 0;
    function draw() {
      const q = (filter.value || "").toLowerCase();
      const shown = rows.filter((r) => {
        if (!q) return true;
        const s = D.stories[Number(r.dataset.story)];
        return r.textContent.toLowerCase().includes(q) ||
          s.members.some((m) => docName(m).toLowerCase().includes(q));
      });
      rows.forEach((r) => { r.hidden = true; });
      shown.slice(page * PAGE, (page + 1) * PAGE).forEach((r) => { r.hidden = false; });
      pagerControls(pager, page, Math.ceil(shown.length / PAGE), (n) => { page = n; draw(); });
    }
    filter.addEventListener("input", () => { page = 0; draw(); });
    draw();
  }

  function allPairs() {
    const box = document.getElementById("pairs-all");
    const select = el("select");
    const relations = Array.from(new Set(D.pairs.map((p) => p.relation))).sort();
    for (const r of ["all relations"].concat(relations)) select.appendChild(el("option", "", r));
    const table = el("div");
    box.appendChild(select);
    box.appendChild(table);
    function draw() {
      const r = select.value;
      const idx = [];
      D.pairs.forEach((p, i) => { if (r === "all relations" || p.relation === r) idx.push(i); });
      pairTable(table, idx);
    }
    select.addEventListener("change", draw);
    draw();
  }

  storyIndex();
  allPairs();
  window.addEventListener("hashchange", route);
  route();
  // When the page was ready, for measuring (see examples/measure.rs).
  document.documentElement.dataset.readyMs = String(Math.round(performance.now()));
})();
