// Live stock on a product page: keeps each store's line up to date over a websocket.
// Without this script the page still shows the stock as of its loading.
(function () {
  "use strict";

  var list = document.getElementById("stock-lines");
  if (!list || !("WebSocket" in window)) {
    return;
  }
  var path = list.getAttribute("data-stock-socket");
  var inStockTemplate = list.getAttribute("data-in-stock-template");
  var outOfStockTemplate = list.getAttribute("data-out-of-stock-template");
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var url = scheme + window.location.host + path;

  var MIN_DELAY = 1000;
  var MAX_DELAY = 30000;
  var delay = MIN_DELAY;
  var timer = null;

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
    });
  }

  function connect() {
    timer = null;
    var socket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      scheduleReconnect();
      return;
    }
    socket.addEventListener("open", function () {
      delay = MIN_DELAY;
      // Lets styles, and the browser tests, know the lines are now live.
      list.dataset.live = "open";
    });
    socket.addEventListener("message", function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message && message.type === "stock" && Array.isArray(message.stock)) {
        update(message.stock);
      }
    });
    socket.addEventListener("close", function () {
      list.dataset.live = "closed";
      scheduleReconnect();
    });
  }

  // Exponential backoff with jitter, so a restarted server is not hit by every
  // open page in the same second.
  function scheduleReconnect() {
    if (timer !== null) {
      return;
    }
    var wait = delay / 2 + Math.random() * (delay / 2);
    delay = Math.min(delay * 2, MAX_DELAY);
    timer = window.setTimeout(connect, wait);
  }

  connect();
})();
