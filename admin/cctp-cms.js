// The archive's front matter for Decap CMS: the fields, order and YAML style the ingest writes
// (scrapers/write.py), so saving a file changes only what the editor changed, and the file
// passes `cctp check`. Also fills the slug of a new article and refuses one without a source.
import { Document, parseDocument, isScalar, visit } from './yaml/index.js';

const SCHEMA = JSON.parse(document.getElementById('cctp-schema').textContent);
const FRONT = /^---\n([\s\S]*?\n)?---\n\n?/;

export function fromFile(text) {
  const m = FRONT.exec(text);
  if (!m) return { body: text };
  // Read with YAML 1.2's core schema: a date stays the string it was written as.
  const meta = parseDocument(m[1] || '', { version: '1.2' }).toJS() || {};
  return { ...meta, body: text.slice(m[0].length) };
}

const isBlank = v => v === undefined || v === null || v === '' ||
  (typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isBlank));

// NFC everywhere, '' as null (what the ingest writes for "not known"), no blank list items.
function tidy(v) {
  if (typeof v === 'string') {
    const s = v.normalize('NFC');
    return s === '' ? null : s;
  }
  if (Array.isArray(v)) return v.map(tidy).filter(x => x !== null && x !== undefined);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tidy(x)]));
  return v;
}

function ordered(obj, keys) {
  const out = {};
  for (const k of keys) if (k in obj) out[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

export function shape(meta) {
  const data = tidy(meta);
  for (const [key, empty] of Object.entries(SCHEMA.always)) {
    if (data[key] === undefined || data[key] === null) data[key] = structuredClone(empty);
    else if (empty && typeof empty === 'object' && !Array.isArray(empty)) data[key] = { ...empty, ...data[key] };
  }
  for (const key of Object.keys(data)) {
    if (!(key in SCHEMA.always) && SCHEMA.order.includes(key) && isBlank(data[key])) delete data[key];
  }
  // Entries of citations, review… carry every subfield, null when not known, as the ingest writes them.
  const complete = (item, sub) => ordered({ ...Object.fromEntries(sub.map(k => [k, null])), ...item }, sub);
  for (const [key, sub] of Object.entries(SCHEMA.nested)) {
    if (Array.isArray(data[key])) data[key] = data[key].map(item => (item && typeof item === 'object' ? complete(item, sub) : item));
    else if (data[key] && typeof data[key] === 'object') data[key] = complete(data[key], sub);
  }
  // Known keys in the ingest's order; anything else before the ingest's own block, which stays last.
  const known = SCHEMA.order.filter(k => k !== 'ingest');
  const rest = Object.keys(data).filter(k => !SCHEMA.order.includes(k));
  return ordered(data, [...known, ...rest, 'ingest']);
}

// PyYAML writes a list of plain values in flow style when Python's repr of it is short.
const reprLength = items => 2 + items.reduce((n, s) => n + String(s).length + (typeof s === 'string' ? 2 : 0), 0)
  + 2 * Math.max(items.length - 1, 0);

export function toFile(data) {
  const { body = '', ...meta } = data;
  // YAML 1.1 when writing, as PyYAML reads it: '2022-04-13', 'yes', '0123' get quoted.
  const doc = new Document(shape(meta), { version: '1.1' });
  visit(doc, {
    Seq(_, node) {
      const plain = node.items.every(isScalar) && node.items.every(i => typeof i.value !== 'object');
      node.flow = plain && reprLength(node.items.map(i => i.value)) < 100;
    },
  });
  const head = doc.toString({ indentSeq: false, lineWidth: 0, minContentWidth: 0, singleQuote: true,
    flowCollectionPadding: false, nullStr: 'null' });
  const text = String(body).normalize('NFC');
  return `---\n${head}---\n\n${text.endsWith('\n') || text === '' ? text : text + '\n'}`;
}

// python-slugify's result for Vietnamese titles (as the ingest and `cctp new` name files).
export function slugify(title, max = SCHEMA.slug_max) {
  const words = String(title).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd')
    .toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > max) break;
    slug = next;
  }
  return slug || words.join('-').slice(0, max);
}

function refuse(message) {
  const error = new Error(message);
  error.name = '';   // Decap shows String(error): the message alone, in Vietnamese
  throw error;
}

function beforeSave({ entry }) {
  let data = entry.get('data');
  if (!data.get('slug')) data = data.set('slug', slugify(data.get('title') || ''));
  if (!data.getIn(['source', 'file']) && !data.getIn(['source', 'url'])) {
    refuse('Thiếu nguồn: điền "Địa chỉ gốc (URL)" trong mục Nguồn (địa chỉ trang gốc của bài).');
  }
  if (data.get('province') && data.get('unit_2025')) {
    refuse('Chọn "Tỉnh/thành (trước 2025)" hoặc "Tỉnh/thành sau sáp nhập 2025", không chọn cả hai.');
  }
  return data;
}

if (window.CMS) {
  window.CMS.registerCustomFormat('cctp-frontmatter', 'md', { fromFile, toFile });
  window.CMS.registerEventListener({ name: 'preSave', handler: beforeSave });
  window.CMS.registerPreviewStyle('../theme/css/site.css');
  window.CMS.init();
}
