// A forum topic, live (templates/forum/topic_detail.html, #forum-live).
// New replies, likes and edits arrive over a websocket (live-socket.js, which
// base.html loads after the page's own scripts; it reconnects with backoff).
// - New replies are kept aside and announced in a polite live region, "3 new
//   replies — show": on the topic's last page a button that adds them at the
//   end of the list and moves the focus to the first; on any other page (or
//   when they belong to the next page) a link to the first of them.
// - Likes change a post's count in place; edits replace its text and history.
// The server sends each post as a visitor sees it (forum/includes/post.html),
// and a post already on the page (one's own reply, say) is never added twice.
// Every word comes from the page (data-label-one/-other) or the server.
// Without JavaScript or a socket the page shows the topic as of its loading.
(function () {
  "use strict";

  // The handshake of a socket on a topic that is no longer public is refused:
  // after this many refusals in a row the page stops asking.
  var MAX_REFUSALS = 8;
  // What an edit replaces in a post, each a direct child of its <article>.
  var EDITED_PARTS = [".forum-post-body", ".forum-post-images", ".forum-post-history"];

  function parse(html) {
    var template = document.createElement("template");
    // HTML rendered and sanitised by the server (forum/includes/post.html).
    template.innerHTML = String(html || "").trim();
    return template.content.firstElementChild;
  }

  function child(element, selector) {
    return element.querySelector(":scope > " + selector);
  }

  function start(box) {
    var posts = document.getElementById(box.getAttribute("data-posts"));
    var news = box.querySelector("[data-live-news]");
    if (!posts || !news) {
      return;
    }
    var lastPage = box.getAttribute("data-last-page") === "true";
    var pageHigh = parseInt(box.getAttribute("data-page-high"), 10) || 0;
    var topicUrl = box.getAttribute("data-topic-url") || window.location.pathname;
    var waiting = []; // {id, number, html}, by number
    var likes = {}; // id -> likes line, for posts still waiting
    var refusals = 0;
    var control = null;

    function label(count) {
      var template = box.getAttribute(
        count === 1 ? "data-label-one" : "data-label-other"
      );
      return template.replace("{n}", String(count));
    }

    function shown(id, number) {
      return (
        posts.querySelector('[data-post-id="' + id + '"]') ||
        document.getElementById("post-" + number)
      );
    }

    function waitingIndex(id) {
      for (var i = 0; i < waiting.length; i += 1) {
        if (waiting[i].id === id) {
          return i;
        }
      }
      return -1;
    }

    function fitsHere(post) {
      // The page holds numbers up to pageHigh; a later one is on the next page.
      return lastPage && (!pageHigh || post.number <= pageHigh);
    }

    function announce() {
      if (!waiting.length) {
        news.textContent = "";
        control = null;
        return;
      }
      var inPlace = waiting.every(fitsHere);
      var tag = inPlace ? "button" : "a";
      if (!control || control.tagName.toLowerCase() !== tag) {
        news.textContent = "";
        control = document.createElement(tag);
        control.className = "forum-live-show";
        if (inPlace) {
          control.type = "button";
          control.className += " link-button";
          control.addEventListener("click", show);
        }
        news.appendChild(control);
      }
      if (!inPlace) {
        var first = waiting[0].number;
        control.href = topicUrl + "?post=" + first + "#post-" + first;
      }
      control.textContent = label(waiting.length);
    }

    function insertInOrder(element, number) {
      // In number order: after the page's posts, before any later one shown.
      var articles = posts.querySelectorAll(":scope > [data-post-id]");
      for (var i = 0; i < articles.length; i += 1) {
        var other = parseInt((articles[i].id || "").replace("post-", ""), 10);
        if (other > number) {
          posts.insertBefore(element, articles[i]);
          return;
        }
      }
      posts.appendChild(element);
    }

    function show() {
      var first = null;
      waiting.forEach(function (post) {
        if (shown(post.id, post.number)) {
          return;
        }
        var element = parse(post.html);
        if (!element) {
          return;
        }
        insertInOrder(element, post.number);
        if (likes[post.id] !== undefined) {
          likesSet(element, likes[post.id]);
        }
        first = first || element;
      });
      waiting = [];
      likes = {};
      var empty = posts.querySelector("[data-posts-empty]");
      if (first && empty) {
        empty.remove();
      }
      announce();
      if (first) {
        // Keyboard and screen-reader users land on the first reply shown.
        first.setAttribute("tabindex", "-1");
        first.focus();
      }
    }

    function received(message) {
      if (shown(message.id, message.number) || waitingIndex(message.id) >= 0) {
        return;
      }
      waiting.push({ id: message.id, number: message.number, html: message.html });
      waiting.sort(function (a, b) {
        return a.number - b.number;
      });
      announce();
    }

    function likesSet(article, html) {
      var line = article.querySelector(".forum-post-likes");
      if (!line) {
        return;
      }
      var fresh = parse(html);
      var count = fresh && fresh.querySelector(".forum-likes");
      var old = line.querySelector(".forum-likes");
      if (count && old) {
        old.replaceWith(count);
      } else if (count) {
        line.insertBefore(count, line.firstChild);
      } else if (old) {
        old.remove();
      }
    }

    function liked(message) {
      var article = shown(message.id, message.number);
      if (article) {
        likesSet(article, message.html);
      } else if (waitingIndex(message.id) >= 0) {
        likes[message.id] = message.html;
      }
    }

    function edited(message) {
      var index = waitingIndex(message.id);
      if (index >= 0) {
        waiting[index].html = message.html;
        return;
      }
      var article = shown(message.id, message.number);
      var fresh = parse(message.html);
      if (!article || !fresh) {
        return; // not on this page: it shows as edited when its page is opened
      }
      var footer = child(article, ".forum-post-actions");
      EDITED_PARTS.forEach(function (selector) {
        var old = child(article, selector);
        var part = child(fresh, selector);
        if (old && part) {
          old.replaceWith(part);
        } else if (old) {
          old.remove();
        } else if (part) {
          article.insertBefore(part, footer);
        }
      });
    }

    window.Comptoir.liveSocket(box.getAttribute("data-forum-live"), {
      onOpen: function () {
        refusals = 0;
        // Lets styles, and the browser tests, know the topic is live.
        box.dataset.live = "open";
      },
      onMessage: function (message) {
        var id = parseInt(message.id, 10);
        var number = parseInt(message.number, 10);
        if (!id || !number || typeof message.html !== "string") {
          return;
        }
        message.id = id;
        message.number = number;
        if (message.type === "post") {
          received(message);
        } else if (message.type === "likes") {
          liked(message);
        } else if (message.type === "edit") {
          edited(message);
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
    document.querySelectorAll("[data-forum-live]").forEach(start);
  }

  // Deferred scripts run in page order, so live-socket.js, at the end of the
  // page, may not have run yet; both have when DOMContentLoaded fires.
  if (window.Comptoir && window.Comptoir.liveSocket) {
    startAll();
  } else {
    document.addEventListener("DOMContentLoaded", startAll);
  }
})();
