// The scientist picker's filter box: hides the options that do not match what is typed (name,
// pinyin or dates), keeping chosen ones in view. Without script the plain select is used.
(function () {
    "use strict";
    function normalise(text) {
        return text.toLowerCase().replace(/\s+/g, "");
    }
    function wire(box) {
        var select = document.getElementById(box.getAttribute("data-filter-for"));
        if (!select) {
            return;
        }
        box.hidden = false;
        box.addEventListener("input", function () {
            var wanted = normalise(box.value);
            Array.prototype.forEach.call(select.options, function (option) {
                var match = !wanted || normalise(option.text).indexOf(wanted) !== -1;
                option.hidden = !(match || option.selected);
            });
        });
    }
    document.addEventListener("DOMContentLoaded", function () {
        Array.prototype.forEach.call(document.querySelectorAll("[data-filter-for]"), wire);
    });
})();
