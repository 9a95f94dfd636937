// Card payment on the order preview: Stripe.js mounts a card field and confirms the
// PaymentIntent (3-D Secure included); then "Place order" posts the intent id for the
// server to verify. Without Stripe.js (offline, blocked) the page says so and places nothing.
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("card-payment");
    var form = document.getElementById("place_order_form");
    if (!box || !form) {
      return;
    }
    var button = document.getElementById("place-order");
    var errors = document.getElementById("card-errors");
    var field = form.querySelector("input[name=payment_intent]");
    // Oscar's ui.js swaps the button's label for "Submitting..." and disables it on click.
    var label = button ? button.innerHTML : "";
    function buttonReady() {
      if (button) {
        button.innerHTML = label;
        button.classList.remove("disabled");
        button.disabled = false;
      }
    }
    if (box.dataset.paid === "1") {
      // Stripe already took this payment (the earlier "Place order" never arrived):
      // placing the order uses it, no card is asked for.
      field.value = box.dataset.intentId;
      return;
    }
    function unavailable() {
      document.getElementById("card-unavailable").hidden = false;
      if (button) {
        button.disabled = true;
      }
    }
    if (typeof window.Stripe !== "function" || !box.dataset.clientSecret) {
      unavailable();
      return;
    }
    var stripe;
    var card;
    try {
      // Stripe.js words its messages (declines, ...) in the page's language.
      var language = (document.documentElement.lang || "auto").split("-")[0];
      stripe = window.Stripe(box.dataset.publishableKey, { locale: language });
      card = stripe.elements().create("card");
      card.mount("#card-element");
    } catch (e) {
      unavailable();
      return;
    }
    var confirming = false;
    form.addEventListener("submit", function (event) {
      if (field.value) {
        return; // confirmed: let the form go
      }
      event.preventDefault();
      if (confirming) {
        return; // a second click while Stripe works: one charge only
      }
      confirming = true;
      if (button) {
        button.disabled = true;
      }
      errors.textContent = "";
      stripe
        .confirmCardPayment(box.dataset.clientSecret, { payment_method: { card: card } })
        .then(function (result) {
          if (result.error) {
            errors.textContent = result.error.message;
            confirming = false;
            buttonReady();
            return;
          }
          field.value = result.paymentIntent.id;
          form.submit();
        })
        .catch(function () {
          unavailable();
        });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
