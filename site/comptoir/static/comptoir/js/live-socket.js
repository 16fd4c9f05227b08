// One websocket that reconnects by itself, shared by the live scripts of the site
// (stock-live.js, notifications-live.js) and of the admin (moderation's
// queue-count.js). A plain script, loaded before them: no build step.
//
//   Comptoir.liveSocket("/ws/notifications/", {
//     onOpen: function (socket) {},      // each time it is (re)connected
//     onMessage: function (message) {},  // each message, parsed from JSON
//     onClose: function (event) {},      // each time it closes
//     retry: function (event, wasOpen) { return true; },  // false: stay closed
//   });
//
// Messages that are not JSON are ignored. Without WebSocket support it does
// nothing and returns false: pages still show what they had when loaded.
//
// Sockets go to the page's own origin, unless the page says otherwise in
// <meta name="comptoir-live-socket" content="..."> (the LIVE_SOCKET_URL setting):
// ":8001" is the page's host on that port (Daphne beside gunicorn, no proxy),
// "wss://live.shop.example" another origin.
(function () {
  "use strict";

  var MIN_DELAY = 1000;
  var MAX_DELAY = 30000;

  function socketOrigin() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var meta = document.querySelector('meta[name="comptoir-live-socket"]');
    var base = meta ? (meta.getAttribute("content") || "").trim() : "";
    if (!base) {
      return scheme + window.location.host;
    }
    if (base.charAt(0) === ":") {
      return scheme + window.location.hostname + base;
    }
    return base.replace(/^http/, "ws").replace(/\/+$/, "");
  }

  function liveSocket(path, options) {
    if (!("WebSocket" in window)) {
      return false;
    }
    options = options || {};
    var url = socketOrigin() + path;
    var delay = MIN_DELAY;
    var timer = null;

    function connect() {
      timer = null;
      var socket;
      var wasOpen = false;
      try {
        socket = new WebSocket(url);
      } catch (error) {
        scheduleReconnect();
        return;
      }
      socket.addEventListener("open", function () {
        wasOpen = true;
        delay = MIN_DELAY;
        if (options.onOpen) {
          // The open WebSocket, for scripts that also talk to the server.
          options.onOpen(socket);
        }
      });
      socket.addEventListener("message", function (event) {
        var message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (options.onMessage && message) {
          options.onMessage(message);
        }
      });
      socket.addEventListener("close", function (event) {
        if (options.onClose) {
          options.onClose(event);
        }
        if (!options.retry || options.retry(event, wasOpen)) {
          scheduleReconnect();
        }
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
    return true;
  }

  window.Comptoir = window.Comptoir || {};
  window.Comptoir.liveSocket = liveSocket;
})();
