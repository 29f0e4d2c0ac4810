/* Search page (docs/search.md): Pagefind's JavaScript API behind a Vietnamese form whose
   fields are the URL parameters (?q=…&tinh=…&nam=…&sap-xep=…).

   The index spells every word in ASCII with a code that restores its accents
   (scrapers/index.py), so a query is folded to ASCII before it is searched (đ included: "dak
   lak" = "Đắk Lắk", NFD input and old tone placement fold to the same letters) and every
   title, excerpt and place name Pagefind returns is decoded before it is shown. */

const root = document.getElementById("tim-kiem");
const DATA = JSON.parse(document.getElementById("du-lieu-tim-kiem").textContent);
const form = root.querySelector(".search__form");
const input = form.elements.q;
const sortSelect = form.elements["sap-xep"];
const filterSelects = Array.from(form.querySelectorAll("select[data-filter]"));
const statusBox = root.querySelector(".search__status");
const list = root.querySelector(".search__results");
const moreButton = root.querySelector(".search__more");
const help = root.querySelector(".search__help");

const PAGE_SIZE = 10;
const TYPING_DELAY_MS = 250;
const SORTS = { "moi-nhat": { date: "desc" }, "cu-nhat": { date: "asc" } };
const FILTER_LABELS = Object.fromEntries(DATA.filters.map((f) => [f.key, f.label]));
const FILTER_VALUES = Object.fromEntries(DATA.filters.map((f) => [f.key, f.values || {}]));
const collator = new Intl.Collator("vi");

/* --- Text: the index's spelling ------------------------------------------------------ */

const { mark: MARK, code: CODE, letters: LETTERS } = DATA.codec;

// The index's key for a text: no marks, đ as d, lower case (scrapers.text.strip_diacritics).
function fold(text) {
  return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
    .replace(/\p{M}/gu, "").split(MARK).join(" ").toLowerCase();
}

// Undo scrapers.index.encode_text: "Dak`$!!#*" → "Đắk".
function decode(text) {
  if (!text || text.indexOf(MARK) < 0) return text || "";
  let out = "";
  let last = 0;
  let at = text.indexOf(MARK);
  while (at >= 0) {
    const count = CODE.indexOf(text.charAt(at + 1));
    if (count <= 0) {  // a literal mark (count 0), or a stray one
      out += text.slice(last, at) + MARK;
      last = at + (count === 0 ? 2 : 1);
    } else {
      let start = at;
      while (start > last && /[A-Za-z0-9]/.test(text.charAt(start - 1))) start -= 1;
      const word = text.slice(start, at).split("");
      const pairs = text.slice(at + 2, at + 2 + 2 * count);
      for (let i = 0; i + 1 < pairs.length; i += 2) {
        const position = CODE.indexOf(pairs[i]);
        const base = word[position];
        const forms = base ? LETTERS[base.toLowerCase()] || "" : "";
        const form = forms.charAt(CODE.indexOf(pairs[i + 1]));
        if (form) word[position] = base === base.toLowerCase() ? form : form.toUpperCase();
      }
      out += text.slice(last, start) + word.join("");
      last = at + 2 + 2 * count;
    }
    at = text.indexOf(MARK, last);
  }
  return out + text.slice(last);
}

/* --- Queries ---------------------------------------------------------------------------- */

// What Pagefind is asked: the folded query; a query wrapped in quotes stays a phrase search.
function parseQuery(raw) {
  const trimmed = raw.normalize("NFC").trim();
  const phrase = /^["“”„].+["“”„]$/.test(trimmed);
  const words = fold(trimmed).replace(/["“”„]/g, " ").split(/\s+/).filter(Boolean);
  const term = words.length ? (phrase ? `"${words.join(" ")}"` : words.join(" ")) : null;
  return { raw: trimmed, phrase, words, term };
}

// Provinces named in a query (folded names and variants from scrapers/data/provinces.json).
function spotProvinces(words) {
  const text = ` ${words.join(" ").replace(/[^a-z0-9]+/g, " ")} `;
  return DATA.provinces.filter((p) => p.keys.some((key) => text.includes(` ${key} `)));
}

/* --- State <-> form <-> URL ------------------------------------------------------------- */

function readForm() {
  const filters = {};
  for (const select of filterSelects) if (select.value) filters[select.name] = select.value;
  return { q: input.value, filters, sort: sortSelect.value };
}

function stateToParams(state) {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set("q", state.q.trim());
  for (const select of filterSelects) {
    if (state.filters[select.name]) params.set(select.name, state.filters[select.name]);
  }
  if (state.sort) params.set("sap-xep", state.sort);
  return params;
}

function readURL() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const select of filterSelects) {
    const value = params.get(select.name);
    if (value) filters[select.name] = value;
  }
  const sort = params.get("sap-xep");
  return { q: params.get("q") || "", filters, sort: sort in SORTS ? sort : "" };
}

function valueLabel(key, value) {
  return FILTER_VALUES[key][value] || value;
}

function ensureOption(select, value) {
  if (!value || Array.from(select.options).some((o) => o.value === value)) return;
  select.add(new Option(valueLabel(select.name, value), value));
}

function writeForm(state) {
  input.value = state.q;
  for (const select of filterSelects) {
    ensureOption(select, state.filters[select.name]);
    select.value = state.filters[select.name] || "";
  }
  sortSelect.value = state.sort;
}

// Typing replaces the history entry it started; submitting, filtering and sorting add one.
let typingEntryOpen = false;

function syncURL(state, mode) {
  const params = stateToParams(state).toString();
  if (params === window.location.search.replace(/^\?/, "")) return;
  const url = `${window.location.pathname}${params ? `?${params}` : ""}`;
  if (mode === "push" || (mode === "type" && !typingEntryOpen)) {
    window.history.pushState(null, "", url);
  } else {
    window.history.replaceState(null, "", url);
  }
  typingEntryOpen = mode === "type";
}

/* --- Pagefind ----------------------------------------------------------------------------- */

let engine = null;
let filtersLoaded = false;
// Counts are shown once the reader uses the filters (or arrives with some in the address).
let countsWanted = false;

function loadEngine() {
  if (!engine) {
    const bundle = new URL(root.dataset.bundle, document.baseURI);
    engine = import(new URL("pagefind.js", bundle).href).then(async (pagefind) => {
      // Pagefind searches in its Web Worker: a query made of words found in most articles
      // takes seconds on a large archive (docs/search.md), and the page must not freeze.
      await pagefind.options({ excerptLength: 30 });
      await pagefind.init();
      return pagefind;
    });
    engine.catch(() => { engine = null; });
  }
  return engine;
}

// Relevance, refined in tiers: the articles of a province named in the query first, and
// within each tier those holding the query's words side by side (most Vietnamese words are
// two or three syllables: "hoà giải" is one word, "hoà … giải đoạn" is not).
async function rankedResults(pagefind, query, state, main) {
  const ranked = { results: main.results, boosted: [], boostedCount: 0 };
  if (!query.term || state.sort) return ranked;
  const filters = { ...state.filters };
  const provinces = state.filters.tinh ? [] : spotProvinces(query.words);
  let local = new Set();
  if (provinces.length) {
    const inProvince = { ...filters, tinh: { any: provinces.map((p) => p.slug) } };
    local = new Set((await pagefind.search(query.term, { filters: inProvince })).results.map((r) => r.id));
  }
  let together = new Map();
  if (!query.phrase && query.words.length > 1) {
    const phrase = await pagefind.search(`"${query.words.join(" ")}"`, { filters });
    together = new Map(phrase.results.map((r) => [r.id, r]));
  }
  if (!local.size && !together.size) return ranked;
  const tier = (r) => (local.has(r.id) ? 0 : 2) + (together.has(r.id) ? 0 : 1);
  // Array.prototype.sort is stable: Pagefind's order is kept within a tier. A result found
  // side by side takes the phrase search's copy, whose excerpt shows the words together.
  ranked.results = main.results.slice().sort((a, b) => tier(a) - tier(b)).map((r) => together.get(r.id) || r);
  if (local.size) Object.assign(ranked, { boosted: provinces, boostedCount: local.size });
  return ranked;
}

// Counts per filter value: for a filter in use, what choosing another value would give.
// With one filter in use that is Pagefind's totalFilters; with more, a search without it.
async function filterCounts(pagefind, query, state, main) {
  const counts = {};
  const active = Object.keys(state.filters);
  for (const select of filterSelects) {
    const key = select.name;
    if (!state.filters[key]) {
      counts[key] = (main.filters || {})[key] || {};
    } else if (active.length === 1 && Object.values((main.totalFilters || {})[key] || {}).some((n) => n > 0)) {
      counts[key] = main.totalFilters[key];
    } else {  // several filters in use, or a search without words (no totalFilters)
      const others = { ...state.filters };
      delete others[key];
      const without = await pagefind.search(query.term, { filters: others });
      counts[key] = (without.filters || {})[key] || {};
    }
  }
  return counts;
}

// Query words that match nothing: Pagefind leaves them out silently; the reader is told.
const wordHits = new Map();
async function missingWords(pagefind, query) {
  if (query.phrase || query.words.length < 2) return [];
  const missing = [];
  for (const word of new Set(query.words)) {
    if (!wordHits.has(word)) {
      // A filter that is not in the index leaves nothing to rank (and no filter file to
      // fetch), so this costs no scoring; the count of articles holding the word comes back
      // all the same.
      const probe = await pagefind.search(word, { filters: { "_": "-" } });
      wordHits.set(word, probe.unfilteredResultCount);
    }
    if (wordHits.get(word) === 0) missing.push(word);
  }
  return missing;
}

/* --- Rendering ----------------------------------------------------------------------------- */

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function vnDay(iso) {
  const [y, m, d] = (iso || "").split("-");
  return y && m && d ? `${d}/${m}/${y}` : iso || "";
}

function resultItem(data) {
  const item = element("li", "search-result");
  const heading = element("h2", "search-result__title");
  const link = element("a", "pagefind-ui__result-link", decode(data.meta.title) || data.url);
  link.href = data.url;
  heading.append(link);
  item.append(heading);
  const meta = element("ul", "search-result__meta");
  const tags = [["Ngày", vnDay(data.meta.ngay)], ["Tỉnh/thành", decode(data.meta.tinh)]];
  for (const [label, value] of tags) {
    if (!value) continue;
    const tag = element("li", "pagefind-ui__result-tag");
    tag.append(element("span", "search-result__label", `${label}:`), ` ${value}`);
    meta.append(tag);
  }
  item.append(meta);
  const excerpt = element("p", "search-result__excerpt");
  excerpt.innerHTML = decode(data.excerpt);  // Pagefind's excerpt: escaped text and <mark>
  item.append(excerpt);
  return item;
}

function quoted(text) {
  return `“${text}”`;
}

function summary(view) {
  const { query, state, total, boosted, boostedCount } = view;
  const parts = [];
  const words = query.phrase ? query.raw.slice(1, -1).trim() : query.raw;
  const what = query.term ? ` cho ${query.phrase ? "cụm từ " : ""}${quoted(words)}` : "";
  const active = Object.entries(state.filters).map(([k, v]) => `${FILTER_LABELS[k].toLowerCase()} ${valueLabel(k, v)}`);
  const within = active.length ? `, lọc theo ${active.join(", ")}` : "";
  parts.push(total ? `Tìm thấy ${total} bài viết${what}${within}.` : `Không tìm thấy bài viết nào${what}${within}.`);
  if (boosted.length && boostedCount) {
    parts.push(`Bài của ${boosted.map((p) => p.name).join(", ")} (${boostedCount}) được xếp trước.`);
  }
  return parts.join(" ");
}

function renderStatus(view) {
  statusBox.replaceChildren(element("p", "search__summary", summary(view)));
  const { query, state, total, boosted, boostedCount } = view;
  if (boosted.length === 1 && boostedCount && boostedCount < total) {
    const narrow = element("button", "search__narrow", `Chỉ xem bài của ${boosted[0].name}`);
    narrow.type = "button";
    narrow.addEventListener("click", () => {
      const next = readForm();
      next.filters.tinh = boosted[0].slug;
      writeForm(next);
      run("push");
    });
    statusBox.append(narrow);
  }
  if (!total) statusBox.append(noResultHelp(query, state));
}

function noResultHelp(query, state) {
  const box = element("div", "search__empty");
  const tips = element("ul");
  tips.append(element("li", "", "Kiểm tra lỗi gõ, hoặc thử từ gần nghĩa."));
  if (query.words.length > 1) tips.append(element("li", "", "Bớt từ: mọi từ phải có trong bài."));
  if (query.phrase) tips.append(element("li", "", "Bỏ dấu ngoặc kép để tìm các từ ở bất kỳ đâu trong bài."));
  tips.append(element("li", "", "Gõ có dấu hay không dấu đều được; tên tỉnh viết tắt (HN, TTH) nên gõ đầy đủ."));
  box.append(element("p", "", "Thử:"), tips);
  if (Object.keys(state.filters).length) {
    const clear = element("button", "search__clear", "Bỏ mọi bộ lọc");
    clear.type = "button";
    clear.addEventListener("click", () => {
      writeForm({ ...readForm(), filters: {} });
      run("push");
    });
    box.append(clear);
  }
  return box;
}

function renderMissing(words) {
  if (!words.length) return;
  const names = words.map(quoted).join(", ");
  statusBox.append(element("p", "search__missing",
    `Không bài nào có ${words.length > 1 ? "các từ" : "từ"} ${names}, nên kết quả trên không tính ${words.length > 1 ? "các từ này" : "từ này"}.`));
}

// Before the counts are wanted, each list offers every value the archive has, without counts.
function renderValues(state) {
  for (const select of filterSelects) {
    const key = select.name;
    const values = Object.keys(FILTER_VALUES[key]);
    if (key === "nam") values.sort((a, b) => b.localeCompare(a));
    else values.sort((a, b) => collator.compare(valueLabel(key, a), valueLabel(key, b)));
    select.replaceChildren(new Option("Tất cả", ""), ...values.map((v) => new Option(valueLabel(key, v), v)));
    ensureOption(select, state.filters[key]);
    select.value = state.filters[key] || "";
  }
}

function renderCounts(counts, state) {
  for (const select of filterSelects) {
    const key = select.name;
    const values = Object.entries(counts[key] || {}).filter(([v, n]) => n > 0 || v === state.filters[key]);
    if (key === "nam") values.sort((a, b) => b[0].localeCompare(a[0]));
    else values.sort((a, b) => collator.compare(valueLabel(key, a[0]), valueLabel(key, b[0])));
    const options = [new Option("Tất cả", "")];
    for (const [value, count] of values) options.push(new Option(`${valueLabel(key, value)} (${count})`, value));
    select.replaceChildren(...options);
    select.value = state.filters[key] || "";
  }
}

let shown = [];
let shownCount = 0;

async function showMore(focusFirst) {
  const batch = shown.slice(shownCount, shownCount + PAGE_SIZE);
  const items = await Promise.all(batch.map((r) => r.data()));
  const nodes = items.map(resultItem);
  list.append(...nodes);
  shownCount += batch.length;
  moreButton.hidden = shownCount >= shown.length;
  if (focusFirst && nodes.length) nodes[0].querySelector("a").focus();
}

function clearResults() {
  shown = [];
  shownCount = 0;
  list.replaceChildren();
  moreButton.hidden = true;
}

/* --- One search ------------------------------------------------------------------------------- */

let generation = 0;
let lastSearch = null;

// Every filter's values (a file per filter, ~25 kB each on 10,000 articles) are loaded once,
// when the reader first turns to the filters; a search run before that has no counts, so it
// is run again.
async function showCounts(pagefind, search) {
  const { ticket, query, state, options } = search;
  const counted = filtersLoaded ? search.main : await pagefind.filters().then(() => {
    filtersLoaded = true;
    return pagefind.search(query.term, options);
  });
  const counts = await filterCounts(pagefind, query, state, counted);
  if (ticket === generation) renderCounts(counts, state);
}
let completed = 0;

function announce(name, detail) {
  root.dispatchEvent(new CustomEvent(name, { detail }));
}

async function run(mode) {
  const ticket = ++generation;
  const state = readForm();
  if (mode) syncURL(state, mode);
  const query = parseQuery(state.q);
  const browsing = !query.term && Object.keys(state.filters).length > 0;
  help.hidden = Boolean(query.term || browsing);
  if (!query.term && !browsing) {
    clearResults();
    statusBox.replaceChildren();
    root.dataset.state = "idle";
    return;
  }
  root.dataset.state = "busy";
  root.setAttribute("aria-busy", "true");
  try {
    const pagefind = await loadEngine();
    const options = { filters: { ...state.filters } };
    // Browsing a filter without a query lists the newest first unless told otherwise.
    const sort = SORTS[state.sort] || (browsing ? SORTS["moi-nhat"] : null);
    if (sort) options.sort = sort;
    const main = await pagefind.search(query.term, options);
    if (ticket !== generation) return;
    const ranked = await rankedResults(pagefind, query, state, main);
    if (ticket !== generation) return;
    clearResults();
    shown = ranked.results;
    const view = { query, state, total: shown.length, ...ranked };
    await showMore(false);
    if (ticket !== generation) return;
    renderStatus(view);
    announce("tim-kiem:ket-qua", { query: query.raw, total: shown.length });

    lastSearch = { ticket, query, state, options, main };
    if (countsWanted) await showCounts(pagefind, lastSearch);
    if (ticket !== generation) return;
    const missing = query.term ? await missingWords(pagefind, query) : [];
    if (ticket !== generation) return;
    renderMissing(missing);
    completed += 1;
    root.dataset.completed = String(completed);
    root.dataset.state = "done";
    announce("tim-kiem:xong", { query: query.raw, total: shown.length });
  } catch (error) {
    if (ticket !== generation) return;
    console.error(error);
    clearResults();
    statusBox.replaceChildren(element("p", "search__error",
      "Không tải được chỉ mục tìm kiếm. Hãy tải lại trang; nếu vẫn lỗi, hãy duyệt theo tỉnh/thành hoặc năm."));
    root.dataset.state = "error";
  } finally {
    if (ticket === generation) root.removeAttribute("aria-busy");
  }
}

/* --- Wiring ------------------------------------------------------------------------------------ */

let typingTimer = 0;

input.addEventListener("input", () => {
  window.clearTimeout(typingTimer);
  // One typed letter matches nearly every word as a prefix: wait for a second one.
  if (input.value.trim().length === 1) return;
  typingTimer = window.setTimeout(() => run("type"), TYPING_DELAY_MS);
});
input.addEventListener("focus", () => { loadEngine().catch(() => {}); }, { once: true });
form.addEventListener("submit", (event) => {
  event.preventDefault();
  window.clearTimeout(typingTimer);
  run("push");
});
for (const select of [...filterSelects, sortSelect]) select.addEventListener("change", () => run("push"));
moreButton.addEventListener("click", () => showMore(true));
const filterBox = form.querySelector(".search__filters");
function wantCounts() {
  if (countsWanted) return;
  countsWanted = true;
  if (root.dataset.state !== "done" || !lastSearch) return;
  const search = lastSearch;
  root.dataset.state = "busy";
  loadEngine().then((pagefind) => showCounts(pagefind, search)).finally(() => {
    if (search.ticket !== generation) return;
    completed += 1;
    root.dataset.completed = String(completed);
    root.dataset.state = "done";
    announce("tim-kiem:xong", { query: search.query.raw, total: shown.length });
  });
}
filterBox.addEventListener("focusin", wantCounts);
filterBox.addEventListener("pointerenter", wantCounts);
window.addEventListener("popstate", () => {
  window.clearTimeout(typingTimer);
  typingEntryOpen = false;
  writeForm(readURL());
  run(null);
});

const initial = readURL();
countsWanted = Object.keys(initial.filters).length > 0;
renderValues(initial);
writeForm(initial);
run(null);
