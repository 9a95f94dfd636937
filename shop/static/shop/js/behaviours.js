/* Behaviours that templates declare with data attributes.
 *
 * The Content-Security-Policy allows no inline event handlers (onclick=, onchange=), so
 * templates say what they need and this file, served from our origin, does it:
 *   data-action="history-back"  a "cancel" link goes back one page
 *   data-action="print"         prints the page
 *   data-autosubmit             a select (or input) submits its form when it changes
 */
(function () {
    "use strict";
    document.addEventListener("click", function (event) {
        var element = event.target.closest("[data-action]");
        if (!element) {
            return;
        }
        var action = element.getAttribute("data-action");
        if (action === "history-back") {
            event.preventDefault();
            window.history.back();
        } else if (action === "print") {
            event.preventDefault();
            window.print();
        }
    });
    document.addEventListener("change", function (event) {
        var element = event.target.closest("[data-autosubmit]");
        if (element && element.form) {
            element.form.submit();
        }
    });
})();
