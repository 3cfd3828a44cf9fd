// The book has two editions: English at the root of the built book, Simplified Chinese
// under zh-CN/ (scripts/i18n/build.sh). On every page of both, this script gives
//  - T(str, args): the UI strings of our scripts in the page's language. The Chinese ones
//    are in generated/ui-strings.js, which `make i18n-update` writes from po/zh-CN.po;
//  - a language switch in the menu bar, to the same page and place in the other edition;
//  - the titles of mdBook's admonitions ("Warning") and mdBook's own interface (buttons'
//    titles, the search box) in the page's language;
//  - search that finds Chinese words. mdBook's index splits text at spaces only, and
//    elasticlunr's trimmer drops every non-ASCII character of a query: a Chinese query
//    finds nothing. In the Chinese edition the index is rebuilt in the browser from the
//    same documents, with Chinese text cut into overlapping pairs of characters (a query
//    is cut the same way, and mdBook's search asks for every pair).
(function () {
    'use strict';
    const lang = document.documentElement.lang || 'en';
    const zh = /^zh/i.test(lang);
    const table = (window.BOOK_UI_STRINGS || {})[lang] || {};

    window.T = function (str, args) {
        const s = Object.prototype.hasOwnProperty.call(table, str) ? table[str] : str;
        return s.replace(/\{(\w+)\}/g, (m, k) => (args && k in args ? String(args[k]) : m));
    };

    // --- the language switch ----------------------------------------------------------
    const EDITIONS = { en: { dir: '', label: 'English' }, zh: { dir: 'zh-CN/', label: '中文' } };

    // The same page (and anchor) in the other edition: the page's path below its edition's
    // root (mdBook's path_to_root), under the other root.
    function otherEdition() {
        // path_to_root is "" on a page at the root ("./": its directory, not the page).
        const root = new URL((typeof path_to_root === 'string' && path_to_root) || './', location.href);
        const here = location.href.split('#')[0].split('?')[0];
        let rel = here.startsWith(root.href) ? here.slice(root.href.length) : '';
        if (rel === '') rel = 'index.html';
        const top = zh ? new URL('../', root) : root;
        return new URL((zh ? EDITIONS.en.dir : EDITIONS.zh.dir) + rel, top).href + location.hash;
    }

    function addSwitch() {
        const bar = document.querySelector('#mdbook-menu-bar .right-buttons, .menu-bar .right-buttons');
        if (!bar || bar.querySelector('.lang-switch')) return;
        const a = document.createElement('a');
        a.className = 'lang-switch';
        a.lang = zh ? 'en' : 'zh-CN';
        a.hreflang = a.lang;
        a.textContent = zh ? EDITIONS.en.label : EDITIONS.zh.label;
        a.title = zh ? 'Read this page in English' : '用中文阅读本页';
        a.href = otherEdition();
        // The anchor may have changed since (links inside the page, the boot stepper).
        a.addEventListener('click', () => { a.href = otherEdition(); });
        a.addEventListener('focus', () => { a.href = otherEdition(); });
        bar.prepend(a);
    }

    // mdBook 0.5 titles its admonitions in English ("Warning", "Note"): the same words
    // through T. (Without JavaScript they stay English.)
    const ADMONITIONS = {
        Note: T('Note'), Tip: T('Tip'), Important: T('Important'), Warning: T('Warning'), Caution: T('Caution'),
    };
    function translateAdmonitions() {
        for (const title of document.querySelectorAll('.blockquote-tag-title')) {
            const text = title.lastChild;
            const word = text && text.nodeType === Node.TEXT_NODE ? text.textContent.trim() : '';
            if (Object.prototype.hasOwnProperty.call(ADMONITIONS, word)) text.textContent = ADMONITIONS[word];
        }
    }

    // mdBook's own interface (0.5 has no translations of it): its buttons' titles and
    // labels, the search box's placeholder, and the search results' header.
    const MDBOOK_UI = {
        'Previous chapter': T('Previous chapter'),
        'Next chapter': T('Next chapter'),
        'Page navigation': T('Page navigation'),
        'Toggle Table of Contents': T('Toggle Table of Contents'),
        'Table of contents': T('Table of contents'),
        'Change theme': T('Change theme'),
        'Themes': T('Themes'),
        'Search (`/`)': T('Search (`/`)'),
        'Toggle Searchbar': T('Toggle Searchbar'),
        'Search this book ...': T('Search this book ...'),
        'Print this book': T('Print this book'),
    };
    function searchHeader(text) {
        let m = /^(\d+) search results? for '(.*)':$/.exec(text);
        if (m) return T('{n} search results for “{q}”:', { n: m[1], q: m[2] });
        m = /^No search results for '(.*)'\.$/.exec(text);
        return m ? T('No search results for “{q}”.', { q: m[1] }) : null;
    }
    function translateMdbookUi() {
        if (!Object.keys(table).length) return; // the English edition
        for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
            for (const attr of ['title', 'aria-label', 'placeholder']) {
                const v = el.getAttribute(attr);
                if (v && Object.prototype.hasOwnProperty.call(MDBOOK_UI, v)) el.setAttribute(attr, MDBOOK_UI[v]);
            }
        }
        const header = document.querySelector('#mdbook-searchresults-header, #searchresults-header');
        if (header) {
            new MutationObserver(() => {
                const t = searchHeader(header.textContent.trim());
                if (t !== null) header.textContent = t; // the English text only: no loop
            }).observe(header, { childList: true, characterData: true, subtree: true });
        }
    }

    function ready() {
        addSwitch();
        translateAdmonitions();
        translateMdbookUi();
    }
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
    else ready();

    // --- search in Chinese ---------------------------------------------------------------
    const lunr = window.elasticlunr;
    if (!zh || !lunr) return;
    const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
    const RUNS = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+/g;

    function tokenize(obj) {
        if (obj === null || obj === undefined) return [];
        if (Array.isArray(obj)) return obj.flatMap(tokenize);
        const out = [];
        for (const word of String(obj).toLowerCase().split(/[\s-]+/)) {
            for (const run of word.match(RUNS) || []) {
                if (!HAN.test(run)) { out.push(run); continue; }
                if (run.length === 1) out.push(run);
                for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
            }
        }
        return out;
    }
    // Like elasticlunr's trimmer and stemmer, but they keep Chinese (and stem only English).
    function trim(token) {
        return token.replace(/^[^\p{L}\p{N}_]+/u, '').replace(/[^\p{L}\p{N}_]+$/u, '') || undefined;
    }
    function stem(token) {
        return /^[a-z]+$/.test(token) ? lunr.stemmer(token) : token;
    }
    lunr.Pipeline.registerFunction(trim, 'bookTrim');
    lunr.Pipeline.registerFunction(stem, 'bookStem');

    const load = lunr.Index.load;
    lunr.Index.load = function (serialized) {
        const docs = serialized.documentStore && serialized.documentStore.docs;
        if (!docs) return load.call(this, serialized);
        lunr.tokenizer = tokenize;
        const idx = new lunr.Index();
        idx.setRef(serialized.ref);
        for (const f of serialized.fields) idx.addField(f);
        idx.saveDocument(true);
        idx.pipeline.reset();
        idx.pipeline.add(trim, stem);
        for (const key of Object.keys(docs)) {
            const doc = Object.assign({}, docs[key]);
            doc[serialized.ref] = key;
            idx.addDoc(doc, false);
        }
        return idx;
    };
})();
