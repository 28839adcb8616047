/*
 * Suggestions under every search box marked data-autocomplete (the header's and the search
 * page's): an ARIA 1.2 combobox with a listbox popup. Typing asks /api/search/autocomplete/
 * (debounced, never for an empty box); Up/Down move through the suggestions, Enter chooses one
 * and searches for it, Escape closes the list (a second Escape clears the box). Without this
 * script the box is a plain search form. Loaded from a file: the CSP allows no inline script.
 */
(function () {
    "use strict";

    var DELAY_MS = 180;
    var LIMIT = 8;

    function setUp(input, index) {
        var url = input.getAttribute("data-autocomplete");
        if (!url) {
            return;
        }
        var kinds = {};
        try {
            kinds = JSON.parse(input.getAttribute("data-autocomplete-kinds") || "{}");
        } catch (error) {
            kinds = {};
        }
        var listId = (input.id || "search-box-" + index) + "-suggestions";
        var list = document.createElement("ul");
        list.id = listId;
        list.className = "autocomplete__list";
        list.setAttribute("role", "listbox");
        list.setAttribute("aria-label", input.getAttribute("data-autocomplete-label") || "");
        list.hidden = true;
        var status = document.createElement("span");
        status.className = "visually-hidden";
        status.setAttribute("role", "status");
        input.insertAdjacentElement("afterend", list);
        list.insertAdjacentElement("afterend", status);
        input.parentElement.classList.add("autocomplete");

        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", listId);
        input.setAttribute("autocomplete", "off");

        var timer = 0;
        var pending = null;
        var active = -1;
        var options = [];
        var asked = "";

        function close() {
            list.hidden = true;
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
            active = -1;
        }

        function open() {
            if (options.length) {
                list.hidden = false;
                input.setAttribute("aria-expanded", "true");
            }
        }

        function highlight(next) {
            options.forEach(function (option, n) {
                option.setAttribute("aria-selected", n === next ? "true" : "false");
            });
            active = next;
            if (next < 0) {
                input.removeAttribute("aria-activedescendant");
                return;
            }
            input.setAttribute("aria-activedescendant", options[next].id);
            options[next].scrollIntoView({ block: "nearest" });
        }

        function choose(option) {
            input.value = option.getAttribute("data-value");
            close();
            var form = input.form;
            if (form) {
                if (form.requestSubmit) {
                    form.requestSubmit();
                } else {
                    form.submit();
                }
            }
        }

        function render(results) {
            list.textContent = "";
            options = results.map(function (result, n) {
                var option = document.createElement("li");
                option.id = listId + "-" + n;
                option.className = "autocomplete__option";
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", "false");
                option.setAttribute("data-value", result.text);
                var text = document.createElement("span");
                text.textContent = result.text;
                option.appendChild(text);
                if (kinds[result.kind]) {
                    var kind = document.createElement("span");
                    kind.className = "autocomplete__kind";
                    kind.textContent = kinds[result.kind];
                    option.appendChild(kind);
                }
                option.addEventListener("mousedown", function (event) {
                    event.preventDefault(); // keep the focus in the box
                });
                option.addEventListener("click", function () {
                    choose(option);
                });
                list.appendChild(option);
                return option;
            });
            active = -1;
            input.removeAttribute("aria-activedescendant");
            var template = input.getAttribute("data-autocomplete-count") || "";
            status.textContent = options.length ? template.replace("{count}", options.length) : "";
            if (options.length && document.activeElement === input) {
                open();
            } else {
                close();
            }
        }

        function ask() {
            var text = input.value.trim();
            if (!text) {
                asked = "";
                render([]);
                return;
            }
            if (text === asked) {
                open();
                return;
            }
            asked = text;
            if (pending) {
                pending.abort();
            }
            pending = new AbortController();
            var address = url + "?" + new URLSearchParams({ q: text, limit: String(LIMIT) });
            fetch(address, { signal: pending.signal, headers: { Accept: "application/json" } })
                .then(function (response) {
                    return response.ok ? response.json() : { results: [] };
                })
                .then(function (data) {
                    if (input.value.trim() === text) {
                        render(data.results || []);
                    }
                })
                .catch(function (error) {
                    if (error.name !== "AbortError") {
                        render([]);
                    }
                });
        }

        input.addEventListener("input", function () {
            window.clearTimeout(timer);
            if (!input.value.trim()) {
                asked = "";
                render([]);
                return;
            }
            timer = window.setTimeout(ask, DELAY_MS);
        });

        input.addEventListener("keydown", function (event) {
            var expanded = !list.hidden;
            if (event.key === "ArrowDown" || event.key === "ArrowUp") {
                if (!options.length) {
                    return;
                }
                event.preventDefault();
                if (!expanded) {
                    open();
                    highlight(event.key === "ArrowDown" ? 0 : options.length - 1);
                    return;
                }
                var step = event.key === "ArrowDown" ? 1 : -1;
                var next = active + step;
                if (next >= options.length) {
                    next = 0;
                } else if (next < 0) {
                    next = options.length - 1;
                }
                highlight(next);
            } else if (event.key === "Enter") {
                if (expanded && active >= 0) {
                    event.preventDefault();
                    choose(options[active]);
                }
            } else if (event.key === "Escape") {
                if (expanded) {
                    event.preventDefault();
                    close();
                } else if (input.value) {
                    event.preventDefault();
                    input.value = "";
                    asked = "";
                    render([]);
                }
            }
        });

        input.addEventListener("blur", function () {
            close();
        });
    }

    function start() {
        var boxes = document.querySelectorAll("input[data-autocomplete]");
        Array.prototype.forEach.call(boxes, setUp);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
