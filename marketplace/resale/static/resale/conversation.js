// A private conversation, live (templates/resale/conversations/conversation_detail.html).
// New messages arrive over the conversation's websocket (live-socket.js, which
// base.html loads) and are appended at the end of the list, a polite live region,
// so screen readers hear them; focus stays where the reader is (the message box
// while typing). The form is sent in place: the message is appended at once and
// the box emptied and kept focused. Without JavaScript the form posts and the page
// reloads; without a socket the page shows the messages as of its loading.
(function () {
  "use strict";

  // A handshake refused this many times in a row (signed out, say): stop asking.
  var MAX_REFUSALS = 8;

  function start(box) {
    var list = box.querySelector(".conversation-messages");
    var form = box.querySelector("#conversation-form");
    if (!list || !form) {
      return;
    }
    var textarea = form.querySelector("textarea");
    var errors = form.querySelector("[data-conversation-errors]");
    var status = form.querySelector("[data-conversation-status]");
    var refusals = 0;
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");

    function nearBottom() {
      return window.innerHeight + window.scrollY >= document.body.scrollHeight - 120;
    }

    function append(id, html) {
      if (!id || document.getElementById("message-" + id)) {
        return false; // already shown (sent from here, or loaded with the page)
      }
      var stick = nearBottom();
      var template = document.createElement("template");
      // HTML rendered and escaped by the server (message.html).
      template.innerHTML = html.trim();
      var element = template.content.firstElementChild;
      if (!element) {
        return false;
      }
      var empty = list.querySelector("[data-conversation-empty]");
      if (empty) {
        empty.remove();
      }
      list.appendChild(element);
      if (stick) {
        element.scrollIntoView({ block: "nearest" });
      }
      return true;
    }

    function post(data) {
      return window.fetch(form.getAttribute("action") || window.location.pathname, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "X-CSRFToken": csrf ? csrf.value : "",
        },
      });
    }

    function markRead() {
      if (document.visibilityState !== "visible") {
        return;
      }
      var data = new FormData();
      data.append("action", "read");
      if (csrf) {
        data.append("csrfmiddlewaretoken", csrf.value);
      }
      post(data).catch(function () {});
    }

    document.addEventListener("visibilitychange", function () {
      if (box.dataset.unseen === "1" && document.visibilityState === "visible") {
        box.dataset.unseen = "";
        markRead();
      }
    });

    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) {
        return; // the plain form post
      }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true;
      }
      errors.textContent = "";
      post(new FormData(form))
        .then(function (response) {
          return response.json().then(function (body) {
            return { ok: response.ok, body: body };
          });
        })
        .then(function (result) {
          if (result.ok && result.body.id) {
            append(result.body.id, result.body.html || "");
            textarea.value = "";
            status.textContent = box.getAttribute("data-label-sent") || "";
          } else {
            (result.body.errors || []).forEach(function (text) {
              var p = document.createElement("p");
              p.className = "message message-error";
              p.textContent = text;
              errors.appendChild(p);
            });
          }
        })
        .catch(function () {
          // Offline or a server error page: send it the ordinary way.
          form.submit();
        })
        .then(function () {
          if (button) {
            button.disabled = false;
          }
          textarea.focus();
        });
    });

    window.Comptoir.liveSocket(box.getAttribute("data-socket"), {
      onOpen: function () {
        refusals = 0;
        // Lets styles, and the browser tests, know the conversation is live.
        box.dataset.live = "open";
      },
      onMessage: function (message) {
        var id = parseInt(message.id, 10);
        if (message.type !== "message" || !id || typeof message.html !== "string") {
          return;
        }
        if (append(id, message.html) && !message.mine) {
          if (document.visibilityState === "visible") {
            markRead();
          } else {
            box.dataset.unseen = "1";
          }
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
    document.querySelectorAll("[data-conversation]").forEach(start);
  }

  // Deferred scripts run in page order: live-socket.js may not have run yet.
  if (window.Comptoir && window.Comptoir.liveSocket) {
    startAll();
  } else {
    document.addEventListener("DOMContentLoaded", startAll);
  }
})();
