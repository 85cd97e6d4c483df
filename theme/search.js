// Seam search. It fetches the index Seam wrote under search/ in pieces: the
// manifest, the one shard each query word falls in, and the chunks that hold
// the results shown, each gzipped. Nothing leaves the
// site's own host. Under Node it exports its engine (for tests) and touches
// no page.
(function () {
  "use strict";
  var FORMAT = 3;
  var SHOWN = 8;
  var PAGE = 20;
  var FILTERED = 200;

  // The search engine over an index whose files `get(path)` fetches as JSON.
  function engine(get) {
  var cache = {};
  function load(path) {
    if (!cache[path]) {
      cache[path] = get(path);
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }
  function manifest() {
    return load("search/index.json.gz").then(function (m) {
      if (m.format !== FORMAT) throw new Error("index format " + m.format);
      if (!m.stops) m.stops = new Set(m.stop_words);
      return m;
    });
  }

  // Words as Seam indexes them: lower case, diacritics dropped, numbers without leading zeros.
  function words(text, stops) {
    return text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")
      .split(/[^\p{Alphabetic}\p{N}]+/u)
      .filter(function (w) { return w; })
      .map(function (w) { return /^\d+$/.test(w) ? (w.replace(/^0+/, "") || "0") : w; })
      .filter(function (w) { return Array.from(w).length <= 40 && !stops.has(w); });
  }
  // The term Seam gives a whole id: its words joined by "-", then "#".
  function wholeId(text) {
    return words(text, new Set()).join("-") + "#";
  }

  var DIGITS = "0123456789abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVwxyzWXYZ_-";
  var VALUE = {};
  for (var d = 0; d < 64; d++) VALUE[DIGITS.charCodeAt(d)] = d;
  // The numbers of Seam's compact form: five bits a character, the last character of each below 32.
  function decodeNumbers(s) {
    var out = [], n = 0, shift = 0;
    for (var i = 0; i < s.length; i++) {
      var v = VALUE[s.charCodeAt(i)];
      if (v >= 32) { n |= (v - 32) << shift; shift += 5; } else { out.push(n | (v << shift)); n = 0; shift = 0; }
    }
    return out;
  }
  // A term's postings: document numbers, impacts and sections, from the
  // columns of its entry (distances from the last document, impacts, sections).
  function decode(term) {
    if (term.list) return term.list;
    var columns = term[1].split("."), docs = decodeNumbers(columns[0]);
    var impacts = decodeNumbers(columns[1]), sections = decodeNumbers(columns[2]);
    for (var i = 1; i < docs.length; i++) docs[i] += docs[i - 1];
    term.list = { docs: docs, impacts: impacts, sections: sections };
    return term.list;
  }

  // The typo shard of a word: where its letters, read backwards, fall.
  function endOf(m, word) {
    var r = Array.from(word).reverse().join(""), lo = 0, hi = m.ends.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (m.ends[mid] <= r) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  // The shard a term falls in: the last whose first term is not after it.
  function shardOf(m, term) {
    var lo = 0, hi = Math.max(0, m.shards.length - 1);
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (m.shards[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  // The shards a query word needs: its own, and for the word being typed
  // (the last), up to two more that terms starting with it run on into.
  function shardsFor(m, word, typing) {
    var first = shardOf(m, word), list = [first];
    if (!typing) return list;
    for (var k = first + 1; k < m.shards.length && list.length < 3 && m.shards[k].indexOf(word) === 0; k++) list.push(k);
    return list;
  }
  function lowerBound(terms, word) {
    var lo = 0, hi = terms.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (terms[mid][0] < word) lo = mid + 1; else hi = mid; }
    return lo;
  }

  // Edits (insertions, deletions, substitutions, swaps of neighbours) between a and b, up to max.
  function edits(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur.push(v);
        if (v < best) best = v;
      }
      if (best > max) return max + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }
  function allowedEdits(word) { return word.length >= 9 ? 2 : word.length >= 5 ? 1 : 0; }

  // The terms a query word matches, each with how much a match counts.
  function candidates(word, terms, extra) {
    var out = [], at = lowerBound(terms, word), exact = false;
    for (var i = at; i < terms.length && terms[i][0].indexOf(word) === 0; i++) {
      var t = terms[i][0];
      if (t.charAt(t.length - 1) === "#") continue;
      if (t === word) { out.push({ term: terms[i], weight: 1 }); exact = true; }
      else if (word.length >= 2) out.push({ term: terms[i], weight: 0.55 + 0.35 * word.length / t.length });
    }
    var max = allowedEdits(word);
    if (!exact && max) {
      for (i = 0; i < terms.length; i++) {
        var term = terms[i][0];
        var e = term.indexOf(word) === 0 || term.charAt(term.length - 1) === "#" ? 0 : edits(word, term, max);
        if (e > 0 && e <= max) out.push({ term: terms[i], weight: e === 1 ? 0.5 : 0.3 });
      }
    }
    // Terms the typo shards found, whose first letters differ from the word's.
    (extra || []).forEach(function (t) {
      out.push({ term: t, weight: edits(word, t[0], max) === 1 ? 0.5 : 0.3 });
    });
    // The most telling prefix matches first, so that a short prefix stays quick.
    if (out.length > 64) {
      out.sort(function (a, b) { return b.weight - a.weight || decode(a.term).docs.length - decode(b.term).docs.length; });
      out.length = 64;
    }
    return out;
  }

  // Ranks every document matching the query: those with every word first,
  // then by BM25 (impacts from the index, rarity from each term's postings).
  function search(query) {
    return manifest().then(function (m) {
      var list = words(query, m.stops);
      var id = wholeId(query);
      // "ADR-0007" or "adr 7" asks for one id: the number and the whole id
      // find it, and the word every ADR has is not fetched.
      if (list.length === 2 && /^\d+$/.test(list[1]) && (m.id_prefixes || []).indexOf(list[0]) >= 0) list = list.slice(1);
      var wanted = list.concat([id]);
      if (!list.length || !m.shards.length) return { query: query, words: list, ranked: [], m: m };
      var needed = {}, ends = {};
      var span = function (w) { return shardsFor(m, w, w === list[list.length - 1]); };
      wanted.forEach(function (w) { span(w).forEach(function (k) { needed[k] = true; }); });
      var shards = {}, endShards = {};
      var fetchTerms = function (ks) {
        return Promise.all(ks.map(function (k) {
          return load("search/terms/" + k + ".json.gz").then(function (s) { shards[k] = s.terms; });
        }));
      };
      var terms = function (w) {
        var all = [];
        span(w).forEach(function (k) { all = all.concat(shards[k]); });
        return all;
      };
      // A word long enough to be mistyped that begins no term of its shard
      // may have its first letters wrong: the typo shard of its last letters
      // names the terms that end as it does. It is small, and fetched beside
      // the word's own shard so that a typo costs no extra round trip.
      var long = list.filter(function (w) { return allowedEdits(w) && m.ends && m.ends.length; });
      long.forEach(function (w) { ends[endOf(m, w)] = true; });
      var typos = [];
      return Promise.all([fetchTerms(Object.keys(needed))].concat(Object.keys(ends).map(function (k) {
        return load("search/ends/" + k + ".json.gz").then(function (s) { endShards[k] = s.terms; });
      }))).then(function () {
        typos = long.filter(function (w) {
          var own = terms(w), at = lowerBound(own, w);
          return !(at < own.length && own[at][0].indexOf(w) === 0);
        });
        // A mistyped word with no term of its own: the nearest terms that
        // end as it does, within its edits (those one edit away, if any),
        // from their shards (one more request).
        var extra = {}, more = {};
        typos.forEach(function (w) {
          var max = allowedEdits(w), found = [];
          endShards[endOf(m, w)].forEach(function (t) {
            if (span(w).indexOf(shardOf(m, t)) >= 0) return;
            var e = edits(w, t, max);
            if (e <= max) found.push([t, e]);
          });
          var nearest = Math.min.apply(null, found.map(function (f) { return f[1]; }));
          extra[w] = found.filter(function (f) { return f[1] === nearest; }).map(function (f) { return f[0]; });
          extra[w].forEach(function (t) { var k = shardOf(m, t); if (!shards[k]) more[k] = true; });
        });
        return fetchTerms(Object.keys(more)).then(function () {
          Object.keys(extra).forEach(function (w) {
            extra[w] = extra[w].map(function (t) {
              var list = shards[shardOf(m, t)], at = lowerBound(list, t);
              return list[at];
            }).filter(function (t) { return t; });
          });
          return rank(m, list, id, terms, extra, query);
        });
      });
    });
  }

  // Scores every document for the query's words: BM25 over each word's best-matching term.
  function rank(m, list, id, terms, extra, query) {
    var scores = new Map();
    var hit = function (doc) {
      var s = scores.get(doc);
      if (!s) { s = { doc: doc, score: 0, words: 0, section: -1, exact: false }; scores.set(doc, s); }
      return s;
    };
    list.forEach(function (w, wi) {
      var best = new Map();
      candidates(w, terms(w), extra[w]).forEach(function (c) {
        var p = decode(c.term), df = p.docs.length;
        var idf = Math.log(1 + (m.documents - df + 0.5) / (df + 0.5));
        for (var i = 0; i < df; i++) {
          var v = c.weight * idf * p.impacts[i], b = best.get(p.docs[i]);
          if (!b || v > b.v) best.set(p.docs[i], { v: v, section: p.sections[i] });
        }
      });
      best.forEach(function (b, doc) {
        var s = hit(doc);
        s.score += b.v; s.words++;
        if (s.section < 0 || wi === 0) s.section = b.section;
      });
    });
    // A whole id (adr-0007, payments) puts its document first.
    {
      var ts = terms(id), at = lowerBound(ts, id);
      if (at < ts.length && ts[at][0] === id) decode(ts[at]).docs.forEach(function (doc) {
        var s = hit(doc); s.exact = true; s.words = Math.max(s.words, list.length);
      });
    }
    var ranked = Array.from(scores.values());
    ranked.sort(function (a, b) {
      return (b.exact - a.exact) || (b.words - a.words) || (b.score - a.score) || (a.doc - b.doc);
    });
    var full = ranked.filter(function (s) { return s.words === list.length; });
    return { query: query, words: list, ranked: ranked, all: full.length > 0, m: m };
  }

  // Each document's record in the chunks of `dir` (`size` documents a file), fetching each chunk once.
  function records(dir, size, docs) {
    var chunks = {};
    docs.forEach(function (d) { chunks[Math.floor(d / size)] = true; });
    return Promise.all(Object.keys(chunks).map(function (c) {
      return load("search/" + dir + "/" + c + ".json.gz").then(function (list) { return [c, list]; });
    })).then(function (loaded) {
      var byChunk = {};
      loaded.forEach(function (p) { byChunk[p[0]] = p[1]; });
      return function (d) { return byChunk[Math.floor(d / size)][d % size]; };
    });
  }
  // What results show: title, address (under the site), kind, id, team, status.
  function shown(m, docs) {
    return records("docs", m.docs_chunk, docs).then(function (record) {
      return docs.map(function (d) {
        var r = record(d);
        return { doc: d, title: r[0], url: r[1], kind: r[2], id: r[3], team: r[4], status: r[5] };
      });
    });
  }
  // Each document's headings (with anchors) and section openings.
  function texts(m, docs) {
    return records("text", m.text_chunk, docs);
  }

  return { load: load, manifest: manifest, words: words, edits: edits, allowedEdits: allowedEdits, search: search, shown: shown, texts: texts, decodeNumbers: decodeNumbers };
  }

  if (typeof module === "object" && module.exports) { module.exports = { engine: engine }; return; }
  var boxes = document.querySelectorAll("form[data-search]");
  if (!boxes.length) return;
  var base = boxes[0].getAttribute("data-search") || "/";
  var index = engine(function (path) {
    return fetch(base + path).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return r.arrayBuffer();
    }).then(function (bytes) {
      var head = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength));
      // A host that sends .gz files with Content-Encoding: gzip hands over the JSON itself.
      if (head[0] !== 0x1f || head[1] !== 0x8b) return JSON.parse(new TextDecoder().decode(bytes));
      if (typeof DecompressionStream !== "function") throw new Error("this browser cannot unpack the search index");
      return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).json();
    });
  });
  var load = index.load, manifest = index.manifest, words = index.words, edits = index.edits,
    search = index.search, shown = index.shown, texts = index.texts, allowedEdits = index.allowedEdits;
  // Every query needs the manifest, and it is small (a few KB gzipped, cached
  // by the browser), so it is fetched once the page is idle: a query then
  // waits on two rounds, its words' shards and its results' chunk.
  window.addEventListener("load", function () {
    var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 200); };
    idle(function () { manifest().catch(function () {}); }, { timeout: 2000 });
  });

  // Text with the query's words (and what they prefix) marked.
  function marked(text, list) {
    var span = document.createDocumentFragment();
    var re = /[\p{Alphabetic}\p{N}]+/gu, last = 0, found;
    while ((found = re.exec(text))) {
      var w = words(found[0], new Set())[0] || "";
      var match = list.some(function (q) { return w.indexOf(q) === 0 || (allowedEdits(q) && edits(q, w, allowedEdits(q)) <= allowedEdits(q)); });
      if (!match) continue;
      span.appendChild(document.createTextNode(text.slice(last, found.index)));
      var mark = document.createElement("mark");
      mark.textContent = found[0];
      span.appendChild(mark);
      last = found.index + found[0].length;
    }
    span.appendChild(document.createTextNode(text.slice(last)));
    return span;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function describe(r) {
    return [r.kind, r.id, r.team, r.status].filter(function (x, i, a) { return x && a.indexOf(x) === i; }).join(" · ");
  }
  function unavailable(e) {
    return location.protocol === "file:"
      ? "Search cannot load its index from a file:// page. Serve the folder over HTTP (seam serve does)."
      : "Search could not load its index (" + e.message + ").";
  }

  // The box in every page's header: results as you type.
  boxes.forEach(function (form, n) {
    var input = form.querySelector("input[type=search]");
    var list = el("ul", "search-dropdown");
    list.id = "search-dropdown-" + n;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Search results");
    list.hidden = true;
    form.appendChild(list);
    input.placeholder = "Search teams, decisions, documents";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var asked = 0, active = -1;
    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function move(to) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      if (active >= 0) items[active].removeAttribute("aria-selected");
      active = (to + items.length) % items.length;
      items[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function show(items, note) {
      list.textContent = "";
      items.forEach(function (r, i) {
        var li = el("li", "search-option");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        var a = el("a");
        a.href = base + r.url;
        a.tabIndex = -1;
        a.appendChild(marked(r.title, r.words));
        li.appendChild(a);
        li.appendChild(el("span", "search-meta", describe(r)));
        list.appendChild(li);
      });
      var more = el("li", "search-all");
      var link = el("a", null, note);
      link.href = base + "search/?q=" + encodeURIComponent(input.value.trim());
      link.tabIndex = -1;
      more.appendChild(link);
      list.appendChild(more);
      list.hidden = false; active = -1;
      input.setAttribute("aria-expanded", "true");
    }
    var timer = 0;
    function run() {
      var q = input.value, mine = ++asked;
      if (!q.trim()) { close(); return; }
      search(q).then(function (res) {
        if (mine !== asked) return null;
        var docs = res.ranked.slice(0, SHOWN).map(function (s) { return s.doc; });
        var count = res.ranked.length;
        var note = count ? "All " + count + " result" + (count === 1 ? "" : "s") + " →" : "No results for “" + q.trim() + "”";
        var all = false;
        function draw(items) {
          if (mine !== asked) return;
          items.forEach(function (r) { r.words = res.words; });
          var was = active;
          show(items, note);
          if (was >= 0) move(was);
        }
        // The best result shows as soon as its chunk is here; the rest follow.
        var first = shown(res.m, docs.slice(0, 1)).then(function (items) { if (!all) draw(items); });
        return Promise.all([first, shown(res.m, docs).then(function (items) { all = true; draw(items); })]);
      }).catch(function (e) {
        if (mine !== asked) return;
        list.textContent = "";
        list.appendChild(el("li", "search-error", unavailable(e)));
        list.hidden = false;
      });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 40); });
    input.addEventListener("focus", function () { manifest().catch(function () {}); if (input.value.trim() && list.children.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) run(); else move(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(active - 1); }
      else if (e.key === "Escape") { if (!list.hidden) { e.preventDefault(); close(); } else input.blur(); }
      else if (e.key === "Enter" && active >= 0) {
        var a = list.querySelectorAll("[role=option] a")[active];
        if (a) { e.preventDefault(); location.href = a.href; }
      }
    });
    list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    boxes[0].querySelector("input[type=search]").focus();
  });

  // A filter box on an index (the ADR index): the rows the search finds, in any order.
  document.querySelectorAll("input[data-search-filter]").forEach(function (input) {
    var kind = input.getAttribute("data-search-filter"), form = input.form, asked = 0, timer = 0;
    function apply(matches) {
      form.searchMatches = matches;
      form.dispatchEvent(new Event("change"));
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value, mine = ++asked;
        if (!q.trim()) { apply(null); return; }
        search(q).then(function (res) {
          // The best FILTERED documents with every word; the kind is checked from what results show.
          var docs = res.ranked.filter(function (s) { return s.words === res.words.length || s.exact; })
            .slice(0, FILTERED).map(function (s) { return s.doc; });
          return shown(res.m, docs);
        }).then(function (items) {
          if (mine !== asked) return;
          apply(new Set(items.filter(function (r) { return r.kind === kind; }).map(function (r) { return base + r.url; })));
        }).catch(function () { if (mine === asked) apply(null); });
      }, 60);
    });
  });

  // The results page: every result, with excerpts and filters with counts.
  var page = document.querySelector("[data-search-page]");
  if (!page) return;
  var pageInput = page.querySelector("input[type=search]");
  var status = page.querySelector(".search-status");
  var resultsList = page.querySelector(".search-results-list");
  var filters = page.querySelector(".search-filters");
  var more = page.querySelector(".search-more");
  var q = new URLSearchParams(location.search).get("q") || "";
  pageInput.value = q;
  boxes[0].querySelector("input[type=search]").value = q;
  var state = null, chosen = { kind: new Set(), status: new Set(), team: new Set() }, showing = 0;

  function facetsOf(f, doc) {
    return { kind: f.kinds[f.values[doc * 3] - 1], status: f.statuses[f.values[doc * 3 + 1] - 1], team: f.teams[f.values[doc * 3 + 2] - 1] };
  }
  function passes(fa, except) {
    return Object.keys(chosen).every(function (k) { return k === except || !chosen[k].size || chosen[k].has(fa[k]); });
  }
  function drawFilters() {
    Object.keys(chosen).forEach(function (facet) {
      var set = filters.querySelector("[data-facet=" + facet + "]");
      var counts = new Map();
      state.ranked.forEach(function (s) {
        if (!passes(s.facets, facet)) return;
        var v = s.facets[facet];
        if (v) counts.set(v, (counts.get(v) || 0) + 1);
      });
      Array.prototype.slice.call(set.querySelectorAll("label")).forEach(function (l) { l.remove(); });
      Array.from(counts.keys()).sort().forEach(function (v) {
        var label = el("label");
        var box = el("input");
        box.type = "checkbox"; box.value = v; box.checked = chosen[facet].has(v);
        box.addEventListener("change", function () {
          if (box.checked) chosen[facet].add(v); else chosen[facet].delete(v);
          draw();
        });
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + v + " "));
        label.appendChild(el("span", "count", String(counts.get(v))));
        set.appendChild(label);
      });
      set.hidden = counts.size === 0;
    });
    filters.hidden = false;
  }
  function drawMore() {
    var matching = state.ranked.filter(function (s) { return passes(s.facets); });
    var slice = matching.slice(showing, showing + PAGE);
    showing += slice.length;
    more.hidden = showing >= matching.length;
    status.textContent = matching.length + " result" + (matching.length === 1 ? "" : "s") + " for “" + state.query.trim() + "”" +
      (state.all || !state.words.length || state.words.length === 1 ? "" : " (none has every word; showing those with some)");
    var docs = slice.map(function (s) { return s.doc; });
    return Promise.all([shown(state.m, docs), texts(state.m, docs)]).then(function (p) {
      p[0].forEach(function (r, i) {
        var s = slice[i], text = p[1](r.doc), li = el("li", "search-result");
        var h = el("h2");
        var a = el("a"); a.href = base + r.url; a.appendChild(marked(r.title, state.words));
        h.appendChild(a); li.appendChild(h);
        li.appendChild(el("p", "search-meta", describe(r)));
        var heading = s.section > 0 ? text[0][s.section - 1] : null;
        if (heading) {
          var under = el("a", "search-section"); under.href = base + r.url + "#" + heading[1]; under.textContent = "§ " + heading[0];
          li.appendChild(under);
        }
        var opening = text[1][s.section] || text[1].find(function (o) { return o; }) || "";
        if (opening) { var p2 = el("p", "search-excerpt"); p2.appendChild(marked(opening, state.words)); li.appendChild(p2); }
        resultsList.appendChild(li);
      });
    });
  }
  function draw() {
    resultsList.textContent = ""; showing = 0;
    drawFilters();
    return drawMore();
  }
  more.addEventListener("click", function () { drawMore(); });
  if (!q.trim()) { status.textContent = "Type a team, a service, an ADR number or a word from a decision."; return; }
  status.textContent = "Searching…";
  Promise.all([search(q), load("search/facets.json.gz")]).then(function (p) {
    var f = p[1];
    if (!f.values) f.values = index.decodeNumbers(f.documents);
    state = p[0];
    state.ranked.forEach(function (s) { s.facets = facetsOf(f, s.doc); });
    return draw();
  }).catch(function (e) { status.textContent = unavailable(e); });
})();
