// Live discussion on an idea page (templates/ideas/includes/live_discussion.html).
// New published comments arrive over a websocket (live-socket.js, which base.html
// loads after the page's own scripts); they are kept aside and announced in a
// polite live region as a button, "3 new comments — show", that appends them at
// the end of the discussion. Nothing moves under the reader's eyes until they ask.
// Without JavaScript or a socket the page shows the comments as of its loading.
(function () {
  "use strict";

  // The handshake of a socket on an idea that is no longer public is refused:
  // after this many refusals in a row the page stops asking.
  var MAX_REFUSALS = 8;

  function start(box) {
    var comments = document.getElementById(box.getAttribute("data-comments"));
    var news = box.querySelector("[data-live-news]");
    if (!comments || !news) {
      return;
    }
    var waiting = []; // {id, html}, in the order they arrived
    var refusals = 0;
    var button = null;

    function label(count) {
      var template = box.getAttribute(
        count === 1 ? "data-label-one" : "data-label-other"
      );
      return template.replace("{n}", String(count));
    }

    function known(id) {
      if (document.getElementById("comment-" + id)) {
        return true; // already on the page (it was loaded with it)
      }
      return waiting.some(function (comment) {
        return comment.id === id;
      });
    }

    function announce() {
      if (!waiting.length) {
        news.textContent = "";
        button = null;
        return;
      }
      if (!button) {
        button = document.createElement("button");
        button.type = "button";
        button.className = "link-button live-discussion-show";
        button.addEventListener("click", show);
        news.appendChild(button);
      }
      button.textContent = label(waiting.length);
    }

    function show() {
      var first = null;
      waiting.forEach(function (comment) {
        if (document.getElementById("comment-" + comment.id)) {
          return;
        }
        var template = document.createElement("template");
        // HTML rendered and sanitised by the server (comment.html).
        template.innerHTML = comment.html.trim();
        var element = template.content.firstElementChild;
        if (!element) {
          return;
        }
        comments.appendChild(template.content);
        first = first || element;
      });
      waiting = [];
      // "No comment yet": marked data-comments-empty (the idea page's own class
      // too, so the include works with the page as it is).
      var empty = comments.querySelector("[data-comments-empty], .idea-no-comment");
      if (first && empty) {
        empty.remove();
      }
      announce();
      if (first) {
        // Keyboard and screen-reader users land on the first comment shown.
        first.setAttribute("tabindex", "-1");
        first.focus();
      }
    }

    window.Comptoir.liveSocket(box.getAttribute("data-live-discussion"), {
      onOpen: function () {
        refusals = 0;
        // Lets styles, and the browser tests, know the discussion is live.
        box.dataset.live = "open";
      },
      onMessage: function (message) {
        var id = parseInt(message.id, 10);
        if (message.type !== "comment" || !id || typeof message.html !== "string") {
          return;
        }
        if (!known(id)) {
          waiting.push({ id: id, html: message.html });
          announce();
        }
      },
      onClose: function () {
        box.dataset.live = "closed";
      },
      retry: function (event, wasOpen) {
        refusals = wasOpen ? 0 : refusals + 1;
        return refusals < MAX_REFUSALS;
      },
    });
  }

  function startAll() {
    if (!window.Comptoir || !window.Comptoir.liveSocket) {
      return;
    }
    document.querySelectorAll("[data-live-discussion]").forEach(start);
  }

  // Deferred scripts run in page order, so live-socket.js, at the end of the
  // page, may not have run yet; both have when DOMContentLoaded fires.
  if (window.Comptoir && window.Comptoir.liveSocket) {
    startAll();
  } else {
    document.addEventListener("DOMContentLoaded", startAll);
  }
})();
