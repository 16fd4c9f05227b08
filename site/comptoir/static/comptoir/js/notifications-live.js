// Live unread count in the header: follows the member's notifications over a
// websocket (live-socket.js, loaded before). Without it the header shows the count
// as of the page load.
//
// The same socket tells the server the member is still looking at the site
// (community/notifications/presence.py): {"type": "presence"} every minute while
// the page is visible, and once when it becomes visible again, so members with
// the site open are not e-mailed what their pages already show.
(function () {
  "use strict";

  // Under half of presence's two-minute window: one lost message does not make
  // the member look offline.
  var PRESENCE_EVERY = 60000;

  var count = document.getElementById("notification-count");
  var link = document.getElementById("notification-link");
  if (!count || !link || !window.Comptoir || !window.Comptoir.liveSocket) {
    return;
  }

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

  var socket = null;
  var presenceTimer = null;

  function sayPresent() {
    if (
      socket &&
      socket.readyState === WebSocket.OPEN &&
      document.visibilityState === "visible"
    ) {
      socket.send(JSON.stringify({ type: "presence" }));
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      sayPresent();
    }
  });

  window.Comptoir.liveSocket(count.getAttribute("data-socket"), {
    onOpen: function (openSocket) {
      // The server marks the member present on connect; these keep it fresh.
      socket = openSocket || null;
      if (presenceTimer === null) {
        presenceTimer = window.setInterval(sayPresent, PRESENCE_EVERY);
      }
      // Lets styles, and the browser tests, know the count is now live.
      count.dataset.live = "open";
    },
    onMessage: function (message) {
      if (message.type === "count") {
        var unread = parseInt(message.unread, 10);
        if (!isNaN(unread) && unread >= 0) {
          update(unread);
        }
      }
    },
    // A refused handshake (signed out in another tab) is not worth retrying
    // quickly; the backoff still tries again in case it was a restart.
    onClose: function () {
      socket = null;
      if (presenceTimer !== null) {
        window.clearInterval(presenceTimer);
        presenceTimer = null;
      }
      count.dataset.live = "closed";
    },
  });
})();
