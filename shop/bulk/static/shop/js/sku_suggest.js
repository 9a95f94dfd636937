/* The basket's "Add by SKU" row: suggest SKUs, the company's part numbers and names as the buyer types. */
(function () {
    var input = document.getElementById("id_entry_sku");
    var list = document.getElementById("sku-suggestions");
    if (!input || !list) { return; }
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
        var query = input.value.trim();
        if (query.length < 2 || query === last) { return; }
        clearTimeout(timer);
        timer = setTimeout(function () {
            last = query;
            fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(query), {
                headers: {"Accept": "application/json"}, credentials: "same-origin"
            }).then(function (response) {
                return response.ok ? response.json() : {results: []};
            }).then(function (data) {
                list.innerHTML = "";
                data.results.forEach(function (item) {
                    var option = document.createElement("option");
                    option.value = item.sku;
                    // The company's own part number, when the match came from it, beside our SKU.
                    option.label = item.sku + (item.part_number ? " (" + item.part_number + ")" : "") + " · " + item.title;
                    option.textContent = item.title;
                    list.appendChild(option);
                });
            }).catch(function () { /* suggestions are a convenience: typing a SKU still works */ });
        }, 150);
    });
}());
