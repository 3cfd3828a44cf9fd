#!/usr/bin/env node
// Screenshots for a person to look at (not a test): each figure's SVG as an <img>, and
// pages of the built book, into target/shots/.
//   node tests/browser/shots.mjs svg                      every chapters-src/generated/*-figure.svg
//   node tests/browser/shots.mjs page NAME.html [print] [nojs] [top] [selector]
// (NAME may be zh-CN/NAME.html, the Chinese edition; top: the first screen, not the whole page)
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const OUT = path.join(repo, 'target', 'shots');
fs.mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const [mode, ...rest] = process.argv.slice(2);
try {
    if (mode === 'svg') {
        const dir = path.join(repo, 'chapters-src', 'generated');
        for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('-figure.svg'))) {
            const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
            await page.setContent(`<body style="margin:0;background:#ddd"><img style="max-width:900px" src="data:image/svg+xml;base64,${fs.readFileSync(path.join(dir, f)).toString('base64')}"></body>`);
            await page.waitForTimeout(300);
            const out = path.join(OUT, f.replace(/\.svg$/, '-svg.png'));
            await page.screenshot({ path: out, fullPage: true });
            console.log(out);
            await page.close();
        }
    } else {
        const book = path.join(repo, 'book');
        const server = http.createServer((req, res) => {
            const p = path.join(book, decodeURIComponent(new URL(req.url, 'http://x').pathname));
            const TYPES = { '.html': 'text/html', '.svg': 'image/svg+xml', '.css': 'text/css', '.js': 'text/javascript' };
            try {
                const f = fs.statSync(p).isDirectory() ? path.join(p, 'index.html') : p;
                res.writeHead(200, { 'content-type': TYPES[path.extname(f)] || 'application/octet-stream' });
                res.end(fs.readFileSync(f));
            } catch { res.writeHead(404).end(); }
        });
        await new Promise((r) => server.listen(0, '127.0.0.1', r));
        const [name, ...flags] = rest;
        const sel = flags.find((f) => !['print', 'nojs', 'top'].includes(f));
        const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: !flags.includes('nojs') });
        await ctx.addInitScript(() => { window.print = () => {}; });
        const page = await ctx.newPage();
        if (flags.includes('print')) await page.emulateMedia({ media: 'print' });
        await page.goto(`http://127.0.0.1:${server.address().port}/${name}`, { waitUntil: 'load' });
        await page.waitForTimeout(2500);
        const tag = [name.replace(/\.html$/, '').replace(/\//g, '_'), ...flags.filter((f) => f !== sel), sel ? sel.replace(/\W+/g, '_') : ''].filter(Boolean).join('-');
        const out = path.join(OUT, `${tag}.png`);
        if (sel) await page.locator(sel).first().screenshot({ path: out });
        else await page.screenshot({ path: out, fullPage: !flags.includes('top') });
        console.log(out);
        server.close();
    }
} finally {
    await browser.close();
}
