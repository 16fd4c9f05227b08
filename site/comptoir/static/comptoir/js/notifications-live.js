// Live unread count in the header: follows the member's notifications over a
// websocket (live-socket.js, loaded before). Without it the header shows the count
// as of the page load.
(function () {
  "use strict";

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

  window.Comptoir.liveSocket(count.getAttribute("data-socket"), {
    onOpen: function () {
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
      count.dataset.live = "closed";
    },
  });
})();
