/* Suggestions under the header search box (ARIA 1.2 combobox with a listbox popup).
 *
 * The template marks the box up: an input with data-autocomplete-url and aria-controls (the
 * listbox's id), and data attributes with the translated texts. This file, served from our
 * origin (the Content-Security-Policy allows no inline script), asks the JSON endpoint
 * (shop.search.views_autocomplete) 150 ms after the last keystroke and shows SKU, title and
 * the company's own part number. Keyboard: ArrowDown/ArrowUp move through the suggestions,
 * Enter opens the highlighted product (or searches when none is), Escape closes the list.
 */
(function () {
    "use strict";

    var DEBOUNCE_MS = 150;
    var MIN_LENGTH = 2;

    function typed(input) {
        return input.value.replace(/\s+/g, " ").trim();
    }

    function setUp(input) {
        var url = input.getAttribute("data-autocomplete-url");
        var listbox = document.getElementById(input.getAttribute("aria-controls") || "");
        var status = document.getElementById(input.getAttribute("data-autocomplete-status") || "");
        if (!url || !listbox) {
            return;
        }
        var countText = input.getAttribute("data-autocomplete-count") || "%(count)s";
        var noneText = input.getAttribute("data-autocomplete-none") || "";
        var partLabel = input.getAttribute("data-autocomplete-part-label") || "";
        var timer = null;
        var controller = null;
        var answers = {}; // query -> results, so that typing back and forth asks once
        var items = [];
        var active = -1;

        function say(text) {
            if (status) {
                status.textContent = text;
            }
        }

        function isOpen() {
            return listbox.classList.contains("show");
        }

        function close() {
            listbox.classList.remove("show");
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
            active = -1;
        }

        function open() {
            if (items.length) {
                listbox.classList.add("show");
                input.setAttribute("aria-expanded", "true");
            }
        }

        function highlight(index) {
            var options = listbox.querySelectorAll("[role=option]");
            active = index;
            for (var i = 0; i < options.length; i += 1) {
                var on = i === index;
                options[i].setAttribute("aria-selected", on ? "true" : "false");
                options[i].classList.toggle("active", on);
                if (on) {
                    input.setAttribute("aria-activedescendant", options[i].id);
                    options[i].scrollIntoView({block: "nearest"});
                }
            }
            if (index < 0) {
                input.removeAttribute("aria-activedescendant");
            }
        }

        function openProduct(index) {
            var item = items[index];
            if (item && item.url) {
                close();
                window.location.assign(item.url);
            }
        }

        function part(text, className) {
            var span = document.createElement("span");
            span.className = className;
            span.textContent = text; // text, never HTML: titles and part numbers are data
            return span;
        }

        function render(results, query) {
            items = results;
            active = -1;
            listbox.textContent = "";
            results.forEach(function (result, index) {
                var option = document.createElement("li");
                option.id = listbox.id + "-" + index;
                option.className = "dropdown-item search-suggestion text-wrap";
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", "false");
                option.appendChild(part(result.sku, "text-monospace small mr-2 suggestion-sku"));
                option.appendChild(part(result.title, "suggestion-title"));
                if (result.part_number) {
                    option.appendChild(
                        part(partLabel + " " + result.part_number, "badge badge-info ml-2 suggestion-part-number")
                    );
                }
                // mousedown, not click: the box would lose focus (and close the list) first.
                option.addEventListener("mousedown", function (event) {
                    event.preventDefault();
                    openProduct(index);
                });
                option.addEventListener("mousemove", function () {
                    if (active !== index) {
                        highlight(index);
                    }
                });
                listbox.appendChild(option);
            });
            if (results.length) {
                open();
                say(countText.replace("%(count)s", String(results.length)));
            } else {
                close();
                say(query.length >= MIN_LENGTH ? noneText : "");
            }
        }

        function ask(query) {
            if (Object.prototype.hasOwnProperty.call(answers, query)) {
                render(answers[query], query);
                return;
            }
            if (controller) {
                controller.abort();
            }
            controller = typeof AbortController === "function" ? new AbortController() : null;
            fetch(url + "?q=" + encodeURIComponent(query), {
                credentials: "same-origin",
                headers: {Accept: "application/json"},
                signal: controller ? controller.signal : undefined
            })
                .then(function (response) {
                    return response.ok ? response.json() : {results: []};
                })
                .then(function (data) {
                    answers[query] = Array.isArray(data.results) ? data.results : [];
                    if (typed(input) === query) {
                        // An answer to what was typed earlier never replaces the current one.
                        render(answers[query], query);
                    }
                })
                .catch(function () {
                    // Aborted for a newer query, or offline: the box still searches on Enter.
                });
        }

        input.addEventListener("input", function () {
            var query = typed(input);
            window.clearTimeout(timer);
            if (query.length < MIN_LENGTH) {
                if (controller) {
                    controller.abort();
                }
                render([], query);
                return;
            }
            timer = window.setTimeout(function () {
                ask(query);
            }, DEBOUNCE_MS);
        });

        input.addEventListener("keydown", function (event) {
            var count = items.length;
            if (event.key === "ArrowDown" || event.key === "Down") {
                if (!count) {
                    return;
                }
                event.preventDefault();
                if (!isOpen()) {
                    open();
                }
                highlight(active + 1 >= count ? 0 : active + 1);
            } else if (event.key === "ArrowUp" || event.key === "Up") {
                if (!count || !isOpen()) {
                    return;
                }
                event.preventDefault();
                highlight(active <= 0 ? count - 1 : active - 1);
            } else if (event.key === "Enter") {
                if (isOpen() && active >= 0) {
                    event.preventDefault();
                    openProduct(active);
                }
            } else if (event.key === "Escape" || event.key === "Esc") {
                if (isOpen()) {
                    event.preventDefault(); // a search box would also clear what was typed
                    close();
                }
            }
        });

        input.addEventListener("blur", close);
        input.addEventListener("focus", function () {
            if (items.length && typed(input).length >= MIN_LENGTH) {
                open();
            }
        });
    }

    function start() {
        var inputs = document.querySelectorAll("input[data-autocomplete-url]");
        for (var i = 0; i < inputs.length; i += 1) {
            setUp(inputs[i]);
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
