// Live stock on a product page: keeps each store's line up to date over a websocket
// (live-socket.js, loaded before). Without it the page shows the stock as of its
// loading.
(function () {
  "use strict";

  var list = document.getElementById("stock-lines");
  if (!list || !window.Comptoir || !window.Comptoir.liveSocket) {
    return;
  }
  var inStockTemplate = list.getAttribute("data-in-stock-template");
  var outOfStockTemplate = list.getAttribute("data-out-of-stock-template");

  // Same sentences as the server renders, from the same translated strings.
  function fill(template, values) {
    return template.replace(/\{(store|quantity)\}/g, function (hole, name) {
      return String(values[name]);
    });
  }

  function update(lines) {
    lines.forEach(function (line) {
      var item = list.querySelector('[data-store="' + CSS.escape(line.store) + '"]');
      if (!item) {
        return; // A store opened since the page loaded: shown on the next visit.
      }
      var quantity = parseInt(line.quantity, 10) || 0;
      var text = item.querySelector("[data-stock-text]");
      var template = quantity > 0 ? inStockTemplate : outOfStockTemplate;
      text.textContent = fill(template, { store: line.store_name, quantity: quantity });
      item.classList.toggle("in-stock", quantity > 0);
      item.classList.toggle("out-of-stock", quantity <= 0);
      // "Reserve here" and the like make sense only while units are free.
      item.querySelectorAll("[data-stock-action]").forEach(function (action) {
        action.hidden = quantity <= 0;
      });
    });
  }

  window.Comptoir.liveSocket(list.getAttribute("data-stock-socket"), {
    onOpen: function () {
      // Lets styles, and the browser tests, know the lines are now live.
      list.dataset.live = "open";
    },
    onMessage: function (message) {
      if (message.type === "stock" && Array.isArray(message.stock)) {
        update(message.stock);
      }
    },
    onClose: function () {
      list.dataset.live = "closed";
    },
  });
})();
