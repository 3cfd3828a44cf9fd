// The boot stepper (chapters-src/boot-stepper.md): every step of the real boot, from
// _rt0_386_linux to main.main, with the runtime's state after it.
//
// The data is window.BOOT_STEPS and window.BOOT_STEP_CHAPTERS, from
// chapters-src/generated/boot-steps.js, which tests/boot_stepper.rs writes from
// `BOOTTRACE=json GOMAXPROCS=8 cargo run --example mainpc` at `make generated` (and checks for
// drift). Each step has its trace line, our source's file:line, Go's, and the state after it
// as boxes of (field, value) pairs; `changed` names the fields that differ from the step
// before ("box.field", or "box" for a box that appeared).
//
// On a page with <div id="boot-stepper"> this draws the stepper there: the event, the links,
// a figure of m0/g0/sched/runtime/allp/allgs with the changed fields highlighted, Prev/Next
// buttons, ArrowLeft/ArrowRight, a select to jump to a chapter's point. #step-N and
// #at-CHAPTER in the address open that step. Without JavaScript, and in print, the page's
// static list of steps (generated/boot-steps.snap) is what the reader sees. In a chapter,
// <div class="boot-stepper-mini" data-chapter="NAME"> (a link to the stepper at the chapter's
// point) gets a small stepper of the steps that chapter explains.
(function () {
    'use strict';
    // The UI strings go through T (chapters-src/theme/i18n.js): the Chinese edition's come
    // from po/zh-CN.po; so do the chapters' titles (the sidebar's, from SUMMARY.md).
    const T = window.T || ((str, args) => str.replace(/\{(\w+)\}/g, (m, k) => (args && k in args ? String(args[k]) : m)));

    const GO_SRC = 'https://github.com/golang/go/blob/go1.22.12/src/runtime/';

    function el(tag, attrs, ...children) {
        const e = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs || {})) {
            if (k === 'class') e.className = v;
            else if (k === 'text') e.textContent = v;
            else e.setAttribute(k, v);
        }
        for (const c of children) {
            if (c == null) continue;
            e.append(typeof c === 'string' ? document.createTextNode(c) : c);
        }
        return e;
    }

    function goLink(go) {
        const [file, line] = go.split(':');
        return el('a', { href: `${GO_SRC}${file}#L${line}`, class: 'bs-go' }, el('code', { text: go }));
    }

    function ourLink(step) {
        return el('a', { href: `${step.srcChapter}.html#in-our-runtime`, title: T('the code, in its chapter\'s In our runtime'), class: 'bs-src' }, el('code', { text: step.src }));
    }

    // One box of the figure: a title and its (field, value) rows; `key` is its name in
    // `changed` ("m0", "allp.3", ...).
    function box(key, title, fields, changed, extraClass, before) {
        const isNew = changed.has(key);
        const b = el('div', { class: `bs-box ${extraClass || ''}${isNew ? ' bs-new' : ''}`, 'data-box': key });
        b.append(el('div', { class: 'bs-title', text: title }));
        const t = el('table');
        for (const [name, value] of fields) {
            const hot = isNew || changed.has(`${key}.${name}`);
            const was = before && before[`${key}.${name}`];
            const row = el('tr', { class: hot ? 'bs-changed' : '', 'data-field': `${key}.${name}` },
                el('th', { text: name }),
                el('td', {}, value, was != null ? el('span', { class: 'bs-was', text: T(' (was {was})', { was }) }) : null));
            t.append(row);
        }
        b.append(t);
        return b;
    }

    function figure(step) {
        const s = step.state;
        const changed = new Set(step.changed);
        const fig = el('div', { class: 'bs-figure', role: 'figure', 'aria-label': T('The runtime\'s state after step {n}', { n: step.n }) });
        const top = el('div', { class: 'bs-row' });
        top.append(box('m0', T('m0 (the main thread)'), s.m0, changed, '', step.before));
        top.append(box('g0', T('g0 (m0\'s scheduling stack)'), s.g0, changed, '', step.before));
        top.append(box('sched', 'sched', s.sched, changed, '', step.before));
        top.append(box('runtime', 'runtime', s.runtime, changed, '', step.before));
        fig.append(top);
        const ps = el('div', { class: 'bs-row bs-allp' });
        ps.append(el('div', { class: 'bs-label', text: s.allp.length ? T('allp ({n} Ps)', { n: s.allp.length }) : T('allp: empty (procresize makes the Ps)') }));
        for (const p of s.allp) ps.append(box(`allp.${p.id}`, `P${p.id}`, p.fields, changed, 'bs-p', step.before));
        fig.append(ps);
        const gs = el('div', { class: 'bs-row bs-allgs' });
        gs.append(el('div', { class: 'bs-label', text: s.allgs.length ? T('allgs (new g)') : T('allgs: empty (newproc makes the main g)') }));
        for (const g of s.allgs) gs.append(box(`allgs.${g.goid}`, `g${g.goid}`, g.fields, changed, 'bs-g', step.before));
        fig.append(gs);
        return fig;
    }

    // The box a pointer value names: `P3` → allp.3, `g1`/`&g1` → allgs.1, `&g0` → g0,
    // `m0`/`&m0` → m0; null for anything else (nil, numbers).
    function target(value) {
        let m = /^P(\d+)$/.exec(value);
        if (m) return `allp.${m[1]}`;
        m = /^&?g(\d+)$/.exec(value);
        if (m) return m[1] === '0' ? 'g0' : `allgs.${m[1]}`;
        if (value === 'm0' || value === '&m0') return 'm0';
        return null;
    }

    // Arrows for the pointers the step changed (m0.p → P0, P0.runnext → g1, ...), drawn
    // over the figure once it is laid out, from the field's row to the box it points at.
    function drawArrows(fig, step) {
        fig.querySelector('svg.bs-arrows')?.remove();
        const base = fig.getBoundingClientRect();
        if (!base.width) return;
        const svgNS = 'http://www.w3.org/2000/svg';
        const svg = document.createElementNS(svgNS, 'svg');
        svg.setAttribute('class', 'bs-arrows');
        svg.setAttribute('width', base.width);
        svg.setAttribute('height', base.height);
        svg.setAttribute('aria-hidden', 'true');
        const id = `bs-head-${Math.random().toString(36).slice(2)}`;
        svg.innerHTML = `<defs><marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"></path></marker></defs>`;
        let n = 0;
        for (const key of step.changed) {
            const row = fig.querySelector(`tr[data-field="${CSS.escape(key)}"]`);
            if (!row) continue;
            const to = target(row.querySelector('td')?.firstChild?.textContent || '');
            const box = to && fig.querySelector(`.bs-box[data-box="${CSS.escape(to)}"]`);
            const from = row.closest('.bs-box');
            if (!box || box === from) continue;
            const a = row.getBoundingClientRect();
            const b = box.getBoundingClientRect();
            const x1 = a.right - base.left - 4;
            const y1 = a.top + a.height / 2 - base.top;
            // To the middle of the target box's nearest side (top if it is below, else left/right).
            let x2, y2;
            if (b.top - base.top > y1 + 10) { x2 = b.left + Math.min(30, b.width / 2) - base.left; y2 = b.top - base.top; }
            else if (b.bottom - base.top < y1 - 10) { x2 = b.left + Math.min(30, b.width / 2) - base.left; y2 = b.bottom - base.top; }
            else { x2 = (b.left > a.right ? b.left : b.right) - base.left; y2 = b.top + 12 - base.top; }
            const path = document.createElementNS(svgNS, 'path');
            const mx = (x1 + x2) / 2;
            path.setAttribute('d', `M${x1},${y1} C${Math.max(x1, mx) + 30},${y1} ${x2},${(y1 + y2) / 2} ${x2},${y2}`);
            path.setAttribute('marker-end', `url(#${id})`);
            svg.append(path);
            n++;
        }
        if (n) fig.append(svg);
    }

    // A stepper over `list` (steps of BOOT_STEPS) in `root`. opts.full: the page's stepper
    // (keyboard, the address's #step-N / #at-CHAPTER, the jump menu); otherwise a chapter's
    // small one (buttons, and a link to the full stepper at the step shown).
    function stepper(root, list, opts) {
        const chapters = window.BOOT_STEP_CHAPTERS || [];
        const total = window.BOOT_STEPS.length;
        let at = 0;

        const prev = el('button', { type: 'button', class: 'bs-prev', 'aria-label': T('Previous step') }, T('◀ Prev'));
        const next = el('button', { type: 'button', class: 'bs-next', 'aria-label': T('Next step') }, T('Next ▶'));
        const counter = el('span', { class: 'bs-counter', 'aria-live': 'polite' });
        const controls = el('div', { class: 'bs-controls' }, prev, counter, next);
        let jump = null;
        let open = null;
        if (opts.full) {
            jump = el('select', { class: 'bs-jump', 'aria-label': T('Jump to a chapter\'s point') });
            jump.append(el('option', { value: '', text: T('Jump to a chapter\'s point…') }));
            for (const c of chapters) {
                jump.append(el('option', { value: String(c.step), text: T('{title} (step {n})', { title: T(c.title), n: c.step }) }));
            }
            controls.append(jump);
        } else {
            open = el('a', { class: 'bs-open' }, T('open in the full stepper'));
            controls.append(open);
        }
        const event = el('div', { class: 'bs-event' });
        const fig = el('div', { class: 'bs-figure-wrap' });
        const legend = el('p', { class: 'bs-legend' });
        const live = el('div', { class: 'bs-live' }, controls, event, fig, legend);
        if (opts.full) root.replaceChildren(live);
        else root.append(live);

        function show(i, quiet) {
            at = Math.max(0, Math.min(list.length - 1, i));
            const st = list[at];
            counter.textContent = T('Step {n} of {total}', { n: st.n, total });
            prev.disabled = at === 0;
            next.disabled = at === list.length - 1;
            const ch = chapters.find((c) => c.name === st.chapter);
            const stops = chapters.filter((c) => c.step === st.n);
            event.replaceChildren(
                el('div', { class: 'bs-where' },
                    el('code', { class: 'bs-name', text: st.where }),
                    T(' · chapter '), el('a', { href: `${st.chapter}.html` }, ch ? T(ch.title) : st.chapter),
                    stops.length ? el('span', { class: 'bs-point' }, (stops.length > 1 ? T(' · {names} stop here', { names: stops.map((c) => T(c.title)).join(T(', ')) }) : T(' · {names} stops here', { names: T(stops[0].title) }))) : null),
                el('div', { class: 'bs-trace' }, el('code', { text: `boot: ${st.where}: ${st.trace}` })),
                el('div', { class: 'bs-links' }, T('Go 1.22: '), goLink(st.go), T(' · ours: '), ourLink(st)),
            );
            fig.replaceChildren(figure(st));
            const f = fig.firstChild;
            requestAnimationFrame(() => drawArrows(f, st));
            const n = st.changed.length;
            legend.textContent = st.n === 1
                ? T('The first step: the state as rt0_go starts. In the steps after it, what the step changed is highlighted.')
                : n === 0 ? T('This step changed none of the fields drawn here.')
                    : (n > 1 ? T('Highlighted: what this step changed ({n} fields or new boxes).', { n }) : T('Highlighted: what this step changed ({n} field or new box).', { n }));
            if (jump) {
                const point = chapters.find((c) => c.step === st.n);
                jump.value = point ? String(point.step) : '';
            }
            if (open) open.setAttribute('href', `boot-stepper.html#step-${st.n}`);
            if (opts.full && !quiet && history.replaceState) history.replaceState(null, '', `#step-${st.n}`);
        }

        window.addEventListener('resize', () => drawArrows(fig.firstChild, list[at]));
        prev.addEventListener('click', () => show(at - 1));
        next.addEventListener('click', () => show(at + 1));
        if (!opts.full) {
            const i = list.findIndex((s) => s.n === opts.start);
            show(i >= 0 ? i : list.length - 1, true);
            return;
        }
        jump.addEventListener('change', () => { if (jump.value) show(Number(jump.value) - 1); });
        // mdBook turns the page on ArrowLeft/ArrowRight: on this page they step instead
        // (window, capturing: before mdBook's own listener on document).
        window.addEventListener('keydown', (e) => {
            if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
            const t = e.target;
            if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
            if (e.key === 'ArrowRight') show(at + 1);
            else if (e.key === 'ArrowLeft') show(at - 1);
            else return;
            e.preventDefault();
            e.stopPropagation();
        }, true);
        function fromHash() {
            const h = decodeURIComponent(location.hash.slice(1));
            let m = /^step-(\d+)$/.exec(h);
            if (m) return Number(m[1]) - 1;
            m = /^at-(.+)$/.exec(h);
            if (m) {
                const c = chapters.find((c) => c.name === m[1]);
                if (c) return c.step - 1;
            }
            return null;
        }
        window.addEventListener('hashchange', () => {
            const i = fromHash();
            if (i != null) { show(i, true); root.scrollIntoView({ block: 'start' }); }
        });
        const i = fromHash();
        show(i == null ? 0 : i, true);
        // Opened at a step (a chapter's link): show the stepper, not the list's entry.
        if (i != null) requestAnimationFrame(() => root.scrollIntoView({ block: 'start' }));
    }

    function init() {
        const steps = window.BOOT_STEPS;
        const root = document.getElementById('boot-stepper');
        const minis = document.querySelectorAll('.boot-stepper-mini[data-chapter]');
        if (!root && minis.length === 0) return;
        if (!Array.isArray(steps) || steps.length === 0) {
            if (root) root.append(el('p', { text: T('The boot steps (generated/boot-steps.js) did not load: the list below has every step.') }));
            return;
        }
        if (root) stepper(root, steps, { full: true });
        // A chapter's small stepper: the steps it explains, or (a chapter with none of its
        // own: gogo, whose switch happens between two traced steps) the step where its
        // program stops and the one after it. It opens at the chapter's point.
        for (const m of minis) {
            const name = m.getAttribute('data-chapter');
            let list = steps.filter((s) => s.chapter === name);
            const c = (window.BOOT_STEP_CHAPTERS || []).find((c) => c.name === name);
            if (list.length === 0 && c) list = steps.slice(c.step - 1, c.step + 1);
            if (list.length) stepper(m, list, { full: false, start: c ? c.step : null });
        }
    }
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
})();
