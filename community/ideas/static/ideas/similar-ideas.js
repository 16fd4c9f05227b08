// Similar ideas while typing a title (/ideas/new/): asks /ideas/similar/ for the
// list as an HTML fragment, rendered by the server like the page without
// JavaScript, and shows it under the form's fields.
(function () {
  "use strict";

  var box = document.getElementById("similar-ideas");
  var title = document.querySelector("[data-similar-ideas]");
  if (!box || !title || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-similar-url");
  var timer = null;
  var asked = "";
  var controller = null;

  function ask() {
    var query = title.value.trim();
    if (query.length < 3 || query === asked) {
      return;
    }
    asked = query;
    if (controller) {
      controller.abort();
    }
    controller = window.AbortController ? new AbortController() : null;
    var address = url + "?fragment=1&q=" + encodeURIComponent(query);
    fetch(address, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        // The server's own template, escaped there: safe to insert.
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var list = parsed.querySelector(".similar-ideas-list");
        box.replaceChildren.apply(box, list ? [list] : []);
      })
      .catch(function () {
        // Offline or aborted: the form still works, the list stays as it was.
      });
  }

  title.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 350);
  });
  if (title.value) {
    ask();
  }
})();
