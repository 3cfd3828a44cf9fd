// A link to an element inside a closed <details> (an exercise in a chapter's collapsed
// exercises block, a solution) opens the blocks around it first, then scrolls to it.
(function () {
    function reveal() {
        var id = decodeURIComponent(location.hash.slice(1));
        var el = id && document.getElementById(id);
        if (!el) return;
        var opened = false;
        for (var d = el.parentElement; d; d = d.parentElement) {
            if (d.tagName === "DETAILS" && !d.open) { d.open = true; opened = true; }
        }
        if (opened) el.scrollIntoView();
    }
    window.addEventListener("hashchange", reveal);
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", reveal);
    else reveal();
})();
