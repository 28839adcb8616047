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

/*
 * The search's permalink: "Copy link" puts it on the clipboard and says so. Without this script
 * (or a clipboard) the read-only field can be selected and copied by hand.
 */
(function () {
    "use strict";

    var button = document.querySelector("[data-copy-target]");
    var field = button && document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.querySelector("[data-copy-status]");
    if (!button || !field) {
        return;
    }
    function said() {
        if (status) {
            status.textContent = status.getAttribute("data-copied");
        }
    }
    button.addEventListener("click", function () {
        field.select();
        if (navigator.clipboard && navigator.clipboard.writeText) {
            navigator.clipboard.writeText(field.value).then(said, function () {
                document.execCommand("copy");
                said();
            });
        } else {
            document.execCommand("copy");
            said();
        }
    });
})();
