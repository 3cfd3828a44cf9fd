#!/usr/bin/env node
// Link and anchor check of the BUILT book (no browser, no network, no dependencies).
//
//   node tests/browser/check-links.mjs [BOOK_DIR]      (default: <repo>/book)
//
// For every HTML file under BOOK_DIR:
//   * every relative <a href> (no scheme) must name a file that exists under BOOK_DIR, and its
//     #fragment, if any, an element of the target page with that id (or an <a name>);
//   * every relative <link href>, <script src>, <img src>, <source src>, <iframe src> must
//     name a file that exists;
//   * no literal `{{#include` (nor any other mdBook `{{#...}}` directive) is left in the page:
//     mdBook leaves the directive as it was when the file cannot be read;
//   * no text of mdBook's include errors, and no empty listing (`<pre><code></code></pre>`,
//     what `{{#include file:ANCHOR}}` silently gives when the ANCHOR is missing);
//   * no `[!WARNING]` (or NOTE, TIP, …) left as text: an admonition mdBook did not render;
//     no `**` left in the text outside code: a bold that did not close; no 〔略〕 (a
//     left-out summary message, scripts/i18n/mend.py);
//   * no id is defined twice in one page (print.html, which concatenates every chapter, is
//     only warned about).
// http(s) links are not fetched: they are only counted. Exit status 1 on any problem.
// Prints one line per page and a closing line `links: N passed, M failed` (pages as units).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const BOOK = path.resolve(process.argv[2] || process.env.BOOK_DIR || path.join(here, '..', '..', 'book'));

if (!fs.existsSync(path.join(BOOK, 'index.html'))) {
    console.error(`check-links: ${path.join(BOOK, 'index.html')} is missing: build the book first (make book)`);
    process.exit(2);
}

// ---------------------------------------------------------------- a small HTML scanner
// Enough for mdBook's output: comments, raw-text elements (script, style), start tags with
// quoted or unquoted attributes. Text content is not needed except inside <pre><code>.

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
function decodeEntities(s) {
    return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
        if (e[0] === '#') {
            const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
            return Number.isFinite(n) ? String.fromCodePoint(n) : m;
        }
        return ENTITIES[e.toLowerCase()] ?? m;
    });
}

function parseAttrs(s) {
    const attrs = {};
    const re = /([^\s=\/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"'`=<]+)))?/g;
    let m;
    while ((m = re.exec(s))) {
        const name = m[1].toLowerCase();
        if (name in attrs) continue; // the first one wins, as in HTML
        attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
    }
    return attrs;
}

function lineOf(text, index) {
    let n = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) n++;
    return n;
}

// Returns { ids: Map(id -> count), names: Set, links: [{tag, attr, value, line}], base }.
function scan(html) {
    const ids = new Map();
    const names = new Set();
    const links = [];
    let base = null;
    const re = /<!--[\s\S]*?-->|<(script|style|textarea|title)\b((?:[^>"']|"[^"]*"|'[^']*')*)>[\s\S]*?<\/\1\s*>|<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
    let m;
    while ((m = re.exec(html))) {
        if (m[0].startsWith('<!--')) continue;
        const tag = (m[1] || m[3]).toLowerCase();
        const attrs = parseAttrs(m[1] ? m[2] : m[4]);
        const line = () => lineOf(html, m.index);
        if ('id' in attrs) ids.set(attrs.id, (ids.get(attrs.id) || 0) + 1);
        if (tag === 'a' && 'name' in attrs) names.add(attrs.name);
        if (tag === 'base' && 'href' in attrs && base === null) base = attrs.href;
        const refAttr = { a: 'href', link: 'href', area: 'href', script: 'src', img: 'src', source: 'src', iframe: 'src' }[tag];
        if (refAttr && refAttr in attrs) links.push({ tag, attr: refAttr, value: attrs[refAttr], line: line() });
    }
    return { ids, names, links, base };
}

// ---------------------------------------------------------------- the book's files
function walk(dir) {
    const out = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...walk(p));
        else out.push(p);
    }
    return out;
}

const files = walk(BOOK);
const rel = (p) => path.relative(BOOK, p).split(path.sep).join('/');
const fileSet = new Set(files.map(rel));
const htmlFiles = files.filter((f) => f.endsWith('.html')).map(rel).sort();
const pages = new Map(); // rel path -> { text, scan }
for (const p of htmlFiles) {
    const text = fs.readFileSync(path.join(BOOK, p), 'utf8');
    pages.set(p, { text, ...scan(text) });
}

function safeDecode(s) {
    try { return decodeURIComponent(s); } catch { return s; }
}

// Resolves a relative reference from page `from`; returns { target, fragment } or
// { error }. Uses a dummy origin so that URL does the dot-segment and base handling.
const ORIGIN = 'http://book.invalid/';
function resolve(from, baseHref, ref) {
    const pageUrl = new URL(from, ORIGIN);
    const baseUrl = baseHref ? new URL(baseHref, pageUrl) : pageUrl;
    const u = new URL(ref, baseUrl);
    if (u.origin !== new URL(ORIGIN).origin) return { error: 'leaves the book (another host)' };
    let target = safeDecode(u.pathname).replace(/^\//, '');
    if (target === '' || target.endsWith('/')) target += 'index.html';
    else if (!fileSet.has(target) && fileSet.has(target + '/index.html')) target += '/index.html';
    const fragment = u.hash ? u.hash.slice(1) : null;
    return { target, fragment };
}

// ---------------------------------------------------------------- the checks
const DIRECTIVE = /\{\{\s*#\s*(include|rustdoc_include|playground|playpen|title)\b[^}]*\}?\}?/g;
const MDBOOK_ERRORS = [
    'Could not read file for link',
    'Error updating',
    'Stack depth exceeded',
    'Caused By:',
];
const EMPTY_LISTING = /<pre>\s*<code\b[^>]*>\s*<\/code>\s*<\/pre>/g;

let externalLinks = 0;
const externalHosts = new Map();
let otherSchemes = 0;
let internalLinks = 0;
let fragmentLinks = 0;
let resourceRefs = 0;
let passed = 0;
let failed = 0;

for (const [page, info] of pages) {
    const problems = [];
    const warnings = [];
    const isPrint = path.posix.basename(page) === 'print.html';

    for (const l of info.links) {
        const v = l.value.trim();
        if (v === '') {
            if (l.tag !== 'a') problems.push(`line ${l.line}: <${l.tag} ${l.attr}=""> is empty`);
            continue;
        }
        const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(v);
        if (scheme || v.startsWith('//')) {
            const s = scheme ? scheme[1].toLowerCase() : 'http';
            if (s === 'http' || s === 'https') {
                externalLinks++;
                try {
                    const h = new URL(v.startsWith('//') ? 'https:' + v : v).host;
                    externalHosts.set(h, (externalHosts.get(h) || 0) + 1);
                } catch {
                    problems.push(`line ${l.line}: ${l.tag} ${l.attr}="${v}" is not a valid URL`);
                }
            } else if (s === 'javascript' && l.tag === 'a') {
                // mdBook uses none; count it with the others.
                otherSchemes++;
            } else {
                otherSchemes++;
            }
            continue;
        }
        // mdBook's 404.html has <base href="/"> (its site-url), so in a browser its
        // heading self-links (#document-not-found-404) go to index.html#... : an artifact of
        // mdBook, not of the book. Check such same-page fragments against the page itself
        // and only warn.
        const sameDocUnderBase = info.base !== null && v.startsWith('#');
        if (sameDocUnderBase) {
            const fd = safeDecode(v.slice(1));
            if (!(info.ids.has(fd) || info.names.has(fd) || fd === '' || fd === 'top'))
                problems.push(`line ${l.line}: <a href="${v}">: no id or name "${fd}" in ${page}`);
            const r = resolve(page, info.base, v);
            if (r.target !== page) warnings.push(`line ${l.line}: <a href="${v}"> goes to ${r.target}${v} in a browser (mdBook's <base href="${info.base}">)`);
            continue;
        }
        const r = resolve(page, info.base, v);
        if (r.error) {
            problems.push(`line ${l.line}: ${l.tag} ${l.attr}="${v}" ${r.error}`);
            continue;
        }
        if (l.tag === 'a') internalLinks++;
        else resourceRefs++;
        if (!fileSet.has(r.target)) {
            problems.push(`line ${l.line}: <${l.tag} ${l.attr}="${v}">: ${r.target} does not exist in the book`);
            continue;
        }
        if (r.fragment !== null && r.fragment !== '' && l.tag === 'a') {
            fragmentLinks++;
            const t = pages.get(r.target);
            if (!t) {
                problems.push(`line ${l.line}: <a href="${v}">: fragment on ${r.target}, which is not an HTML page`);
                continue;
            }
            const f = r.fragment;
            const fd = safeDecode(f);
            const ok = t.ids.has(f) || t.ids.has(fd) || t.names.has(f) || t.names.has(fd) || fd === 'top';
            if (!ok) problems.push(`line ${l.line}: <a href="${v}">: no id or name "${fd}" in ${r.target}`);
        }
    }

    // mdBook names its search index in a script variable, not in a tag.
    for (const m of info.text.matchAll(/window\.path_to_searchindex_js\s*=\s*"([^"]*)"/g)) {
        const r = resolve(page, info.base, m[1]);
        resourceRefs++;
        if (r.error || !fileSet.has(r.target))
            problems.push(`line ${lineOf(info.text, m.index)}: search index ${JSON.stringify(m[1])}: ${r.target || m[1]} does not exist in the book`);
    }
    for (const m of info.text.matchAll(DIRECTIVE)) {
        problems.push(`line ${lineOf(info.text, m.index)}: unexpanded mdBook directive ${JSON.stringify(m[0].slice(0, 120))}`);
    }
    for (const e of MDBOOK_ERRORS) {
        let i = info.text.indexOf(e);
        if (i !== -1) problems.push(`line ${lineOf(info.text, i)}: mdBook error text "${e}"`);
    }
    for (const m of info.text.matchAll(EMPTY_LISTING)) {
        problems.push(`line ${lineOf(info.text, m.index)}: empty listing ${JSON.stringify(m[0])} (an {{#include file:ANCHOR}} whose ANCHOR is missing?)`);
    }
    // A `> [!WARNING]` that mdBook did not turn into an admonition (the Chinese edition's
    // translation of it is mended by scripts/i18n/mend.py).
    for (const m of info.text.matchAll(/<p>\s*\\?\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\\?\]/g)) {
        problems.push(`line ${lineOf(info.text, m.index)}: ${JSON.stringify(m[0])} shown as text, not as an admonition`);
    }
    // `**` left in the text (outside code): a bold CommonMark did not close, as after
    // "。" followed by a letter (**启动。**驱动 must be written **启动**。驱动).
    {
        const prose = info.text.replace(/<(pre|code|script|style)\b[^>]*>[\s\S]*?<\/\1>/g, (m) => m.replace(/[^\n]/g, ' '));
        for (const m of prose.matchAll(/>[^<]*\*\*[^<]*</g)) {
            problems.push(`line ${lineOf(info.text, m.index)}: ** shown as text: ${JSON.stringify(m[0].slice(1, 80))}`);
        }
    }
    // 〔略〕 marks a From-the-article message the Chinese summary leaves out: the build
    // (scripts/i18n/mend.py) drops it, so no page may show it.
    for (const m of info.text.matchAll(/〔略〕/g)) {
        problems.push(`line ${lineOf(info.text, m.index)}: 〔略〕 shown: a left-out message that mend.py did not drop`);
    }
    for (const [id, n] of info.ids) {
        if (n > 1) (isPrint ? warnings : problems).push(`id "${id}" is defined ${n} times`);
    }

    const nLinks = info.links.filter((l) => l.tag === 'a').length;
    if (problems.length === 0) {
        passed++;
        console.log(`ok    ${page} (${nLinks} links, ${info.ids.size} ids)`);
    } else {
        failed++;
        console.log(`FAIL  ${page} (${nLinks} links, ${info.ids.size} ids)`);
        for (const p of problems) console.log(`        ${page}: ${p}`);
    }
    for (const w of warnings.slice(0, 5)) console.log(`        warning: ${page}: ${w}`);
    if (warnings.length > 5) console.log(`        warning: ${page}: ... and ${warnings.length - 5} more`);
}

console.log(
    `links: checked ${pages.size} pages: ${internalLinks} internal links (${fragmentLinks} with a #fragment), ` +
    `${resourceRefs} scripts/styles/images; not fetched: ${externalLinks} external http(s) links` +
    (externalHosts.size ? ` (${[...externalHosts].sort((a, b) => b[1] - a[1]).map(([h, n]) => `${h} ${n}`).join(', ')})` : '') +
    (otherSchemes ? `, ${otherSchemes} other-scheme links` : ''),
);
console.log(`links: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
