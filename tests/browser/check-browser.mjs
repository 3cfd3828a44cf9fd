#!/usr/bin/env node
// Browser check of the BUILT book in headless Chromium (Debian's, never a downloaded one).
//
//   node tests/browser/check-browser.mjs [BOOK_DIR]     (default: <repo>/book)
//
// Environment: CHROMIUM (default /usr/bin/chromium), SCREENSHOT_DIR (default
// <repo>/target/browser), SEARCH_QUERY (default procresize), EDITION (default: the English
// edition at BOOK_DIR's root; zh-CN: the Chinese one at BOOK_DIR/zh-CN/, still served from
// BOOK_DIR so that the language switch can be followed; screenshots go to SCREENSHOT_DIR/zh-CN).
//
// On every page, the language switch (chapters-src/theme/i18n.js) must lead to the same page
// of the other edition (and on schedinit.html, followed with an anchor, to the same place).
// In the Chinese edition, print.html under print media must draw its Chinese text with a
// CJK font (Chromium's platform fonts for the text, through the DevTools protocol), not
// with tofu boxes; its screenshot is print.png.
//
// Serves BOOK_DIR over HTTP on 127.0.0.1 (random free port), opens every BOOK_DIR/*.html and
// fails a page on: a console error, an uncaught JavaScript exception, a request to 127.0.0.1
// that fails or answers 4xx/5xx, a mermaid figure (pre.mermaid / .mermaid) with no <svg>
// after rendering, or one that is mermaid's syntax-error picture. On index.html it also
// checks mdBook's search (press "s", type the query, expect at least one result). Saves a
// full-page screenshot of schedinit.html. On boot-stepper.html it steps through the boot
// (checkStepper below: Next/Prev, ArrowRight/ArrowLeft, the jump menu, #at-CHAPTER, the figure
// changing) and on each chapter page it finds the small stepper. Prints one line per page and, last, exactly
// `N passed, M failed` (pages as units); exit status 1 on any failure.
//
// The book's figures (<figure class="book-figure">: mermaid's source and an <img> of its SVG
// rendering, chapters-src/generated/NAME-figure.svg): on every page, with JavaScript, mermaid
// draws each one and its <img> is hidden; on print.html under print media every figure of
// the book is its <img>, loaded and visible, and no mermaid drawing or source shows; and
// again without JavaScript, on every page with figures, each is its loaded, visible <img>.

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const BOOK = path.resolve(process.argv[2] || process.env.BOOK_DIR || path.join(repo, 'book'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOT_DIR = path.join(path.resolve(process.env.SCREENSHOT_DIR || path.join(repo, 'target', 'browser')), process.env.EDITION || '');
const SEARCH_QUERY = process.env.SEARCH_QUERY || 'procresize';
const EDITION = process.env.EDITION || '';
const SUB = EDITION ? `${EDITION}/` : '';
// The other edition's directory below BOOK_DIR, for the language switch.
const OTHER = EDITION ? '' : 'zh-CN/';
const CJK_FONT = /CJK|Hei|Song|Ming|Kai|Fallback|WenQuanYi|Noto Sans SC|Noto Serif SC/i;
const SEARCH_PAGE = 'index.html';
const SHOT_PAGE = 'schedinit.html';
const MERMAID_TIMEOUT_MS = 30_000;
const NAV_TIMEOUT_MS = 60_000;

if (!fs.existsSync(path.join(BOOK, SUB, 'index.html'))) {
    console.error(`check-browser: ${path.join(BOOK, 'index.html')} is missing: build the book first (make book)`);
    process.exit(2);
}
if (!fs.existsSync(CHROMIUM)) {
    console.error(`check-browser: no Chromium at ${CHROMIUM} (scripts/setup.sh test installs Debian's chromium; or set CHROMIUM)`);
    process.exit(2);
}

// ---------------------------------------------------------------- a tiny static server
const TYPES = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
    '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
    '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.ico': 'image/x-icon',
    '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf',
    '.eot': 'application/vnd.ms-fontobject', '.txt': 'text/plain; charset=utf-8',
    '.md': 'text/plain; charset=utf-8', '.mmd': 'text/plain; charset=utf-8',
};

function serve(root) {
    const server = http.createServer((req, res) => {
        let p;
        try {
            p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
        } catch {
            res.writeHead(400).end('bad request');
            return;
        }
        let file = path.join(root, path.normalize(p));
        if (file !== root && !file.startsWith(root + path.sep)) {
            res.writeHead(403).end('forbidden');
            return;
        }
        try {
            if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
            const body = fs.readFileSync(file);
            res.writeHead(200, {
                'content-type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
                'content-length': body.length,
                'cache-control': 'no-store',
            });
            res.end(req.method === 'HEAD' ? undefined : body);
        } catch {
            res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        }
    });
    return new Promise((resolve, reject) => {
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
    });
}

// ---------------------------------------------------------------- in-page helpers
// Top-level mermaid containers: pre.mermaid or any .mermaid that is not itself an SVG
// element (mermaid gives its own SVG elements class names) nor inside another container.
function mermaidContainers() {
    return [...document.querySelectorAll('pre.mermaid, .mermaid')].filter(
        (el) => !(el instanceof SVGElement) && !el.parentElement?.closest('pre.mermaid, .mermaid'),
    );
}

const MERMAID_STATUS = `(${mermaidContainers.toString()})().map((el, i) => {
    const svg = el.querySelector('svg');
    const src = (window.__bookMermaidSources && window.__bookMermaidSources.get(el)) || (svg ? '' : el.textContent) || '';
    const head = src.trim().split('\\n').filter((l) => !/^\\s*%%/.test(l)).join(' ').replace(/\\s+/g, ' ').slice(0, 80);
    if (!svg) return { i, ok: false, why: 'no <svg> (not rendered)', head };
    const clone = svg.cloneNode(true);
    clone.querySelectorAll('style').forEach((s) => s.remove());
    const text = (clone.textContent || '').replace(/\\s+/g, ' ');
    const role = svg.getAttribute('aria-roledescription') || '';
    if (role === 'error' || /Syntax error/i.test(text))
        return { i, ok: false, why: 'mermaid syntax-error output' + (text ? ': ' + JSON.stringify(text.trim().slice(0, 160)) : ''), head };
    const r = svg.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return { i, ok: false, why: 'empty <svg> (' + r.width + 'x' + r.height + ')', head };
    return { i, ok: true, kind: role || svg.id, size: Math.round(r.width) + 'x' + Math.round(r.height) };
})`;

// The book's figures on a page: for each <figure class="book-figure">, whether its <img> (the
// SVG rendering) is visible and loaded, and whether mermaid's <pre> is visible and drawn.
const FIGURE_STATUS = `[...document.querySelectorAll('figure.book-figure')].map((fig) => {
    const shown = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const img = fig.querySelector('img.figure-svg');
    const pre = fig.querySelector('pre.mermaid');
    const r = img ? img.getBoundingClientRect() : null;
    return {
        id: fig.id || '(no id)',
        img: !!img,
        src: img ? img.getAttribute('src') : '',
        imgShown: shown(img) && r.width > 0 && r.height > 0,
        imgLoaded: !!img && img.complete && img.naturalWidth > 0,
        svgFile: !!img && /\.svg$/.test(img.getAttribute('src') || ''),
        preShown: shown(pre),
        drawn: !!pre && !!pre.querySelector('svg'),
    };
})`;

/** Problems with a page's figures: `mode` is 'js' (mermaid draws them), 'print' or 'nojs'
 * (each must be its SVG <img>). */
function figureProblems(figs, mode) {
    const out = [];
    for (const f of figs) {
        if (!f.img || !f.svgFile) { out.push(`figure ${f.id}: no <img class="figure-svg"> of an .svg`); continue; }
        if (mode === 'js') {
            if (!f.drawn || !f.preShown) out.push(`figure ${f.id}: mermaid did not draw it`);
            if (f.imgShown) out.push(`figure ${f.id}: its SVG <img> shows beside mermaid's drawing`);
        } else {
            if (!f.imgLoaded) out.push(`figure ${f.id} (${mode}): its SVG ${f.src} did not load`);
            if (!f.imgShown) out.push(`figure ${f.id} (${mode}): its SVG <img> is not visible`);
            if (f.preShown) out.push(`figure ${f.id} (${mode}): mermaid's ${f.drawn ? 'drawing' : 'source'} shows`);
        }
    }
    return out;
}

// ---------------------------------------------------------------- the boot stepper
// boot-stepper.html (chapters-src/theme/boot-stepper.js): each action must change the step
// shown and the figure, and land on the step it says. Returns problems and notes.
const STEPPER_PAGE = 'boot-stepper.html';
async function checkStepper(page, origin) {
    const problems = [];
    const notes = [];
    const state = () => page.evaluate(() => {
        const root = document.getElementById('boot-stepper');
        const c = root && root.querySelector('.bs-counter');
        // "Step 3 of 19", or the Chinese edition's "第 3 步，共 19 步".
        const m = c && /^(?:Step (\d+) of (\d+)|第 (\d+) 步，共 (\d+) 步)$/.exec(c.textContent.trim());
        return {
            step: m ? Number(m[1] || m[3]) : null,
            total: m ? Number(m[2] || m[4]) : null,
            event: root?.querySelector('.bs-event')?.textContent || '',
            figure: root?.querySelector('.bs-figure')?.innerHTML || '',
            boxes: root ? root.querySelectorAll('.bs-figure .bs-box').length : 0,
            changed: root ? root.querySelectorAll('.bs-figure .bs-changed, .bs-figure .bs-new').length : 0,
            hash: location.hash,
        };
    });
    const expect = (what, got, step) => {
        if (got.step !== step) problems.push(`stepper: ${what}: at step ${got.step}, expected ${step}`);
    };
    let s0 = await state();
    if (s0.step !== 1 || !(s0.total > 1) || s0.boxes < 4) {
        problems.push(`stepper: not drawn (step ${s0.step} of ${s0.total}, ${s0.boxes} boxes)`);
        return { problems, notes };
    }
    const list = await page.locator('.boot-steps-list li[id^="step-"]').count();
    if (list !== s0.total) problems.push(`stepper: the static list has ${list} steps, the stepper ${s0.total}`);
    await page.locator('#boot-stepper .bs-next').click();
    let s = await state();
    expect('Next', s, 2);
    if (s.event === s0.event) problems.push('stepper: Next did not change the event');
    if (s.figure === s0.figure) problems.push('stepper: Next did not change the figure');
    if (s.changed === 0) problems.push('stepper: step 2 highlights nothing');
    await page.keyboard.press('ArrowRight');
    const s3 = await state();
    expect('ArrowRight', s3, 3);
    await page.keyboard.press('ArrowLeft');
    s = await state();
    expect('ArrowLeft', s, 2);
    await page.locator('#boot-stepper .bs-prev').click();
    s = await state();
    expect('Prev', s, 1);
    if (!page.url().endsWith(`/${STEPPER_PAGE}`) && !page.url().includes(STEPPER_PAGE)) problems.push(`stepper: the arrow keys left the page (${page.url()})`);
    // The jump menu: every chapter's point.
    const options = await page.locator('#boot-stepper .bs-jump option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    if (options.length < 8) problems.push(`stepper: the jump menu has ${options.length} chapter points`);
    let before = await state();
    for (const v of options) {
        await page.locator('#boot-stepper .bs-jump').selectOption(v);
        s = await state();
        expect(`jump to ${v}`, s, Number(v));
        if (s.hash !== `#step-${v}`) problems.push(`stepper: jump to ${v}: address ${s.hash}`);
    }
    await page.locator('#boot-stepper .bs-jump').selectOption(options[3]);
    s = await state();
    if (s.figure === before.figure) problems.push('stepper: the jump did not change the figure');
    // procresize (schedinit's point) points m0.p at P0 and sched.pidle at P1: two arrows.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
    const arrows = await page.locator('#boot-stepper svg.bs-arrows > path').count();
    if (s.step === 11 && arrows < 2) problems.push(`stepper: step 11 draws ${arrows} arrows for the pointers it changed (m0.p, sched.pidle)`);
    notes.push(`stepper: ${s0.total} steps; Next, Prev, ArrowRight, ArrowLeft and ${options.length} chapter points step as they say`);
    // Opened at a chapter's point, as the chapters' links do.
    await page.goto(`${origin}/${SUB}${STEPPER_PAGE}#at-newproc`, { waitUntil: 'load' });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    s = await state();
    const want = await page.evaluate(() => (window.BOOT_STEP_CHAPTERS || []).find((c) => c.name === 'newproc')?.step);
    expect('#at-newproc', s, want);
    if (!/newproc1/.test(s.event)) problems.push(`stepper: #at-newproc shows ${JSON.stringify(s.event.slice(0, 60))}`);
    return { problems, notes };
}

// A chapter's small stepper (before its Check it): drawn, and its buttons step.
async function checkMiniStepper(page) {
    const problems = [];
    const mini = page.locator('.boot-stepper-mini');
    if ((await mini.count()) !== 1) return { problems: [`small stepper: ${await mini.count()} on the page`], notes: [] };
    const counter = mini.locator('.bs-counter');
    if ((await counter.count()) !== 1) return { problems: ['small stepper: not drawn'], notes: [] };
    const first = await counter.textContent();
    let note = `small stepper at ${JSON.stringify(first)}`;
    for (const [cls, label] of [['.bs-prev', 'Prev'], ['.bs-next', 'Next']]) {
        const button = mini.locator(cls);
        if (!(await button.isEnabled())) continue;
        const fig = await mini.locator('.bs-figure').innerHTML();
        await button.click();
        if ((await counter.textContent()) === first) problems.push(`small stepper: ${label} did not step`);
        if ((await mini.locator('.bs-figure').innerHTML()) === fig) problems.push(`small stepper: ${label} did not change the figure`);
        note += `, ${label} steps`;
        break;
    }
    return { problems, notes: [note] };
}

// The language switch: on the page, and leading to the same page of the other edition (if
// it was built); on schedinit.html, followed from an anchor, to the same anchor there.
async function checkSwitch(page, origin, name) {
    const problems = [];
    const notes = [];
    if (!fs.existsSync(path.join(BOOK, OTHER, name))) {
        notes.push(`language switch: no ${OTHER || 'English '}edition built beside this one, not checked`);
        return { problems, notes };
    }
    if (!(await page.locator('#mdbook-menu-bar').count())) {
        notes.push('no menu bar (no language switch)');
        return { problems, notes };
    }
    const link = page.locator('#mdbook-menu-bar .lang-switch');
    if ((await link.count()) !== 1) return { problems: [`language switch: ${await link.count()} on the page`], notes };
    const href = await link.evaluate((a) => a.href);
    const want = `${origin}/${OTHER}${name}`;
    if (href.split('#')[0] !== want) problems.push(`language switch leads to ${href}, not ${want}`);
    if (name === 'schedinit.html') {
        // In a page of its own, so that leaving it disturbs nothing of the page under test.
        const p2 = await page.context().newPage();
        try {
            await p2.goto(`${origin}/${SUB}${name}#gomaxprocs`, { waitUntil: 'load' });
            await Promise.all([
                p2.waitForURL(`${want}#gomaxprocs`, { timeout: NAV_TIMEOUT_MS, waitUntil: 'load' }),
                p2.locator('#mdbook-menu-bar .lang-switch').click(),
            ]);
            const there = await p2.evaluate(() => ({ lang: document.documentElement.lang, anchor: !!document.getElementById('gomaxprocs') }));
            if (!there.anchor) problems.push('language switch: #gomaxprocs is not on the other edition\'s page');
            if (there.lang === (EDITION || 'en')) problems.push(`language switch: the other page is in ${there.lang} too`);
            notes.push(`language switch followed: ${SUB}${name}#gomaxprocs → ${OTHER}${name}#gomaxprocs (lang ${there.lang})`);
        } catch (e) {
            problems.push(`language switch not followed: ${String(e.message || e).split('\n')[0]}`);
        } finally {
            await p2.close();
        }
    }
    return { problems, notes };
}

// The Chinese edition's print page, under print media: its Chinese text is drawn with a CJK
// font (the platform fonts Chromium used for a paragraph of it), and a screenshot.
async function checkCjkFont(page, context) {
    const problems = [];
    const notes = [];
    await page.emulateMedia({ media: 'print' });
    const cdp = await context.newCDPSession(page);
    try {
        await cdp.send('DOM.enable');
        await cdp.send('CSS.enable');
        const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
        const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: 'main p' });
        let checked = 0;
        const used = new Map();
        for (const nodeId of nodeIds.slice(0, 40)) {
            const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
            for (const f of fonts) used.set(f.familyName, (used.get(f.familyName) || 0) + f.glyphCount);
            checked++;
        }
        const cjk = [...used].filter(([family, n]) => CJK_FONT.test(family) && n > 0);
        if (checked === 0) problems.push('print: no paragraph to check the font of');
        else if (!cjk.length) problems.push(`print: the Chinese text is drawn without a CJK font (fonts used: ${[...used.keys()].join(', ')}): tofu boxes`);
        notes.push(`print fonts (${checked} paragraphs): ${[...used].map(([f, n]) => `${f} ${n} glyphs`).join(', ')}`);
    } finally {
        await cdp.detach().catch(() => {});
    }
    // Print media again (the DevTools session above may have reset it), one frame later.
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    const sidebar = await page.evaluate(() => [...document.querySelectorAll('#mdbook-sidebar, nav.sidebar')]
        .some((e) => getComputedStyle(e).display !== 'none'));
    if (sidebar) problems.push('print: the sidebar shows under print media');
    fs.mkdirSync(SHOT_DIR, { recursive: true });
    const shot = path.join(SHOT_DIR, 'print.png');
    await page.screenshot({ path: shot, fullPage: false });
    notes.push(`screenshot (print media): ${shot}`);
    await page.emulateMedia({ media: null });
    return { problems, notes };
}

// ---------------------------------------------------------------- the run
const pages = fs.readdirSync(path.join(BOOK, SUB)).filter((f) => f.endsWith('.html')).sort();
const server = await serve(BOOK);
const { port } = server.address();
const origin = `http://127.0.0.1:${port}`;
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'book-chromium-'));

let context;
let exitCode = 0;
let passed = 0;
let failed = 0;
// The pages with figures and how many, from the built HTML (print.html must show them all).
const figurePages = new Map(
    pages.filter((name) => name !== 'print.html')
        .map((name) => [name, (fs.readFileSync(path.join(BOOK, SUB, name), 'utf8').match(/<figure class="book-figure"/g) || []).length])
        .filter(([, n]) => n > 0),
);
try {
    context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
            '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync',
        ],
        viewport: { width: 1280, height: 900 },
        timeout: NAV_TIMEOUT_MS,
    });
    // print.html calls window.print() on load; count the calls instead of opening a dialog.
    await context.addInitScript(() => {
        window.print = () => { window.__bookPrintCalls = (window.__bookPrintCalls || 0) + 1; };
    });
    // Keep each mermaid figure's source, before mermaid replaces it by its SVG (on `load`),
    // to name a figure that fails.
    await context.addInitScript(`document.addEventListener('DOMContentLoaded', () => {
        window.__bookMermaidSources = new WeakMap();
        for (const el of (${mermaidContainers.toString()})()) window.__bookMermaidSources.set(el, el.textContent);
    });`);
    // mdBook's book.js asks https://play.rust-lang.org/meta/crates for the playground's crate
    // list on every page with a runnable Rust block, and does not catch a failed fetch: with
    // no network that is an uncaught "TypeError: Failed to fetch" on each such page. This
    // machine and CI have no network, so the test answers for the playground (an empty crate
    // list: book.js then hides the Run buttons of snippets that name an `extern crate`) and
    // says so on each page. `[output.html.playground] runnable = false` in book.toml removes
    // the request altogether.
    const PLAYGROUND_CRATES = 'https://play.rust-lang.org/meta/crates';
    await context.route(PLAYGROUND_CRATES, (route) => route.fulfill({
        status: 200,
        contentType: 'application/json',
        headers: { 'access-control-allow-origin': '*' },
        body: JSON.stringify({ crates: [] }),
    }));
    // Never leave the machine: anything else not on our server is refused (and reported).
    await context.route(
        (url) => !(url.protocol === 'data:' || url.protocol === 'blob:' || url.origin === origin || url.href === PLAYGROUND_CRATES),
        (route) => route.abort('blockedbyclient'),
    );
    console.log(`browser: ${CHROMIUM}; serving ${BOOK} at ${origin}`);

    for (const name of pages) {
        const problems = [];
        const notes = [];
        const page = await context.newPage();
        const ours = (u) => { try { return new URL(u).origin === origin; } catch { return false; } };
        page.on('console', (msg) => {
            if (msg.type() === 'error') {
                const loc = msg.location();
                problems.push(`console error: ${msg.text().slice(0, 300)}${loc?.url ? ` (${loc.url.replace(origin + '/', '')}:${loc.lineNumber})` : ''}`);
            }
        });
        page.on('pageerror', (err) => problems.push(`JavaScript exception: ${String(err.stack || err).split('\n').slice(0, 3).join(' | ').slice(0, 400)}`));
        page.on('requestfailed', (req) => {
            if (ours(req.url())) problems.push(`request failed: ${req.url().replace(origin + '/', '')}: ${req.failure()?.errorText}`);
            else notes.push(`off-site request refused: ${req.url()}`);
        });
        page.on('request', (req) => {
            if (req.url() === PLAYGROUND_CRATES) notes.push(`book.js asked ${PLAYGROUND_CRATES}: answered by the test (no network here)`);
        });
        page.on('response', (res) => {
            if (ours(res.url()) && res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url().replace(origin + '/', '')}`);
        });
        const t0 = Date.now();
        try {
            const res = await page.goto(`${origin}/${SUB}${name}`, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
            if (!res) problems.push('no response');
            else if (res.status() >= 400) { /* reported by the response handler */ }

            // Mermaid: every container must get an <svg>.
            const nFigures = await page.evaluate(`(${mermaidContainers.toString()})().length`);
            if (nFigures > 0) {
                try {
                    await page.waitForFunction(
                        `(${mermaidContainers.toString()})().every((el) => el.querySelector('svg'))`,
                        null, { timeout: MERMAID_TIMEOUT_MS, polling: 100 },
                    );
                } catch {
                    // reported figure by figure below
                }
                const status = await page.evaluate(MERMAID_STATUS);
                for (const s of status) {
                    if (!s.ok) problems.push(`mermaid figure ${s.i + 1}/${status.length}: ${s.why} (source starts: ${JSON.stringify(s.head)})`);
                }
                const good = status.filter((s) => s.ok);
                if (good.length) notes.push(`mermaid: ${good.length}/${status.length} figures rendered (${good.map((s) => `${s.kind} ${s.size}`).join(', ')})`);
            }
            await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => {});

            // The book's figures, drawn by mermaid; on print.html, also as printed.
            const figs = await page.evaluate(FIGURE_STATUS);
            if (figs.length) {
                problems.push(...figureProblems(figs, 'js'));
                if (name !== 'print.html' && figs.length !== figurePages.get(name)) {
                    problems.push(`${figs.length} figures in the page, ${figurePages.get(name)} in its HTML`);
                }
                notes.push(`figures: ${figs.length} (${figs.map((f) => f.id).join(', ')}), drawn by mermaid`);
            }
            if (name === 'print.html') {
                await page.emulateMedia({ media: 'print' });
                const printed = await page.evaluate(FIGURE_STATUS);
                await page.emulateMedia({ media: null });
                problems.push(...figureProblems(printed, 'print'));
                const want = [...figurePages.values()].reduce((a, b) => a + b, 0);
                if (printed.length !== want) problems.push(`print: ${printed.length} figures, the chapters have ${want}`);
                notes.push(`print media: ${printed.filter((f) => f.imgShown && f.imgLoaded).length}/${printed.length} figures shown as their SVG image`);
            }

            const sw = await checkSwitch(page, origin, name);
            problems.push(...sw.problems);
            notes.push(...sw.notes);
            if (EDITION && name === 'print.html') {
                const f = await checkCjkFont(page, context);
                problems.push(...f.problems);
                notes.push(...f.notes);
            }

            if (name === 'print.html') {
                const calls = await page.evaluate(() => window.__bookPrintCalls || 0);
                notes.push(`window.print() called ${calls} time(s)`);
            }

            if (name === SEARCH_PAGE) {
                try {
                    await page.keyboard.press('s');
                    const box = page.locator('#mdbook-searchbar, #searchbar').first();
                    try {
                        await box.waitFor({ state: 'visible', timeout: 3_000 });
                    } catch {
                        // the key did not open it: use the search icon
                        await page.locator('#mdbook-search-toggle, #search-toggle').first().click();
                        await box.waitFor({ state: 'visible', timeout: 5_000 });
                    }
                    await box.click();
                    await box.pressSequentially(SEARCH_QUERY, { delay: 30 });
                    // Chinese characters are typed as text input, without the keyup that
                    // mdBook's search listens to (an input method sends one): press End.
                    await box.press('End');
                    const results = page.locator('#mdbook-searchresults > li, #searchresults > li');
                    await results.first().waitFor({ state: 'visible', timeout: 15_000 });
                    const n = await results.count();
                    const first = (await results.first().innerText()).split('\n')[0].slice(0, 80);
                    notes.push(`search "${SEARCH_QUERY}": ${n} result(s), first: ${JSON.stringify(first)}`);
                } catch (e) {
                    problems.push(`search "${SEARCH_QUERY}" gave no result: ${String(e.message || e).split('\n')[0]}`);
                }
            }

            if (name === STEPPER_PAGE) {
                const r = await checkStepper(page, origin);
                problems.push(...r.problems);
                notes.push(...r.notes);
                fs.mkdirSync(SHOT_DIR, { recursive: true });
                const shot = path.join(SHOT_DIR, 'boot-stepper.png');
                await page.screenshot({ path: shot, fullPage: false });
                notes.push(`screenshot: ${shot}`);
            }
            if (name !== 'print.html' && await page.locator('.boot-stepper-mini').count()) {
                const r = await checkMiniStepper(page);
                problems.push(...r.problems);
                notes.push(...r.notes);
            }

            if (name === SHOT_PAGE) {
                fs.mkdirSync(SHOT_DIR, { recursive: true });
                const shot = path.join(SHOT_DIR, name.replace(/\.html$/, '.png'));
                await page.screenshot({ path: shot, fullPage: true });
                notes.push(`screenshot: ${shot}`);
            }
        } catch (e) {
            problems.push(`could not load: ${String(e.message || e).split('\n')[0]}`);
        }
        await page.close();
        const ms = Date.now() - t0;
        if (problems.length === 0) {
            passed++;
            console.log(`ok    ${name} (${ms} ms)`);
        } else {
            failed++;
            console.log(`FAIL  ${name} (${ms} ms)`);
            for (const p of [...new Set(problems)]) console.log(`        ${name}: ${p}`);
        }
        for (const n of [...new Set(notes)]) console.log(`        ${n}`);
    }
    // Without JavaScript: every page with figures shows each as its SVG image.
    const nojs = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
        const ctx = await nojs.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
        await ctx.route((url) => url.origin !== origin, (route) => route.abort('blockedbyclient'));
        for (const name of [...figurePages.keys(), 'print.html']) {
            const page = await ctx.newPage();
            let problems = [];
            let figs = [];
            try {
                await page.goto(`${origin}/${SUB}${name}`, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
                figs = await page.evaluate(FIGURE_STATUS);
                problems = figureProblems(figs, 'nojs');
                if (figs.length === 0) problems.push('no figures without JavaScript');
            } catch (e) {
                problems.push(`could not load: ${String(e.message || e).split('\n')[0]}`);
            }
            await page.close();
            if (problems.length === 0) {
                passed++;
                console.log(`ok    ${name} without JavaScript: ${figs.length} figure(s) shown as their SVG image`);
            } else {
                failed++;
                console.log(`FAIL  ${name} without JavaScript`);
                for (const p of problems) console.log(`        ${name}: ${p}`);
            }
        }
    } finally {
        await nojs.close();
    }
    if (!pages.includes(SHOT_PAGE)) {
        console.log(`FAIL  ${SHOT_PAGE}: not in the book, no screenshot taken`);
        failed++;
    }
} catch (e) {
    console.error(`check-browser: ${e.stack || e}`);
    exitCode = 2;
} finally {
    if (context) await context.close().catch(() => {});
    server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode || (failed ? 1 : 0));
