// Live count of the moderation queue: updates the "Moderation (n)" menu item and
// any [data-moderation-count-live] element on the page. Without the socket the
// count shown is the one of the last page load.
(function () {
  "use strict";
  var script = document.currentScript;
  var socketPath = (script && script.dataset.socketPath) || "/ws/moderation/queue/";
  var countPattern = /\(\d+\)\s*$/;
  var lastCount = null;

  function menuLinks() {
    return document.querySelectorAll('a[data-moderation-menu], a[href$="/admin/moderation/"]');
  }

  function render(count) {
    menuLinks().forEach(function (link) {
      link.setAttribute("data-moderation-count", String(count));
      var label = link.querySelector(".menuitem-label");
      if (label && countPattern.test(label.textContent)) {
        label.textContent = label.textContent.replace(countPattern, "(" + count + ")");
      }
    });
    document.querySelectorAll("[data-moderation-count-live]").forEach(function (el) {
      el.textContent = String(count);
    });
  }

  function connect() {
    // The reconnecting socket is comptoir/js/live-socket.js, loaded before.
    if (!window.Comptoir || !window.Comptoir.liveSocket) return;
    window.Comptoir.liveSocket(socketPath, {
      onMessage: function (data) {
        if (data.type === "queue.count" && typeof data.count === "number") {
          lastCount = data.count;
          render(lastCount);
        }
      },
      // 4403 and a first refusal mean "not a moderator": do not keep knocking.
      retry: function (event, wasOpen) {
        return event.code !== 4403 && wasOpen;
      },
    });
  }

  function start() {
    // Only moderators see the menu item or the queue page.
    if (!document.querySelector("[data-moderation-count-live]") && !menuLinks().length) {
      return false;
    }
    connect();
    // The sidebar is redrawn by its own script (e.g. when collapsed): keep the
    // latest count on it.
    var sidebar = document.getElementById("wagtail-sidebar");
    if (sidebar && window.MutationObserver) {
      new MutationObserver(function () {
        if (lastCount !== null) {
          var link = menuLinks()[0];
          if (link && link.getAttribute("data-moderation-count") !== String(lastCount)) {
            render(lastCount);
          }
        }
      }).observe(sidebar, { childList: true, subtree: true });
    }
    return true;
  }

  function init(attempt) {
    // The sidebar renders after this script runs; look again a few times.
    if (start() || attempt > 20) return;
    window.setTimeout(function () { init(attempt + 1); }, 250);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(0); });
  } else {
    init(0);
  }
})();
