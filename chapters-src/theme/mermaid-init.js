// This Source Code Form is subject to the terms of the Mozilla Public
// License, v. 2.0. If a copy of the MPL was not distributed with this
// file, You can obtain one at https://mozilla.org/MPL/2.0/.

(() => {
    const darkThemes = ['ayu', 'navy', 'coal'];
    const lightThemes = ['light', 'rust'];

    const classList = document.getElementsByTagName('html')[0].classList;

    let lastThemeWasLight = true;
    for (const cssClass of classList) {
        if (darkThemes.includes(cssClass)) {
            lastThemeWasLight = false;
            break;
        }
    }

    const theme = lastThemeWasLight ? 'default' : 'dark';
    // The book's figures (<figure class="book-figure">) hold mermaid's source and, for print
    // and readers without JavaScript, an <img> of its SVG rendering: with JavaScript, mermaid
    // draws the figure and book.css hides the <img> (html.figures-js); a figure mermaid cannot
    // draw gets .mermaid-failed, which shows its <img> again.
    document.documentElement.classList.add('figures-js');
    mermaid.initialize({ startOnLoad: false, theme });
    const drawn = () => {
        for (const fig of document.querySelectorAll('figure.book-figure')) {
            const pre = fig.querySelector('pre.mermaid');
            if (!pre || !pre.querySelector('svg') || pre.querySelector('svg[aria-roledescription="error"]')) {
                fig.classList.add('mermaid-failed');
            }
        }
    };
    const run = () => mermaid.run({ querySelector: '.mermaid' }).then(drawn, (e) => {
        console.warn('mermaid:', e);
        drawn();
    });
    if (document.readyState === 'complete') run();
    else window.addEventListener('load', run);

    // Simplest way to make mermaid re-render the diagrams in the new theme is via refreshing the page

    for (const darkTheme of darkThemes) {
        document.getElementById('mdbook-theme-' + darkTheme).addEventListener('click', () => {
            if (lastThemeWasLight) {
                window.location.reload();
            }
        });
    }

    for (const lightTheme of lightThemes) {
        document.getElementById('mdbook-theme-' + lightTheme).addEventListener('click', () => {
            if (!lastThemeWasLight) {
                window.location.reload();
            }
        });
    }
})();
