/* Oscar's dashboard order page, as Oscar 4.2 ships it.
 *
 * Its template (oscar/dashboard/orders/order_detail.html) ends with
 * oscar.dashboard.orders.initTable(), which Oscar 4.2's dashboard.js no longer defines: the
 * call threw "initTable is not a function" on every order and stopped the page's remaining
 * start-up script. Loaded after dashboard.js, this file supplies it: a "select all lines"
 * checkbox in the first header cell of the ordered items' table, as earlier Oscars had.
 * Its label comes from this script tag's data-select-all-label (translated in the template).
 */
(function () {
    "use strict";
    var script = document.currentScript;
    var label = (script && script.getAttribute("data-select-all-label")) || "Select all lines";
    var dashboard = window.oscar && window.oscar.dashboard;
    if (!dashboard) {
        return;
    }
    dashboard.orders = dashboard.orders || {};
    if (typeof dashboard.orders.initTable === "function") {
        return; // a later Oscar brings its own again
    }
    dashboard.orders.initTable = function () {
        var table = document.querySelector("#order_lines_form table");
        var cell = table && table.querySelector("thead th");
        if (!cell || cell.querySelector("input")) {
            return;
        }
        var all = document.createElement("input");
        all.type = "checkbox";
        all.id = "select_all_lines";
        all.title = label;
        all.setAttribute("aria-label", label);
        cell.appendChild(all);
        all.addEventListener("change", function () {
            table.querySelectorAll('tbody input[name="selected_line"]').forEach(function (box) {
                box.checked = all.checked;
            });
        });
    };
})();
