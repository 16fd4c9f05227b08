// Live unread count in the header: follows the member's notifications over a
// websocket. Without this script the header shows the count as of the page load.
(function () {
  "use strict";

  var count = document.getElementById("notification-count");
  var link = document.getElementById("notification-link");
  if (!count || !link || !("WebSocket" in window)) {
    return;
  }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var url = scheme + window.location.host + count.getAttribute("data-socket");

  var MIN_DELAY = 1000;
  var MAX_DELAY = 30000;
  var delay = MIN_DELAY;
  var timer = null;

  function update(unread) {
    count.textContent = String(unread);
    count.dataset.unread = String(unread);
    link.classList.toggle("has-unread", unread > 0);
    // Same sentence as the server renders, from the same translated strings.
    var template = link.getAttribute(unread === 1 ? "data-label-one" : "data-label-other");
    if (template) {
      link.setAttribute("aria-label", template.replace("{n}", String(unread)));
    }
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
      // Lets styles, and the browser tests, know the count is now live.
      count.dataset.live = "open";
    });
    socket.addEventListener("message", function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message && message.type === "count") {
        var unread = parseInt(message.unread, 10);
        if (!isNaN(unread) && unread >= 0) {
          update(unread);
        }
      }
    });
    socket.addEventListener("close", function () {
      count.dataset.live = "closed";
      // A refused handshake (signed out in another tab) is not worth retrying
      // quickly; the backoff still tries again in case it was a restart.
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
