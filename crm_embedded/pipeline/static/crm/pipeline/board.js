/* Pipeline board: drag a card onto another open stage's column to move it there.
 *
 * The buttons on every card stay the way to move without a mouse (and without this file):
 * a drop only builds the same POST the buttons send (stage=<id>, next=<this page>) and
 * submits it, so the server's rules and messages apply unchanged. Served from our origin:
 * the Content-Security-Policy allows no inline script.
 */
(function () {
    "use strict";
    var board = document.getElementById("pipeline-board");
    if (!board) {
        return;
    }
    var dragged = null;

    board.addEventListener("dragstart", function (event) {
        var card = event.target.closest("[data-move-url]");
        if (!card) {
            return;
        }
        dragged = card;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", card.id);
        card.style.opacity = "0.5";
    });

    board.addEventListener("dragend", function () {
        if (dragged) {
            dragged.style.opacity = "";
        }
        dragged = null;
        board.querySelectorAll(".pipeline-column.border-primary").forEach(function (column) {
            column.classList.remove("border-primary");
        });
    });

    board.addEventListener("dragover", function (event) {
        var column = event.target.closest(".pipeline-column");
        if (!dragged || !column) {
            return;
        }
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        column.classList.add("border-primary");
    });

    board.addEventListener("dragleave", function (event) {
        var column = event.target.closest(".pipeline-column");
        if (column && !column.contains(event.relatedTarget)) {
            column.classList.remove("border-primary");
        }
    });

    board.addEventListener("drop", function (event) {
        var column = event.target.closest(".pipeline-column");
        if (!dragged || !column) {
            return;
        }
        event.preventDefault();
        if (column.getAttribute("data-stage") === dragged.getAttribute("data-stage")) {
            return;
        }
        var token = dragged.querySelector("input[name=csrfmiddlewaretoken]");
        var form = document.createElement("form");
        form.method = "post";
        form.action = dragged.getAttribute("data-move-url");
        [["csrfmiddlewaretoken", token ? token.value : ""],
         ["stage", column.getAttribute("data-stage")],
         ["next", window.location.pathname + window.location.search]].forEach(function (pair) {
            var input = document.createElement("input");
            input.type = "hidden";
            input.name = pair[0];
            input.value = pair[1];
            form.appendChild(input);
        });
        document.body.appendChild(form);
        form.submit();
    });
})();
