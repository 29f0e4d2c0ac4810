/* Search page (docs/search.md): Pagefind's JavaScript API behind a Vietnamese form whose
   fields are the URL parameters (?q=…&tinh=…&nam=…&sap-xep=…).

   The index spells every word in ASCII with a code that restores its accents, and ends every
   word with a terminator letter (scrapers/index.py), so a query is folded to ASCII before it
   is searched (đ included: "dak lak" = "Đắk Lắk", NFD input and old tone placement fold to the
   same letters), its words are ended the same way, and every title, excerpt and place name
   Pagefind returns is decoded before it is shown.

   The index is cut into shards by date (pagefind/shards.json, newest first), merged into one
   Pagefind; each shard is also a filter (SHARD). Pagefind's ranking costs about results ×
   postings per shard, so a query that matches most of a large archive is ranked one period
   at a time, newest first, instead of all at once (docs/search.md, "Size and speed"). */

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

const { mark: MARK, code: CODE, letters: LETTERS, end: END } = DATA.codec;
// Above this estimate of Pagefind's work a query is ranked period by period (plugins/cctp_search).
const RANKING_BUDGET = DATA.ranking_budget;
// Words that would be in this share of the articles if independent surely match plenty in the
// newest period: ranked period by period without counting first.
const RICH_SHARE = 0.2;

// The index's key for a text: no marks, đ as d, lower case (scrapers.text.strip_diacritics).
function fold(text) {
  return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
    .replace(/\p{M}/gu, "").split(MARK).join(" ").split(END).join("").toLowerCase();
}

// A folded word as the index spells it: each run of letters and digits ended by END, except
// the last run of an open word (being typed), which then matches as a prefix.
function ended(word, open = false) {
  const closed = word.replace(/[\p{L}\p{N}]+/gu, (run) => run + END);
  return open && closed.endsWith(END) ? closed.slice(0, -END.length) : closed;
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
      const wordEnd = text.slice(at - END.length, at) === END ? at - END.length : at;
      let start = wordEnd;
      while (start > last && /[A-Za-z0-9]/.test(text.charAt(start - 1))) start -= 1;
      const word = text.slice(start, wordEnd).split("");
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
  return (out + text.slice(last)).split(END).join("");
}

/* --- Queries ---------------------------------------------------------------------------- */

// What Pagefind is asked: the folded query, its words ended; a query wrapped in quotes stays a
// phrase search. While the reader types, the last word is a prefix ("dak la" finds "Lắk").
function parseQuery(raw, typing = false) {
  const trimmed = raw.normalize("NFC").trim();
  const phrase = /^["“”„].+["“”„]$/.test(trimmed);
  const words = fold(trimmed).replace(/["“”„]/g, " ").split(/\s+/).filter(Boolean);
  const open = typing && !phrase && !/\s$/.test(raw);
  const terms = words.map((w, i) => ended(w, open && i === words.length - 1));
  const term = words.length ? (phrase ? `"${terms.join(" ")}"` : terms.join(" ")) : null;
  // What Pagefind is asked: without words, the word every article holds (scrapers/index.py:
  // Pagefind would fetch its whole index for a search without words).
  return { raw: trimmed, phrase, words, terms, term, asked: term ?? DATA.codec.every };
}

// Provinces named in a query (folded names and variants from scrapers/data/provinces.json).
function spotProvinces(words) {
  const text = ` ${words.join(" ").replace(/[^a-z0-9]+/g, " ")} `;
  return DATA.provinces.filter((p) => p.keys.some((key) => text.includes(` ${key} `)));
}

// Years named in a query ("quảng ninh 2023") that the archive has articles of.
function spotYears(words) {
  return [...new Set(words.filter((w) => /^\d{4}$/.test(w) && w in FILTER_VALUES.nam))];
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

let filtersLoaded = false;
// Counts are shown once the reader uses the filters (or arrives with some in the address).
let countsWanted = false;

// The index (scrapers/index.py): shards.json lists the main bundles, the period bundles
// (newest first) and how many pages hold each common word. Each bundle's digest tags the
// address of its entry file, which the browser may then cache until the bundle changes.
let indexInfo = null;
function loadIndex() {
  if (!indexInfo) {
    const bundle = new URL(root.dataset.bundle, document.baseURI);
    indexInfo = fetch(new URL("shards.json", bundle), { cache: "no-cache" }).then((response) => {
      if (!response.ok) throw new Error(`shards.json: ${response.status}`);
      return response.json();
    }).then((info) => {
      const base = (part) => new URL(part.path, bundle).href;
      return { ...info, base, module: import(new URL("pagefind.js", base(info.main[0])).href) };
    });
    indexInfo.catch(() => { indexInfo = null; });
  }
  return indexInfo;
}

// The main bundles, merged: the whole archive, ranked at once. Pagefind searches in its Web
// Worker (shared by both engines), so the page never freezes while it ranks.
let mainEngine = null;

// Pagefind's WebAssembly is one module for all engines in its worker, set up by the first
// engine that loads it; a second engine set up meanwhile set it up again under the first one
// (memory errors in the worker). So no engine is made until the first is ready: a search that
// finds nothing and ranks nothing returns once its engine is. Its word sorts after every word
// of the index, so no index chunk is fetched for it (a search without words fetches them all).
const NO_WORD = "\u{10FFFD}";
let wasmReady = null;
async function newEngine(info, options) {
  const make = async () => {
    const pagefind = (await info.module).createInstance({ excerptLength: 30, ...options });
    await pagefind.init();
    await pagefind.search(NO_WORD, { filters: { "_": "-" } });
    return pagefind;
  };
  if (!wasmReady) {
    wasmReady = make();
    wasmReady.catch(() => { wasmReady = null; });
    return wasmReady;
  }
  await wasmReady.catch(() => {});
  return make();
}

// An engine over bundles: [bundle, merge options] pairs, the first opened and the others
// merged into it (a bundle: its entry in shards.json; `tag`: its cache tag).
async function engineOver(info, [[first], ...others], tag) {
  const pagefind = await newEngine(info, { basePath: info.base(first), metaCacheTag: tag || first.digest });
  await Promise.all(others.map(([part, options]) => pagefind.mergeIndex(info.base(part), { metaCacheTag: part.digest, ...options })));
  return pagefind;
}

// Pagefind leaves a query word out of a bundle's search when that bundle does not hold it (and
// then matches the rest): merged with a recent bundle (scrapers/index.py, "Recent pages"), a
// bundle lacking a word the other holds would give pages that lack it, as one bundle of every
// page never would. So each search goes to an engine of only the bundles that hold all its
// words: "all" as a rule; "settled" (without the recent bundle) for a word the recent pages
// lack, which shards.json lists (`words`); "recent" for a word the other pages lack (one
// beginning with one of `news`); none for both. `make(which)` makes an engine, once, when a
// search first needs it ("all" also when the page warms up, warmUp).
const NOTHING = { results: [], unfilteredResultCount: 0, filters: {}, totalFilters: {} };
function scopedEngine(recentWords, news, make) {
  const held = new Set(recentWords);
  const engines = new Map();
  let withFilters = false;  // filters() was called: every engine loads its filters' values
  const engine = (which) => {
    if (!engines.has(which)) {
      const made = make(which).then(async (e) => { if (withFilters) await e.filters(); return e; });
      made.catch(() => engines.delete(which));
      engines.set(which, made);
    }
    return engines.get(which);
  };
  const scope = (term) => {
    let recentLacks = false;
    let othersLack = false;
    for (const run of term.match(/[\p{L}\p{N}]+/gu) || []) {
      const full = run.endsWith(END);
      const word = full ? run.slice(0, -END.length) : run;
      if (!word || word.split(END).join("") === "") continue;  // the word every page holds
      if (full ? !held.has(word) : !recentWords.some((w) => w.startsWith(word))) recentLacks = true;
      const spelled = full ? word + END : word;
      if (news.some((prefix) => spelled.startsWith(prefix))) othersLack = true;
    }
    return recentLacks ? (othersLack ? null : "settled") : (othersLack ? "recent" : "all");
  };
  return {
    warm: () => engine("all"),
    async search(term, options) {
      const which = scope(term);
      return which ? (await engine(which)).search(term, options) : NOTHING;
    },
    async preload(term, options) {
      const which = scope(term);
      if (which) await (await engine(which)).preload(term, options);
    },
    async filters() {
      withFilters = true;
      await Promise.all([...engines.values()].map(async (e) => (await e).filters()));
    },
    destroy() {
      for (const made of engines.values()) made.then((e) => e.destroy()).catch(() => {});
    },
  };
}

function loadMain() {
  if (!mainEngine) {
    mainEngine = loadIndex().then(async (info) => {
      const recent = info.main.find((part) => part.recent);
      const settled = info.main.filter((part) => !part.recent).map((part) => [part, {}]);
      const all = recent ? [...settled, [recent, {}]] : settled;
      if (!recent || !recent.words) return engineOver(info, all);  // (an index from before the words were listed)
      return scopedEngine(recent.words, recent.new || [], (which) => engineOver(info,
        which === "recent" ? [[recent, {}]] : which === "settled" ? settled : all));
    });
    mainEngine.catch(() => { mainEngine = null; });
  }
  return mainEngine;
}

// A period is opened on its own (each Pagefind engine fetches the index files of every bundle
// merged into it for every search): the one-page hub bundle, which no query finds, merged
// with the period, whose pages carry its key as the PERIOD filter, and with the periods'
// recent bundle when some of the period's pages are there (`recent`; each page of that bundle
// carries its own period's key). The hub's WebAssembly is fetched once for all periods. The
// engines of the periods used last are kept open.
const PERIOD = "giai-doan";
// In a list of periods: the year named in the query, ranked at once (searchResults).
const YEAR_KEY = "nam";
const OPEN_PERIODS = 8;
// At most this many periods searched together (periodByPeriod).
const MAX_AHEAD = 6;
const periodsOpen = new Map();
function openPeriod(key) {
  if (!periodsOpen.has(key)) {
    const opened = loadIndex().then(async (info) => {
      const part = info.periods.find((p) => p.key === key);
      const hub = [info.hub];
      const own = part.path ? [[part, { mergeFilter: { [PERIOD]: key } }]] : [];
      const tag = `${info.format}-${info.pagefind}`;
      if (!part.recent) return engineOver(info, [hub, ...own], tag);
      const recent = [info.periods_recent, {}];
      return scopedEngine(info.main.find((p) => p.recent).words, part.new || [], (which) => engineOver(info,
        which === "recent" ? [hub, recent] : which === "settled" ? [hub, ...own] : [hub, ...own, recent], tag));
    });
    opened.catch(() => periodsOpen.delete(key));
    periodsOpen.set(key, opened);
  } else {  // most recently used last
    const engine = periodsOpen.get(key);
    periodsOpen.delete(key);
    periodsOpen.set(key, engine);
  }
  return periodsOpen.get(key);
}

// Before a new search: close the periods used longest ago (the results of the one before may
// still need theirs, so none is closed while a search lists them).
function closeOldPeriods() {
  for (const [key, engine] of periodsOpen) {
    if (periodsOpen.size <= OPEN_PERIODS) break;
    periodsOpen.delete(key);
    engine.then((e) => e.destroy()).catch(() => {});
  }
}

// What the query's words tell before any search, from the counts of common words (a word not
// listed is in fewer pages than the listing's threshold; a word still being typed is a prefix,
// counted as its most common completion): at most how many articles hold them all, how many
// would if the words were independent, the postings Pagefind would scan for each result, and
// how many pages hold each word.
function estimate(info, query) {
  const { words: counts, min } = info.common;
  const pagesWith = (word, i) => {
    const runs = word.match(/[\p{L}\p{N}]+/gu) || [];
    const open = !query.terms[i].endsWith(END);
    return Math.min(info.pages, ...runs.map((run, j) => {
      if (!open || j < runs.length - 1) return counts[run] ?? min;
      return Math.max(min, ...Object.keys(counts).filter((w) => w.startsWith(run)).map((w) => counts[w]));
    }));
  };
  const pages = query.words.map(pagesWith);
  return {
    pages,
    matches: Math.min(...pages),
    independent: pages.reduce((n, p) => n * (p / info.pages), info.pages),
    postings: pages.reduce((a, b) => a + b, 0),
  };
}

// One search as the page ranks it: Pagefind's order, refined in tiers (not when sorted): the
// articles of a province named in the query first, then those of a year named in it (within a
// period, all or none are: a period lies within one year), and within each tier those holding
// the query's words side by side (most Vietnamese words are two or three syllables: "hoà giải" is
// one word, "hoà … giải đoạn" is not). The tiers' searches run alongside the main one, so the
// files each needs are fetched together.
// Pagefind sorts a merged search by each page's place in its own bundle: a page of a recent
// bundle (chinh/moi, giai-doan/moi: scrapers/index.py) is put back by its place among the
// pages merged with it, which shards.json gives (`order`: how many of their dated pages, the
// main bundles' or its period's, are not later).
function inDateOrder(recent, results, sort) {
  if (!recent) return results;
  const sign = sort.date === "desc" ? 1 : -1;
  const score = (r) => (r.id in recent.order ? sign * (recent.order[r.id] - 0.5) : r.score);
  return results.slice().sort((a, b) => score(b) - score(a));
}

async function rankedSearch(pagefind, query, filters, sort) {
  const searching = pagefind.search(query.asked, sort ? { filters, sort } : { filters });
  const tiers = !sort && query.term;
  const provinces = tiers && !filters.tinh ? spotProvinces(query.words) : [];
  const years = tiers && !filters.nam && !filters[PERIOD] ? spotYears(query.words) : [];
  // One province: its own filter, whose page list is short; several: the province filter.
  const inProvince = provinces.length === 1 ? { ...filters, [`${DATA.province_flag}${provinces[0].slug}`]: "1" }
    : { ...filters, tinh: { any: provinces.map((p) => p.slug) } };
  const [main, local, dated, phrase] = await Promise.all([
    searching,
    provinces.length ? pagefind.search(query.term, { filters: inProvince }) : null,
    years.length ? pagefind.search(query.term, { filters: { ...filters, nam: { any: years } } }) : null,
    tiers && !query.phrase && query.words.length > 1 ? pagefind.search(`"${query.terms.join(" ")}"`, { filters }) : null,
  ]);
  const ranked = { main, results: main.results, boosted: [], boostedCount: 0, boostedYears: [], boostedYearsCount: 0 };
  const inTier = new Set(local ? local.results.map((r) => r.id) : []);
  const inYear = new Set(dated ? dated.results.map((r) => r.id) : []);
  const together = new Map(phrase ? phrase.results.map((r) => [r.id, r]) : []);
  if (!inTier.size && !inYear.size && !together.size) return ranked;
  const tier = (r) => (inTier.has(r.id) ? 0 : 4) + (inYear.has(r.id) ? 0 : 2) + (together.has(r.id) ? 0 : 1);
  // Array.prototype.sort is stable: Pagefind's order is kept within a tier. A result found
  // side by side takes the phrase search's copy, whose excerpt shows the words together.
  ranked.results = main.results.slice().sort((a, b) => tier(a) - tier(b)).map((r) => together.get(r.id) || r);
  if (inTier.size) Object.assign(ranked, { boosted: provinces, boostedCount: inTier.size });
  if (inYear.size) Object.assign(ranked, { boostedYears: years, boostedYearsCount: inYear.size });
  return ranked;
}

// What the query matches, without ranking anything: with a filter no page has there is no
// result to rank, and Pagefind still counts the matches, in all and per value of the filters
// it has loaded (those named here).
async function probe(pagefind, term, filters = {}) {
  const found = await pagefind.search(term, { filters: { ...filters, "_": "-" } });
  return { total: found.unfilteredResultCount, counts: found.totalFilters || {} };
}

// What a probe with the year filter tells: the matches (at most, with several filters), the
// total when it is exact (at most one filter in use, else null) and the matches per year.
function matchCount(seen, filters) {
  const active = Object.entries(filters);
  const matches = Math.min(seen.total, ...active.map(([key, value]) => (seen.counts[key] || {})[value] || 0));
  return { matches, total: active.length <= 1 ? matches : null, years: seen.counts.nam || null };
}

// How many articles the search finds, counted over the main bundles without ranking them when
// at most one filter is in use, and how many per year.
async function countMatches(query, state) {
  const pagefind = await loadMain();
  if (Object.keys(state.filters).length > 1) {
    return { total: (await pagefind.search(query.asked, { filters: state.filters })).results.length, years: null };
  }
  return matchCount(await probe(pagefind, query.asked, { nam: "-", ...state.filters }), state.filters);
}

// Counts per filter value: for a filter in use, what choosing another value would give.
// `counted` has the counts of the search as it is (filters) and without its filters (totalFilters).
async function filterCounts(pagefind, query, state, counted) {
  const counts = {};
  const active = Object.keys(state.filters);
  for (const select of filterSelects) {
    const key = select.name;
    if (!state.filters[key]) {
      counts[key] = (counted.filters || {})[key] || {};
    } else if (active.length === 1 && Object.values((counted.totalFilters || {})[key] || {}).some((n) => n > 0)) {
      counts[key] = counted.totalFilters[key];
    } else {  // several filters in use, or a search without words (no totalFilters)
      const others = { ...state.filters };
      delete others[key];
      const without = await pagefind.search(query.asked, { filters: others });
      counts[key] = (without.filters || {})[key] || {};
    }
  }
  return counts;
}

// Query words that match nothing: Pagefind leaves them out silently; the reader is told.
const wordHits = new Map();
async function missingWords(query) {
  if (query.phrase || query.words.length < 2) return [];
  const info = await loadIndex();
  const missing = [];
  for (const [i, word] of query.words.entries()) {
    const term = query.terms[i];
    if (word in info.common.words) continue;
    if (!wordHits.has(term)) wordHits.set(term, (await probe(await loadMain(), term)).total);
    if (wordHits.get(term) === 0 && !missing.includes(word)) missing.push(word);
  }
  return missing;
}

// Idle time once a search's results are shown: only the first query has a byte budget, so the
// page then opens what a later query ranked period by period needs first, the newest periods'
// engines (a few kB each): the newest, then the next ones WARM_STEP at a time. Nothing more is
// started once another search has started; a search needing a period being opened waits for
// that same opening.
const WARM_PERIODS = 7;
const WARM_STEP = 3;
async function warmUp(ticket) {
  const info = await loadIndex();
  const keys = info.periods.slice(0, WARM_PERIODS).map((part) => part.key);
  for (let at = 0; at < keys.length; at += at ? WARM_STEP : 1) {
    if (ticket !== generation) return;
    await Promise.all(keys.slice(at, at ? at + WARM_STEP : 1).map(async (key) => {
      const engine = await openPeriod(key);
      if (engine.warm) await engine.warm();  // a period with recent pages (scopedEngine)
    }));
  }
}

/* --- Result lists ------------------------------------------------------------------------------ */

// Results read in batches: `next(n)` gives up to n more; `done` once none is left.
function listOf(results) {
  let at = 0;
  return {
    get done() { return at >= results.length; },
    async next(n) { at += n; return results.slice(at - n, at); },
  };
}

// How many periods the next `wanted` results need, at `perPeriod` results a period so far.
function periodsNeeded(wanted, perPeriod) {
  return Math.min(MAX_AHEAD, Math.ceil(wanted / Math.max(perPeriod, 0.5)));
}

// Period by period: `fetchPeriod(key)` gives one period's results in order. A period is
// searched when its results are needed: as many are under way at once as the periods searched
// so far say the page still needs (one at first, at most MAX_AHEAD). Pagefind's worker ranks
// one search at a time, so a period searched and not needed delays the ones that are.
// `started` may hold searches already under way, by key.
function periodByPeriod(keys, fetchPeriod, started = new Map()) {
  const queue = keys.slice();
  const pending = [];
  let buffer = [];
  let searched = 0;
  let found = 0;
  return {
    get done() { return !buffer.length && !queue.length && !pending.length; },
    // Once the matches are counted: the periods not yet searched outside `wanted` are skipped.
    keep(wanted) {
      const kept = queue.filter((key) => wanted.includes(key));
      queue.splice(0, queue.length, ...kept);
    },
    async next(n) {
      while (buffer.length < n && (pending.length || queue.length)) {
        const ahead = searched ? periodsNeeded(n - buffer.length, found / searched) : 1;
        while (pending.length < ahead && queue.length) {
          const key = queue.shift();
          pending.push(started.get(key) || fetchPeriod(key));
        }
        const results = await pending.shift();
        buffer = buffer.concat(results);
        searched += 1;
        found += results.length;
      }
      return buffer.splice(0, n);
    },
  };
}

// One search as the page shows it: its results in order, the total (null when it is counted
// after the results are shown) and the province tier. Ranked (or sorted) over the whole
// archive when that is cheap: Pagefind's cost is about matches × postings per main bundle,
// plus matches × pages for a sort. Otherwise one period at a time, newest first (by date: in
// the order asked), where it stays cheap whatever the archive's size. When the words alone do
// not tell, the matches are counted first (a probe, which also tells the years to skip).
async function searchResults(query, state) {
  const info = await loadIndex();
  const filters = { ...state.filters };
  const browsing = !query.term;
  const sort = SORTS[state.sort] || (browsing ? SORTS["moi-nhat"] : null);
  const provinces = !filters.tinh && !browsing ? spotProvinces(query.words) : [];
  const namedYears = !filters.nam && !browsing && !sort ? spotYears(query.words) : [];
  const guess = browsing ? null : estimate(info, query);
  // Without words, every article holds the word searched: its postings are all the pages. A
  // sort compares each result with the list of all pages, about 20 times cheaper a step.
  const cost = (matches) => matches * (browsing ? info.pages : guess.postings) * info.scale
    + (sort ? matches * info.pages / 20 : 0);
  // Ranked period by period, a year named in the query comes first: ranked at once over the
  // main bundles under the year's filter when that is cheap (Pagefind scores only the pages a
  // filter leaves, and the main engine is open already), else its periods are searched first.
  // The year's matches are estimated as if the query's other words were spread over the years
  // as the articles are (the year's own number is in most of its articles).
  const yearOf = (month) => month.slice(0, 4);
  const named = (part) => part.from && namedYears.some((y) => yearOf(part.from) <= y && y <= yearOf(part.to));
  const yearPages = info.periods.filter(named).reduce((sum, part) => sum + part.pages, 0);
  const otherWords = namedYears.length ? guess.pages.filter((_, i) => !namedYears.includes(query.words[i])) : [];
  const yearMatches = Math.min(yearPages, ...otherWords.map((n) => n * yearPages / info.pages));
  const yearAtOnce = namedYears.length > 0 && cost(yearMatches) <= RANKING_BUDGET;
  // Periods with no other year are then left out; a period also holding other years leaves the named ones out.
  const onlyNamed = (part) => named(part) && yearOf(part.from) === yearOf(part.to);
  let counted = null;
  let total = null;
  let years = null;
  let global;
  const fetchPeriod = async (key) => {
    if (key === YEAR_KEY) {
      return (await rankedSearch(await loadMain(), query, { ...filters, nam: { any: namedYears } }, sort)).results;
    }
    const inPeriod = { ...filters, [PERIOD]: key };
    const part = info.periods.find((p) => p.key === key);
    if (yearAtOnce && named(part)) inPeriod.nam = { none: namedYears };
    const { results } = await rankedSearch(await openPeriod(key), query, inPeriod, sort);
    return sort && part.recent ? inDateOrder(info.periods_recent, results, sort) : results;
  };
  // The periods in the order searched, but those outside the year asked for, or whose years
  // have no match (`counts`: matches per year, when known).
  const periodKeys = (counts) => {
    const keys = info.periods.filter((part) => {
      if (!part.from) return !filters.nam && !counts;  // the undated articles
      const [first, last] = [Number(part.from.slice(0, 4)), Number(part.to.slice(0, 4))];
      if (filters.nam && (Number(filters.nam) < first || Number(filters.nam) > last)) return false;
      for (let year = first; year <= last; year += 1) if (!counts || (counts[year] || 0) > 0) return true;
      return false;
    });
    const parts = !namedYears.length ? keys : yearAtOnce ? keys.filter((part) => !onlyNamed(part))
      : [...keys.filter(named), ...keys.filter((part) => !named(part))];
    const ordered = parts.map((part) => part.key);
    if (yearAtOnce && (!counts || namedYears.some((y) => (counts[y] || 0) > 0))) ordered.unshift(YEAR_KEY);
    return sort && sort.date === "asc" ? ordered.reverse() : ordered;
  };
  const started = new Map();
  // Pagefind sorts a merged search by each page's place in its own bundle, which cannot be
  // compared between the main bundles of different years (past 10,000 articles): such a sort
  // goes period by period, the periods being consecutive. (The recent bundle is put back in
  // place by inDateOrder.)
  const comparable = !sort || info.main.filter((part) => !part.recent).length <= 1;
  if (browsing) {  // listing a filter ranks nothing: counting it is cheap, sorting may not be
    // Counted without ranking when one filter is in use (the probe's counts are per value).
    const active = Object.entries(filters);
    if (active.length === 1) {
      const seen = await probe(await loadMain(), query.asked, filters);
      total = (seen.counts[active[0][0]] || {})[active[0][1]] || 0;
    } else {
      counted = await (await loadMain()).search(query.asked, { filters });
      total = counted.results.length;
    }
    global = comparable && cost(total) <= RANKING_BUDGET;
  } else {
    global = comparable && cost(guess.matches) <= RANKING_BUDGET;
    if (!global && guess.independent < RICH_SHARE * info.pages) {
      // The words may rarely meet. The first period in the order asked is searched first: if it
      // fills a page, the query matches plenty and is ranked period by period, counted once its
      // results are shown (as a query of common words is). Otherwise the matches are counted
      // (a probe over the main bundles, whose index files are fetched meanwhile; it also tells
      // the years without a match) while the next periods the page needs are searched, as
      // period by period would (if the count says "at once", their results are dropped). The
      // probe comes after the first period: Pagefind's worker ranks one search at a time.
      const [first, ...next] = periodKeys(null).slice(0, 1 + MAX_AHEAD);
      const search = (key) => {
        started.set(key, fetchPeriod(key));
        started.get(key).catch(() => {});
        return started.get(key);
      };
      const searching = first ? search(first).catch(() => []) : Promise.resolve([]);
      // What the probe below asks (probe adds the filter no page has).
      const counting = { nam: "-", ...filters };
      // The main bundles' files (their page list alone is 100 kB at 10,000 articles) are fetched
      // alongside only once they are open: a session's first query would otherwise share a slow
      // link between its results and a count that may not be needed before they are shown.
      if (mainEngine) (await loadMain()).preload(query.term, { filters: { ...counting, "_": "-" } }).catch(() => {});
      const firstFound = (await searching).length;
      if (firstFound < PAGE_SIZE) {
        // None found there: the count alone tells where to look next (or to rank at once).
        if (firstFound) next.slice(0, periodsNeeded(PAGE_SIZE - firstFound, firstFound)).forEach(search);
        const main = await loadMain();
        const told = matchCount(await probe(main, query.term, counting), filters);
        total = told.total;
        global = comparable && cost(told.matches) <= RANKING_BUDGET;
        years = told.years;
      }
    }
  }
  if (global) {
    const ranked = await rankedSearch(await loadMain(), query, filters, sort);
    if (sort) ranked.results = inDateOrder(info.main.find((part) => part.recent), ranked.results, sort);
    return { ...ranked, total: ranked.main.results.length, list: listOf(ranked.results), counted: ranked.main };
  }
  const list = periodByPeriod(periodKeys(years), fetchPeriod, started);
  return { total, counted, list, byPeriod: !sort && !browsing, boosted: sort ? [] : provinces, boostedCount: null,
           boostedYears: namedYears, boostedYearsCount: null, skipYears: (counts) => list.keep(periodKeys(counts)) };
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

// "năm 2023", "năm 2022, 2023"
function yearNames(years) {
  return `năm ${years.join(", ")}`;
}

function summary(view) {
  const { query, state, total, boosted, boostedCount, boostedYears, boostedYearsCount } = view;
  const parts = [];
  const words = query.phrase ? query.raw.slice(1, -1).trim() : query.raw;
  const what = query.term ? ` cho ${query.phrase ? "cụm từ " : ""}${quoted(words)}` : "";
  const active = Object.entries(state.filters).map(([k, v]) => `${FILTER_LABELS[k].toLowerCase()} ${valueLabel(k, v)}`);
  const within = active.length ? `, lọc theo ${active.join(", ")}` : "";
  if (total === null) parts.push(`Đang đếm số bài viết${what}${within}…`);
  else parts.push(total ? `Tìm thấy ${total} bài viết${what}${within}.` : `Không tìm thấy bài viết nào${what}${within}.`);
  if (view.byPeriod) {
    const order = boostedYears.length ? `${yearNames(boostedYears)} trước, rồi giai đoạn mới nhất trước`
      : "giai đoạn mới nhất trước";
    parts.push(`Truy vấn khớp rất nhiều bài nên kết quả được xếp theo mức liên quan trong từng giai đoạn, ${order}`
      + (boosted.length ? `; trong mỗi giai đoạn, bài của ${boosted.map((p) => p.name).join(", ")} được xếp trước.` : "."));
  } else {
    // "Bài của Quảng Ninh (12), rồi bài năm 2023 (40) được xếp trước."
    const first = [];
    if (boosted.length && boostedCount) first.push(`của ${boosted.map((p) => p.name).join(", ")} (${boostedCount})`);
    if (boostedYears.length && boostedYearsCount) first.push(`${yearNames(boostedYears)} (${boostedYearsCount})`);
    if (first.length) parts.push(`Bài ${first.join(", rồi bài ")} được xếp trước.`);
  }
  return parts.join(" ");
}

// A button narrowing the search to what a tier put first: one province, or one year.
function narrowButton(label, filter, value) {
  const narrow = element("button", "search__narrow", label);
  narrow.type = "button";
  narrow.addEventListener("click", () => {
    const next = readForm();
    next.filters[filter] = value;
    writeForm(next);
    run("push");
  });
  return narrow;
}

function renderStatus(view) {
  statusBox.replaceChildren(element("p", "search__summary", summary(view)));
  const { query, state, total, boosted, boostedCount, boostedYears, boostedYearsCount } = view;
  const narrows = (count) => view.byPeriod || (count && count < total);
  if (boosted.length === 1 && narrows(boostedCount)) {
    statusBox.append(narrowButton(`Chỉ xem bài của ${boosted[0].name}`, "tinh", boosted[0].slug));
  }
  if (boostedYears.length === 1 && narrows(boostedYearsCount)) {
    statusBox.append(narrowButton(`Chỉ xem bài ${yearNames(boostedYears)}`, "nam", boostedYears[0]));
  }
  if (total === 0) statusBox.append(noResultHelp(query, state));
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
function renderValues(state, selects = filterSelects) {
  for (const select of selects) {
    const key = select.name;
    const values = Object.keys(FILTER_VALUES[key]);
    if (key === "nam") values.sort((a, b) => b.localeCompare(a));
    else values.sort((a, b) => collator.compare(valueLabel(key, a), valueLabel(key, b)));
    select.replaceChildren(new Option("Tất cả", ""), ...values.map((v) => new Option(valueLabel(key, v), v)));
    ensureOption(select, state.filters[key]);
    select.value = state.filters[key] || "";
  }
}

// A filter missing from `counts` is offered without counts.
function renderCounts(counts, state) {
  renderValues(state, filterSelects.filter((select) => !(select.name in counts)));
  for (const select of filterSelects.filter((s) => s.name in counts)) {
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

let results = listOf([]);
let shownCount = 0;

// The next batch of the results shown. Batches of one list are shown one after the other, in
// order, however fast "Xem thêm" is pressed; a batch of a list a new search has replaced
// meanwhile is dropped.
function showMore(focusFirst) {
  const current = results;
  const shown = (current.showing || Promise.resolve()).catch(() => {}).then(async () => {
    if (current !== results) return;
    const batch = await current.next(PAGE_SIZE);
    const items = await Promise.all(batch.map((r) => r.data()));
    if (current !== results) return;
    const nodes = items.map(resultItem);
    list.append(...nodes);
    shownCount += batch.length;
    moreButton.hidden = current.done;
    if (focusFirst && nodes.length) nodes[0].querySelector("a").focus();
  });
  current.showing = shown;
  return shown;
}

function clearResults() {
  results = listOf([]);
  shownCount = 0;
  list.replaceChildren();
  moreButton.hidden = true;
}

/* --- One search ------------------------------------------------------------------------------- */

let generation = 0;
let lastSearch = null;

// Every filter's values (a file per filter and shard) are loaded once, when the reader first
// turns to the filters; a search run before that has no counts, so it is run again. A search
// ranked period by period has its counts from its probe, or from a search of its own here.
async function showCounts(search) {
  const { ticket, query, state } = search;
  const pagefind = await loadMain();
  if (!filtersLoaded) {
    await pagefind.filters();
    filtersLoaded = true;
    if (!search.byPeriod) search.counted = null;
  }
  let counts;
  if (search.byPeriod && query.term) {
    counts = await periodCounts(pagefind, query, state);
  } else {
    if (!search.counted) search.counted = await pagefind.search(query.asked, { filters: { ...state.filters } });
    counts = await filterCounts(pagefind, query, state, search.counted);
  }
  if (ticket === generation) renderCounts(counts, state);
}

// A search ranked period by period matches too much to be ranked at once for its counts: they
// come from a probe (matches counted, nothing ranked), which counts the query's matches without
// its filters. That is every filter's counts when none is in use, and the counts of the filter
// in use when there is one; the other filters are then offered without counts.
async function periodCounts(pagefind, query, state) {
  const seen = await probe(pagefind, query.term, state.filters);
  const active = Object.keys(state.filters);
  const counts = {};
  for (const select of filterSelects) {
    if (!active.length || (active.length === 1 && state.filters[select.name])) counts[select.name] = seen.counts[select.name] || {};
  }
  return counts;
}
let completed = 0;

function announce(name, detail) {
  root.dispatchEvent(new CustomEvent(name, { detail }));
}

async function run(mode) {
  const ticket = ++generation;
  const state = readForm();
  if (mode) syncURL(state, mode);
  const query = parseQuery(state.q, mode === "type");
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
    closeOldPeriods();
    const found = await searchResults(query, state);
    if (ticket !== generation) return;
    clearResults();
    results = found.list;
    const view = { query, state, ...found };
    await showMore(false);
    if (ticket !== generation) return;
    renderStatus(view);
    announce("tim-kiem:ket-qua", { query: query.raw, total: found.total });
    warmUp(ticket).catch(() => {});
    if (view.total === null) {  // ranked period by period: counted now, over the whole archive
      const seen = await countMatches(query, state);
      if (ticket !== generation) return;
      view.total = seen.total;
      if (seen.years) found.skipYears(seen.years);
      renderStatus(view);
    }

    lastSearch = { ticket, query, state, counted: found.counted, total: view.total, byPeriod: !found.counted };
    if (countsWanted) await showCounts(lastSearch);
    if (ticket !== generation) return;
    const missing = query.term ? await missingWords(query) : [];
    if (ticket !== generation) return;
    renderMissing(missing);
    completed += 1;
    root.dataset.completed = String(completed);
    root.dataset.state = "done";
    announce("tim-kiem:xong", { query: query.raw, total: view.total });
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
input.addEventListener("focus", () => { loadIndex().catch(() => {}); }, { once: true });
form.addEventListener("submit", (event) => {
  event.preventDefault();
  window.clearTimeout(typingTimer);
  run("push");
});
for (const select of [...filterSelects, sortSelect]) select.addEventListener("change", () => run("push"));
moreButton.addEventListener("click", () => showMore(true).catch((error) => {
  console.error(error);
  statusBox.append(element("p", "search__error", "Không tải được thêm kết quả. Hãy thử lại."));
}));
const filterBox = form.querySelector(".search__filters");
function wantCounts() {
  if (countsWanted) return;
  countsWanted = true;
  if (root.dataset.state !== "done" || !lastSearch) return;
  const search = lastSearch;
  root.dataset.state = "busy";
  showCounts(search).finally(() => {
    if (search.ticket !== generation) return;
    completed += 1;
    root.dataset.completed = String(completed);
    root.dataset.state = "done";
    announce("tim-kiem:xong", { query: search.query.raw, total: search.total });
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
