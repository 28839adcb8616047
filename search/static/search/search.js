/*
 * The search page's filter drawer (a <details>): open beside the results from 64em (1024 px)
 * wide, closed on narrower screens so the results come first. Once the visitor opens or closes
 * it themselves, a change of width leaves it as they chose. Without this script the drawer is
 * closed and opens on a tap like any <details>.
 */
(function () {
    "use strict";

    var drawer = document.querySelector("[data-search-drawer]");
    if (!drawer) {
        return;
    }
    var wide = window.matchMedia("(min-width: 64em)");
    var chosen = false;

    function fit() {
        if (!chosen) {
            drawer.open = wide.matches;
        }
    }

    var summary = drawer.querySelector("summary");
    if (summary) {
        summary.addEventListener("click", function () {
            chosen = true;
        });
    }
    if (wide.addEventListener) {
        wide.addEventListener("change", fit);
    }
    fit();
})();
